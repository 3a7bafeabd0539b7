import Kernel

/// The CogniLoad generator (Kaiser et al., 2025), re-implemented after the official `cogniload.py`.
///
/// Per puzzle: d categories out of 12 and max(d, 2) people (d = 1 adds a spare person); per category a domain of
/// L = (d = 1 ? 3 : d + 1) values (capped by the vocabulary), person i starting with value i mod L in every category,
/// so all people start different. Then N statements, k of them needles (about the person of interest, PoI), the rest
/// hays, randomly interleaved with exact counts (each attempt is a needle with probability needles left / statements
/// left). A statement about target t picks k_c ~ U{1..d} condition categories holding t's current values and
/// k_u ~ U{1..d} update categories, each new value uniform over the domain minus {t's value, PoI's value}; it applies
/// to everyone matching all conditions. Rejected and redrawn (without using up the slot): a hay whose conditions match
/// the PoI; a needle whose conditions match every other person, or after which every other person either already held
/// all the update values (unmatched) or equals the PoI (matched), the official needle check; and any statement after
/// which someone else's whole state equals the PoI's. Hence hays never touch the PoI, and the answer is the PoI's
/// initial state with the k needles applied in order.
///
/// Distribution-compatible with the official generator, not byte-identical (that one uses Erlang's exs1024 or
/// Python's MT19937 and cannot be matched without them); instead each instance is reproducible from its own seed.
public enum Generator {
    /// Redraws of one statement before the whole puzzle is restarted from the next sub-stream.
    static let attemptsPerStatement = 200
    static let restarts = 64

    /// The puzzle at `parameters` with instance seed `seed`, worded in `style` (the wording draws nothing from the
    /// puzzle's stream, so both styles give the same puzzle).
    public static func generate(
        _ parameters: PuzzleParameters, seed: UInt64, style: TextStyle = .official
    ) throws(FjordError) -> Puzzle {
        for restart in 0..<restarts {
            var rng = SplitMix64(seed: SplitMix64.mix(seed &+ UInt64(restart) &* 0x9E37_79B9_7F4A_7C15))
            if var p = attempt(parameters, seed: seed, rng: &rng) {
                p.style = style
                return p
            }
        }
        throw FjordError(.software, "no valid puzzle at \(parameters) seed \(seed) after \(restarts) restarts")
    }

    /// Instance `index` of `parameters` under `baseSeed`.
    public static func generate(
        _ parameters: PuzzleParameters, baseSeed: UInt64, index: Int, style: TextStyle = .official
    ) throws(FjordError) -> Puzzle {
        try generate(parameters, seed: parameters.seed(base: baseSeed, index: index), style: style)
    }

