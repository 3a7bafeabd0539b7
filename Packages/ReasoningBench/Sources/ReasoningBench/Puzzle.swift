import Kernel

/// The three load axes of a CogniLoad puzzle.
///
/// - `N`: statements (length; germane load).
/// - `d`: intrinsic difficulty: d categories, max(d, 2) people, up to d conditions and d updates per statement,
///   d+1 values per category (3 when d = 1).
/// - `rho`: needle percentage, the share of statements about the person of interest (extraneous load: lower ρ = more
///   distractors). Needles k = clamp(round(N·ρ/100), 1, N), rounding halves away from zero as the Elixir generator
///   that produced the paper's data does (Python's port rounds halves to even: (50, 5) gives 3 here and 2 there).
public struct PuzzleParameters: Hashable, Sendable, CustomStringConvertible {
    public var N: Int
    public var d: Int
    public var rho: Double

    public static let dRange = 1...10
    public static let rhoRange = 0.0...100.0
    public static let maxN = 100_000

    public init(N: Int, d: Int, rho: Double) throws(FjordError) {
        guard N >= 1, N <= Self.maxN else { throw .usage("N = \(N) is out of range: allowed 1…\(Self.maxN)") }
        guard Self.dRange.contains(d) else { throw .usage("d = \(d) is out of range: allowed 1…10") }
        guard rho.isFinite, Self.rhoRange.contains(rho) else {
            throw .usage("rho = \(rho) is out of range: allowed 0…100 (percent of statements about the person of interest)")
        }
        self.N = N
        self.d = d
        self.rho = rho
    }

    /// Needle count k.
    public var needles: Int { min(N, max(1, Int((Double(N) * rho / 100).rounded()))) }

    /// The paper's grid: N ∈ {20, 50, 100, 250} × ρ ∈ {5, 10, 25, 50, 75, 90, 95} × d ∈ {1, 3, 5, 7, 10}.
    public static let paperGrid: [PuzzleParameters] = {
        var g: [PuzzleParameters] = []
        for n in [20, 50, 100, 250] {
            for r in [5.0, 10, 25, 50, 75, 90, 95] {
                for d in [1, 3, 5, 7, 10] { g.append(try! PuzzleParameters(N: n, d: d, rho: r)) }
            }
        }
        return g
    }()

    /// ρ as written in ids and tables: "5", "12.5".
    public var rhoText: String { JSON.format(rho) }

    public var description: String { "N=\(N) d=\(d) rho=\(rhoText)" }

    /// The seed of instance `index` at these parameters under `base`.
    public func seed(base: UInt64, index: Int) -> UInt64 {
        instanceSeed(base, UInt64(N), UInt64(d), rho.bitPattern, UInt64(index))
    }

    /// The instance id, "N250-d10-r50-0003".
    public func id(index: Int) -> String {
        let i = String(index)
        return "N\(N)-d\(d)-r\(rhoText)-" + String(repeating: "0", count: max(0, 4 - i.count)) + i
    }
}

/// One statement: the people matching every condition (current values) take every update, simultaneously.
public struct Statement: Sendable, Equatable {
    /// (category slot, value index) pairs, in the order they are written.
    public var conditions: [(slot: Int, value: Int)]
    public var updates: [(slot: Int, value: Int)]
    /// The person the statement was drawn for (the person of interest for a needle).
    public var target: Int
    public var isNeedle: Bool

    public static func == (a: Statement, b: Statement) -> Bool {
        a.target == b.target && a.isNeedle == b.isNeedle
            && a.conditions.elementsEqual(b.conditions) { $0 == $1 } && a.updates.elementsEqual(b.updates) { $0 == $1 }
    }
}

/// A generated puzzle: everything needed to write its prompt, its answer and its workload metadata.
public struct Puzzle: Sendable {
    public var parameters: PuzzleParameters
    public var seed: UInt64
    /// Person names; `poi` indexes the person of interest.
    public var people: [String]
    public var poi: Int
    /// The d categories, in the order init lines list them.
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

    /// The instruction line of every prompt (ours; same content as CogniLoad's: sequential reasoning, one final sentence).
    public static let instruction = "Solve this logic puzzle. Work through the statements strictly in the order given. "
        + "End your response with one sentence that states the asked property (for example \"Peter is located at the "
        + "kitchen.\" or \"Peter is wearing blue socks.\")."

    /// The prompt: instruction, a blank line, the introduced people's initial states, a blank line, the numbered
    /// statements, a blank line, the question.
    public func prompt() -> String { String(decoding: promptBytes(), as: UTF8.self) }

