import Kernel

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// A language model stand-in with known parameters, so every later stage (scoring, the efficiency decomposition, trace
/// measures, plots) can be tested end to end and checked to recover what was configured.
///
/// Per instance with workload W (needle count):
/// - **Verbosity**: it intends to write T = max(T_min, round(α · W^κ · e^{σz})) words, z ~ N(0, 1); α is the overhead
///   (words per work unit at W = 1) and κ the coupling.
/// - **Budget**: if T exceeds the budget B it stops after B words with finish_reason "length" and no answer.
/// - **Loops**: with probability `loop` it falls into repeating one line until the budget cuts it.
/// - **Correctness** given completion: logit P = base − length·ln(N/20) − difficulty·(d − 1) + curvature·((ρ − 50)/50)²
///   (curvature > 0 gives the U-shape in ρ); a wrong answer names another value of the puzzle's domain.
/// - **Trace**: one line per statement it walks through: with probability `echo` the statement copied from the prompt,
///   with probability `filler` a line naming nothing from the puzzle, otherwise a line about the statement's people.
/// Tokens are words (`tokenizer: "words"`). Output depends only on (model name, seed, instance seed).
public struct SimulatedModel: Sendable, Equatable {
    public var name: String
    public var overhead = 40.0
    public var coupling = 1.0
    public var noise = 0.35
    public var budget = 4096
    public var loop = 0.0
    public var base = 4.0
    public var length = 0.6
    public var difficulty = 0.15
    public var curvature = 0.8
    public var echo = 0.05
    public var filler = 0.2
    public var seed: UInt64 = 0

    public init(name: String) { self.name = name }

    /// Words of the shortest trace: room for the answer sentence.
    public static let minimumTokens = 12

    /// The configured probability of a correct answer given completion.
    public func conditionalAccuracy(_ p: PuzzleParameters) -> Double {
        let r = (p.rho - 50) / 50
        let logit = base - length * log(Double(p.N) / 20) - difficulty * Double(p.d - 1) + curvature * r * r
        return 1 / (1 + exp(-logit))
    }

    /// The configured probability of finishing within the budget at workload W.
    public func completionProbability(workload w: Double) -> Double {
        let z = (log(Double(budget) + 0.5) - log(overhead) - coupling * log(w)) / noise
        return (1 - loop) * Normal.cdf(z)
    }

    /// Four contrasting profiles used by `reproduce`: what the decomposition should tell apart.
    public static let presets: [SimulatedModel] = {
        var careful = SimulatedModel(name: "sim-careful")
        careful.overhead = 90
        careful.coupling = 1.1
        careful.base = 5.0
        careful.length = 0.5
        careful.budget = 16384
        var terse = SimulatedModel(name: "sim-terse")
        terse.overhead = 12
        terse.coupling = 0.8
        terse.base = 3.0
        terse.length = 0.8
        terse.difficulty = 0.2
        terse.filler = 0.05
        var looper = SimulatedModel(name: "sim-looper")
        looper.overhead = 45
        looper.loop = 0.15
        looper.base = 4.5
        looper.echo = 0.3
        var capped = SimulatedModel(name: "sim-capped")
        capped.overhead = 70
        capped.coupling = 1.25
        capped.budget = 3000
        capped.base = 4.5
        capped.curvature = 1.2
        return [careful, terse, looper, capped]
    }()

    /// The model's response to `puzzle`: completion text, finish reason and its word count.
    public func respond(to puzzle: Puzzle) -> (completion: String, finishReason: String, tokens: Int) {
        var rng = SplitMix64(seed: instanceSeed(seed, puzzle.seed, fnv1a(name)))
        let w = Double(puzzle.parameters.needles)
        let intended = max(
            Self.minimumTokens,
            Int((overhead * pow(w, coupling) * exp(noise * rng.normal())).rounded()))
        let loops = rng.uniform() < loop
        let correct = rng.uniform() < conditionalAccuracy(puzzle.parameters)
        var answer = puzzle.gold
        if !correct {
            let others = puzzle.domains[puzzle.questionSlot].filter { $0 != puzzle.gold }
            answer = others[rng.below(others.count)]
        }
        let finalSentence = puzzle.style.answer(puzzle.askedCategory, puzzle.people[puzzle.poi], answer)
        let finalWords = finalSentence.split(separator: " ").count
        let truncated = loops || intended > budget
        let traceWords = truncated ? budget : intended - finalWords

        var text = TraceWriter(limit: traceWords)
        let loopAt = loops ? rng.below(max(1, puzzle.statements.count)) : -1
        var spans: Puzzle.Spans?  // the clause table of this puzzle, built at the first echoed line
        var i = 0
        while !text.full {
            let k = i % puzzle.statements.count
            if i == loopAt {
                let line = "Wait, let me re-check statement \(k + 1) again."
                while !text.full { text.line(line) }
                break
            }
            let u = rng.uniform()
            if u < echo {
                if spans == nil { spans = puzzle.clauseSpans() }
                text.line(puzzle.statementLine(k, spans: spans!))
            } else if u < echo + filler {
                text.line("Let me keep track of this carefully before going on.")
            } else {
                let st = puzzle.statements[k]
                let who = puzzle.people[st.target]
                let c = st.updates[0]
                let pass = i / puzzle.statements.count
                let head = pass == 0 ? "Step \(k + 1)" : "Pass \(pass + 1), step \(k + 1)"
                text.line(
                    "\(head): \(who) matches, so \(who) now \(puzzle.style.clause(.update, puzzle.categories[c.slot], puzzle.domains[c.slot][c.value]))."
                )
            }
            i += 1
        }
        if truncated { return (text.text, "length", text.count) }
        text.lineUnlimited(finalSentence)
        return (text.text, "stop", text.count)
    }
}

/// Appends lines word by word up to a word limit.
struct TraceWriter {
    var text = ""
    var count = 0
    let limit: Int
    init(limit: Int) {
        self.limit = limit
        text.reserveCapacity(limit * 7)
    }
    var full: Bool { count >= limit }

    mutating func line(_ s: String) {
        let words = s.utf8.reduce(1) { $0 + ($1 == 0x20 ? 1 : 0) }
        if count + words <= limit {
            if !text.isEmpty { text += "\n" }
            text += s
            count += words
            return
        }
        var first = true
        for w in s.split(separator: " ") where count < limit {
            if !first { text += " " } else if !text.isEmpty { text += "\n" }
            text += w
            first = false
            count += 1
        }
    }

    mutating func lineUnlimited(_ s: String) {
        if !text.isEmpty { text += "\n" }
        text += s
        count += s.split(separator: " ").count
    }
}