    private static func attempt(_ par: PuzzleParameters, seed: UInt64, rng: inout SplitMix64) -> Puzzle? {
        let d = par.d
        var catScratch = Array(0..<Category.allCases.count)
        rng.sample(d, from: &catScratch)
        let categories = catScratch[0..<d].map { Category(rawValue: $0)! }
        let nPeople = max(d, 2)
        var nameScratch = Array(0..<Vocabulary.names.count)
        rng.sample(nPeople, from: &nameScratch)
        let people = nameScratch[0..<nPeople].map { Vocabulary.names[$0] }
        let poi = rng.below(nPeople)
        let wanted = d == 1 ? 3 : d + 1
        var domains: [[String]] = []
        for c in categories {
            let vocab = c.values
            var scratch = Array(0..<vocab.count)
            let L = min(wanted, vocab.count)
            rng.sample(L, from: &scratch)
            domains.append(scratch[0..<L].map { vocab[$0] })
        }
        var state = [UInt8](repeating: 0, count: nPeople * d)
        for p in 0..<nPeople {
            for s in 0..<d { state[p * d + s] = UInt8(p % domains[s].count) }
        }
        let initial = state
        let others = (0..<nPeople).filter { $0 != poi }

        var needlesLeft = par.needles, haysLeft = par.N - par.needles
        var statements: [Statement] = []
        statements.reserveCapacity(par.N)
        var slotScratch = Array(0..<d)
        var matched = [Bool](repeating: false, count: nPeople)
        var trial = [UInt8](repeating: 0, count: state.count)
        var conds: [(slot: Int, value: Int)] = [], upds: [(slot: Int, value: Int)] = []
        conds.reserveCapacity(d)
        upds.reserveCapacity(d)
        while needlesLeft + haysLeft > 0 {
            var accepted = false, isNeedle = false
            for _ in 0..<attemptsPerStatement {
                // The kind is drawn again at every attempt, as the official generator does.
                isNeedle = rng.below(needlesLeft + haysLeft) < needlesLeft
                let target = isNeedle ? poi : others[rng.below(others.count)]
                let kc = 1 + rng.below(d), ku = 1 + rng.below(d)
                conds.removeAll(keepingCapacity: true)
                upds.removeAll(keepingCapacity: true)
                rng.sample(kc, from: &slotScratch)
                for i in 0..<kc {
                    let s = slotScratch[i]
                    conds.append((s, Int(state[target * d + s])))
                }
                rng.sample(ku, from: &slotScratch)
                for i in 0..<ku {
                    let s = slotScratch[i]
                    let L = domains[s].count
                    let a = Int(state[target * d + s]), b = Int(state[poi * d + s])
                    // Uniform over the domain minus {a, b}: draw among L − |{a, b}| and skip the excluded values.
                    var v = rng.below(L - (a == b ? 1 : 2))
                    if v >= min(a, b) { v += 1 }
                    if a != b, v >= max(a, b) { v += 1 }
                    upds.append((s, v))
                }
                // Who matches every condition? Then apply the updates to a trial copy and check that nobody else
                // ends up with the person of interest's exact attributes. (Raw buffers: this loop is most of the
                // generator's time, and every index is in range by construction.)
                let rejected = state.withUnsafeBufferPointer { st in
                    trial.withUnsafeMutableBufferPointer { tr in
                        matched.withUnsafeMutableBufferPointer { mt in
                            var matchedOthers = 0
                            for p in 0..<nPeople {
                                var m = true
                                for c in conds where Int(st[p * d + c.slot]) != c.value {
                                    m = false
                                    break
                                }
                                mt[p] = m
                                if m && p != poi { matchedOthers += 1 }
                            }
                            if isNeedle ? matchedOthers == nPeople - 1 : mt[poi] { return true }
                            _ = tr.initialize(from: st)  // no allocation: trial is its own buffer
                            for p in 0..<nPeople where mt[p] {
                                for u in upds { tr[p * d + u.slot] = UInt8(u.value) }
                            }
                            let mine = poi * d
                            if isNeedle && matchedOthers > 0 {
                                // The official needle check: refused when every other person either already holds
                                // all the update values (not matched) or ends up equal to the PoI (matched).
                                var similar = 0
                                for p in 0..<nPeople where p != poi {
                                    var same = true
                                    if mt[p] {
                                        for s in 0..<d where tr[p * d + s] != tr[mine + s] {
                                            same = false
                                            break
                                        }
                                    } else {
                                        for u in upds where Int(st[p * d + u.slot]) != u.value {
                                            same = false
                                            break
                                        }
                                    }
                                    if same { similar += 1 }
                                }
                                if similar >= nPeople - 1 { return true }
                            }
                            for p in 0..<nPeople where p != poi {
                                var same = true
                                for s in 0..<d where tr[p * d + s] != tr[mine + s] {
                                    same = false
                                    break
                                }
                                if same { return true }
                            }
                            return false
                        }
                    }
                }
                if rejected { continue }
                swap(&state, &trial)
                statements.append(Statement(conditions: conds, updates: upds, target: target, isNeedle: isNeedle))
                accepted = true
                break
            }
            if !accepted { return nil }
            if isNeedle { needlesLeft -= 1 } else { haysLeft -= 1 }
        }
        let q = rng.below(d)
        return Puzzle(
            parameters: par, seed: seed, people: people, poi: poi, categories: categories, domains: domains,
            initial: initial, statements: statements, questionSlot: q,
            gold: domains[q][Int(state[poi * d + q])])
    }
}