    /// The prompt as UTF-8, assembled from pre-rendered clauses into one buffer sized up front (the generator's
    /// hot path: no reallocation, one memcpy per clause).
    public func promptBytes() -> [UInt8] {
        let spans = clauseSpans()
        let clause = ClauseTable.shared.longest + ClauseTable.and.count
        let question = Array(askedCategory.question(people[poi]).utf8)
        var capacity = Puzzle.instructionBytes.count + question.count + 8
        capacity += people.reduce(0) { $0 + $1.utf8.count + 4 + d * clause }
        for st in statements { capacity += 24 + (st.conditions.count + st.updates.count) * clause }
        return [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            var w = ByteWriter(buffer.baseAddress!)
            w.put(Puzzle.instructionBytes)
            w.put(0x0A); w.put(0x0A)
            ClauseTable.shared.flat.withUnsafeBufferPointer { f in
                for p in introducedPeople {
                    w.put(Array(people[p].utf8))
                    w.put(0x20)
                    for s in 0..<d {
                        if s > 0 { w.put(ClauseTable.and) }
                        spans.put(0, s, Int(initial[p * d + s]), from: f, to: &w)
                    }
                    w.put(0x2E); w.put(0x0A)
                }
                w.put(0x0A)
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

    static let instructionBytes = Array(instruction.utf8)

    /// Statement `i` (0-based) as its prompt line, "7. The people … ". Pass `spans` (from `clauseSpans()`) when
    /// writing many lines of one puzzle.
    public func statementLine(_ i: Int) -> String { statementLine(i, spans: clauseSpans()) }

    func statementLine(_ i: Int, spans: Spans) -> String {
        let st = statements[i]
        let capacity = 24 + (st.conditions.count + st.updates.count) * (ClauseTable.shared.longest + ClauseTable.and.count)
        let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            var w = ByteWriter(buffer.baseAddress!)
            ClauseTable.shared.flat.withUnsafeBufferPointer { writeStatement(i, spans: spans, flat: $0, to: &w) }
            count = w.count
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Where each (kind, slot, value) clause of this puzzle sits in the shared clause table.
    struct Spans {
        var bounds: [Int]  // (start, end) pairs
        let d: Int, width: Int
        @inline(__always) func put(_ kind: Int, _ slot: Int, _ value: Int, from f: UnsafeBufferPointer<UInt8>,
                                   to w: inout ByteWriter) {
            let k = ((kind * d + slot) * width + value) * 2
            w.put(f.baseAddress! + bounds[k], bounds[k + 1] - bounds[k])
        }
    }

    func clauseSpans() -> Spans {
        let t = ClauseTable.shared
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
    public var answerSentence: String { askedCategory.answer(people[poi], gold) }
}

/// Every clause of every category and value as UTF-8, rendered once into one flat buffer: clause (kind, category,
/// value) is `flat[start[kind][category][value] ..< start[kind][category][value + 1]]`, kind 0 = initial,
/// 1 = condition, 2 = update.
final class ClauseTable: Sendable {
    static let shared = ClauseTable()
    static let and = Array(" and ".utf8)
    static let thePeople = Array(". The people ".utf8)
    let flat: [UInt8]
    let start: [[[Int]]]
    /// The longest clause, in bytes.
    let longest: Int
    private init() {
        var flat: [UInt8] = [], start: [[[Int]]] = []
        let kinds: [(Category, String) -> String] = [{ $0.initial($1) }, { $0.condition($1) }, { $0.update($1) }]
        for render in kinds {
            start.append(Category.allCases.map { c in
                var s: [Int] = []
                for v in c.values {
                    s.append(flat.count)
                    flat += render(c, v).utf8
                }
                s.append(flat.count)
                return s
            })
        }
        self.flat = flat
        self.start = start
        longest = start.flatMap { $0 }.map { s in zip(s, s.dropFirst()).map { $1 - $0 }.max() ?? 0 }.max() ?? 0
    }
}

/// Writes bytes through a raw pointer into storage its caller sized (no bounds checks: the caller's capacity
/// computation is the contract, checked once at the end).
struct ByteWriter {
    let base: UnsafeMutablePointer<UInt8>
    var count = 0
    init(_ base: UnsafeMutablePointer<UInt8>) { self.base = base }

    @inline(__always) mutating func put(_ b: UInt8) {
        base[count] = b
        count += 1
    }

    @inline(__always) mutating func put(_ p: UnsafePointer<UInt8>, _ n: Int) {
        (base + count).update(from: p, count: n)
        count += n
    }

    @inline(__always) mutating func put(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { put($0.baseAddress!, $0.count) }
    }

    /// The decimal digits of a non-negative integer.
    mutating func putDecimal(_ x: Int) {
        if x >= 10 { putDecimal(x / 10) }
        put(UInt8(48 + x % 10))
    }
}
