import Kernel

/// A generated puzzle: everything needed to write its prompt, its answer and its workload metadata.
public struct Puzzle: Sendable {
    public var parameters: PuzzleParameters
    public var seed: UInt64
    /// Person names; `poi` indexes the person of interest.
    public var people: [String]
    public var poi: Int
    /// The d categories (the `fjord` wording lists starting states in this order; `official` shuffles each line).
    public var categories: [Category]
    /// Per category slot, the values in play (domain).
    public var domains: [[String]]
    /// Initial value index per person and slot: `initial[p * d + s]`.
    public var initial: [UInt8]
    public var statements: [Statement]
    /// The asked category slot.
    public var questionSlot: Int
    /// The person of interest's final value in the asked category.
    public var gold: String
    /// How the prompt is worded.
    public var style: TextStyle = .official

    public var d: Int { categories.count }
    public var askedCategory: Category { categories[questionSlot] }

    /// 1-based numbers of the statements about the person of interest.
    public var needlePositions: [Int] { statements.indices.filter { statements[$0].isNeedle }.map { $0 + 1 } }

    /// Σ over needles of (conditions + updates): a finer workload proxy than the needle count.
    public var needleOperations: Int {
        statements.reduce(0) { $0 + ($1.isNeedle ? $1.conditions.count + $1.updates.count : 0) }
    }

    /// People a statement was drawn for, most recently targeted first: the people the prompt introduces.
    public var introducedPeople: [Int] {
        var seen = [Bool](repeating: false, count: people.count), order: [Int] = []
        for s in statements.reversed() where !seen[s.target] {
            seen[s.target] = true
            order.append(s.target)
        }
        return order
    }

    /// The prompt in the puzzle's ``TextStyle``. `official`: the instruction, a blank line, the introduced people's
    /// starting states (attributes shuffled per line), the numbered statements, a blank line, the question, exactly
    /// as the official generator lays it out. `fjord`: the same with a blank line before "1." and attributes in
    /// category order.
    public func prompt() -> String { String(decoding: promptBytes(), as: UTF8.self) }

    /// The order the starting-state line of person `p` lists the categories in: a permutation drawn from its own
    /// stream of the puzzle seed (so it changes no other draw), or category order when the style does not shuffle.
    func startingOrder(_ p: Int) -> [Int] {
        var order = Array(0..<d)
        guard style.shufflesStartingStates else { return order }
        var rng = SplitMix64(seed: instanceSeed(seed, 0x5354_4152_54, UInt64(p)))
        rng.sample(d, from: &order)
        return order
    }

    /// The prompt as UTF-8, assembled from pre-rendered clauses into one buffer sized up front (the generator's
    /// hot path: no reallocation, one memcpy per clause).
    public func promptBytes() -> [UInt8] {
        let spans = clauseSpans()
        let table = ClauseTable.of(style)
        let clause = table.longest + ClauseTable.and.count
        let question = Array(style.question(askedCategory, people[poi]).utf8)
        var capacity = table.instruction.count + question.count + 8
        capacity += people.reduce(0) { $0 + $1.utf8.count + 4 + d * clause }
        for st in statements { capacity += 24 + (st.conditions.count + st.updates.count) * clause }
        return [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            var w = ByteWriter(buffer)
            w.put(table.instruction)
            w.put(0x0A)
            w.put(0x0A)
            table.flat.withUnsafeBufferPointer { f in
                for p in introducedPeople {
                    w.put(Array(people[p].utf8))
                    w.put(0x20)
                    for (k, s) in startingOrder(p).enumerated() {
                        if k > 0 { w.put(ClauseTable.and) }
                        spans.put(0, s, Int(initial[p * d + s]), from: f, to: &w)
                    }
                    w.put(0x2E)
                    w.put(0x0A)
                }
                if style.blankBeforeStatements { w.put(0x0A) }
                for i in statements.indices {
                    writeStatement(i, spans: spans, flat: f, to: &w)
                    w.put(0x0A)
                }
            }
            w.put(0x0A)
            w.put(question)
            precondition(w.count <= capacity)
            count = w.count
        }
    }

    /// Statement `i` (0-based) as its prompt line, "7. The people … ". Pass `spans` (from `clauseSpans()`) when
    /// writing many lines of one puzzle.
    public func statementLine(_ i: Int) -> String { statementLine(i, spans: clauseSpans()) }

    func statementLine(_ i: Int, spans: Spans) -> String {
        let st = statements[i]
        let table = ClauseTable.of(style)
        let capacity = 24 + (st.conditions.count + st.updates.count) * (table.longest + ClauseTable.and.count)
        let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            var w = ByteWriter(buffer)
            table.flat.withUnsafeBufferPointer { writeStatement(i, spans: spans, flat: $0, to: &w) }
            count = w.count
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Where each (kind, slot, value) clause of this puzzle sits in the shared clause table.
    struct Spans {
        var bounds: [Int]  // (start, end) pairs
        let d: Int, width: Int
        @inline(__always) func put(
            _ kind: Int, _ slot: Int, _ value: Int, from f: UnsafeBufferPointer<UInt8>,
            to w: inout ByteWriter
        ) {
            let k = ((kind * d + slot) * width + value) * 2
            w.put(f.baseAddress! + bounds[k], bounds[k + 1] - bounds[k])
        }
    }

    func clauseSpans() -> Spans {
        let t = ClauseTable.of(style)
        let width = domains.map(\.count).max() ?? 0
        var b = [Int](repeating: 0, count: 3 * d * width * 2)
        for kind in 0..<3 {
            for s in 0..<d {
                let c = categories[s]
                for (v, value) in domains[s].enumerated() {
                    let vi = c.values.firstIndex(of: value)!
                    let k = ((kind * d + s) * width + v) * 2
                    b[k] = t.start[kind][c.rawValue][vi]
                    b[k + 1] = t.start[kind][c.rawValue][vi + 1]
                }
            }
        }
        return Spans(bounds: b, d: d, width: width)
    }

    private func writeStatement(_ i: Int, spans: Spans, flat f: UnsafeBufferPointer<UInt8>, to w: inout ByteWriter) {
        let st = statements[i]
        w.putDecimal(i + 1)
        w.put(ClauseTable.thePeople)
        for (k, c) in st.conditions.enumerated() {
            if k > 0 { w.put(ClauseTable.and) }
            spans.put(1, c.slot, c.value, from: f, to: &w)
        }
        w.put(0x20)
        for (k, u) in st.updates.enumerated() {
            if k > 0 { w.put(ClauseTable.and) }
            spans.put(2, u.slot, u.value, from: f, to: &w)
        }
    }

    /// The exact solver's final sentence.
    public var answerSentence: String { style.answer(askedCategory, people[poi], gold) }

    /// The question line.
    public var question: String { style.question(askedCategory, people[poi]) }
}
