import Kernel

/// The exact solver: reads a prompt's text (nothing else), tracks every introduced person through the statements and
/// answers the question. It reads both text styles (``TextStyle``: the official generator's and Fjord's older one),
/// starting-state lines in any attribute order, and learns each category's values from the prompt itself, so puzzles
/// with any vocabulary are read. A prompt it cannot read is reported with the line that failed.
///
/// The language: an instruction line; one starting-state line per person ("Name clause and clause."); numbered
/// statements ("7. The people COND and COND UPD and UPD", applied to everyone matching every condition, all updates
/// at once); a question. A value is one word (no spaces), which makes the split between the last condition and the
/// first update unique.
public enum Solver {
    public struct Solution: Sendable, Equatable {
        public var person: String
        public var category: Category
        public var value: String
        /// The style the prompt was read as: `fjord` if a clause or the question is worded only as Fjord's older text
        /// words it, or a blank line precedes "1.", else `official`.
        public var style: TextStyle
        /// The final sentence in the form a model is asked to give.
        public var sentence: String { style.answer(category, person, value) }
    }

    /// Everything the solver learned from a prompt.
    public struct Reading: Sendable {
        public var solution: Solution
        /// People in the order of their starting-state lines.
        public var people: [String]
        /// Categories the starting-state lines use, in category order.
        public var categories: [Category]
        /// Every value the prompt writes for each category, in order of first appearance.
        public var values: [Category: [String]]
        public var statements: Int
        /// 1-based numbers of the statements whose conditions the asked person met when they applied (the needles:
        /// the official generator never lets a statement about someone else match the person of interest).
        public var needlePositions: [Int]
        /// Σ over needles of conditions + updates.
        public var needleOperations: Int
        /// Statements matching more than one person.
        public var multiMatch: Int
        /// Conditions and updates over all statements.
        public var conditions: Int
        public var updates: Int
        /// The values the prompt writes for the asked category (and, for a colour, every colour it writes).
        public var answerValues: [String] {
            var out = values[solution.category] ?? []
            if solution.category.isColour {
                for c in Category.allCases where c.isColour && c != solution.category {
                    for v in values[c] ?? [] where !out.contains(v) { out.append(v) }
                }
            }
            return out
        }
    }

    /// Solves the puzzle in `prompt`.
    public static func solve(_ prompt: String) throws(FjordError) -> Solution { try read(prompt).solution }

    /// Reads the puzzle in `prompt`: its answer, people, values and needles.
    public static func read(_ prompt: String) throws(FjordError) -> Reading {
        var text = prompt
        var parser = Parser()
        let result = text.withUTF8 { u -> Result<Reading, FjordError> in
            do throws(FjordError) { return .success(try parser.run(u)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// One template: the bytes around the value, and its category.
    struct Template {
        let prefix: [UInt8]
        let suffix: [UInt8]
        let category: Category
        let style: TextStyle
    }

    /// Templates of every style per clause kind, and the question templates; built once.
    static let templates: [[Template]] = ClauseKind.allCases.map { kind in
        var out: [Template] = []
        for style in TextStyle.allCases {
            for t in style.templates(kind)
            where !out.contains(where: { $0.prefix == Array(t.prefix.utf8) && $0.suffix == Array(t.suffix.utf8) }) {
                out.append(
                    Template(
                        prefix: Array(t.prefix.utf8), suffix: Array(t.suffix.utf8), category: t.category, style: style))
            }
        }
        return out
    }
    /// Per clause kind and first byte, the templates whose prefix starts with it.
    static let byFirstByte: [[[Template]]] = templates.map { list in
        var t = [[Template]](repeating: [], count: 256)
        for x in list { t[Int(x.prefix[0])].append(x) }
        return t
    }
    static let questions: [Template] = TextStyle.allCases.flatMap { style in
        Category.allCases.map { c in
            let (p, s) = style.questionTemplate(c)
            return Template(prefix: Array(p.utf8), suffix: Array(s.utf8), category: c, style: style)
        }
    }

    struct Parser {
        var names: [String] = []
        var nameIndex: [String: Int] = [:]
        /// Interned values per category, and their ids.
        var values: [[String]] = Array(repeating: [], count: Category.allCases.count)
        var valueIndex: [[String: Int32]] = Array(repeating: [:], count: Category.allCases.count)
        /// Current value id per person and category (-1: never stated), and the starting states.
        var state: [Int32] = []
        var used = [Bool](repeating: false, count: Category.allCases.count)
        /// Per statement, the people it matched as a bit set of `words` words.
        var matched: [UInt64] = []
        var ops: [Int32] = []
        var totalConditions = 0, totalUpdates = 0
        var words = 0
        var statements = 0
        var question: (person: String, category: Category, style: TextStyle)?
        /// Evidence of the `fjord` wording (a template only it writes, a blank line before "1.").
        var fjordSeen = false
        var lastLineBlank = false
        var conds: [(Int, Int32)] = [], upds: [(Int, Int32)] = []
        var line = 0

        func fail(_ m: String) -> FjordError { .data("prompt line \(line): \(m)") }

        mutating func intern(_ c: Category, _ u: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> Int32 {
            let v = String(decoding: UnsafeBufferPointer(rebasing: u[lo..<hi]), as: UTF8.self)
            if let id = valueIndex[c.rawValue][v] { return id }
            let id = Int32(values[c.rawValue].count)
            values[c.rawValue].append(v)
            valueIndex[c.rawValue][v] = id
            return id
        }

        /// The template of `kind` that `u[lo..<hi]` fills with a one-word value: (category, value start, value end).
        static func match(
            _ list: [Template], _ u: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int
        ) -> (Template, Int, Int)? {
            let n = hi - lo
            for t in list where n > t.prefix.count + t.suffix.count {
                let a = lo + t.prefix.count, b = hi - t.suffix.count
                var ok = true
                for k in 0..<t.prefix.count where u[lo + k] != t.prefix[k] {
                    ok = false
                    break
                }
                if !ok { continue }
                for k in 0..<t.suffix.count where u[b + k] != t.suffix[k] {
                    ok = false
                    break
                }
                if !ok { continue }
                for k in a..<b where u[k] == 0x20 {
                    ok = false
                    break
                }
                if ok { return (t, a, b) }
            }
            return nil
        }

        mutating func run(_ u: UnsafeBufferPointer<UInt8>) throws(FjordError) -> Reading {
            var start = 0
            while start <= u.count {
                var end = start
                while end < u.count && u[end] != 0x0A { end += 1 }
                line += 1
                var hi = end
                while hi > start && (u[hi - 1] == 0x0D || u[hi - 1] == 0x20) { hi -= 1 }
                if hi > start { try parseLine(u, start, hi) }
                lastLineBlank = hi == start
                start = end + 1
            }
            guard let q = question else { throw .data("prompt: no question found") }
            guard let p = nameIndex[q.person] else {
                throw .data("prompt: the question asks about \(q.person), who has no starting-state line")
            }
            let v = state[p * 12 + q.category.rawValue]
            guard v >= 0 else {
                throw .data("prompt: the question asks about \(q.person)'s \(q.category.name), which no line states")
            }
            var positions: [Int] = [], needleOps = 0, multi = 0
            for s in 0..<statements {
                var count = 0
                for w in 0..<words { count += matched[s * words + w].nonzeroBitCount }
                if count > 1 { multi += 1 }
                if matched[s * words + p / 64] & (1 << UInt64(p % 64)) != 0 {
                    positions.append(s + 1)
                    needleOps += Int(ops[s])
                }
            }
            var vals: [Category: [String]] = [:]
            for c in Category.allCases where !values[c.rawValue].isEmpty { vals[c] = values[c.rawValue] }
            return Reading(
                solution: Solution(
                    person: q.person, category: q.category, value: values[q.category.rawValue][Int(v)],
                    style: fjordSeen || q.style == .fjord ? .fjord : .official),
                people: names, categories: Category.allCases.filter { used[$0.rawValue] }, values: vals,
                statements: statements, needlePositions: positions, needleOperations: needleOps, multiMatch: multi,
                conditions: totalConditions, updates: totalUpdates)
        }

        mutating func parseLine(_ u: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) throws(FjordError) {
            if u[hi - 1] == 0x3F {  // "?"
                if let (t, a, b) = Parser.match(Solver.questions, u, lo, hi) {
                    if question != nil { throw fail("a second question") }
                    let name = String(decoding: UnsafeBufferPointer(rebasing: u[a..<b]), as: UTF8.self)
                    question = (name, t.category, t.style)
                    return
                }
                if line == 1 { return }
                throw fail("a question this solver does not know")
            }
            // "12. The people …"
            var k = lo
            while k < hi && u[k] >= 0x30 && u[k] <= 0x39 { k += 1 }
            if k > lo && k < hi && u[k] == 0x2E {
                if question != nil { throw fail("a statement after the question") }
                if statements == 0 {
                    words = max(1, (names.count + 63) / 64)
                    if lastLineBlank { fjordSeen = true }
                }
                let head = Array(". The people ".utf8)
                guard hi - k > head.count, (0..<head.count).allSatisfy({ u[k + $0] == head[$0] }) else {
                    throw fail("a statement must start with \"The people\"")
                }
                try parseStatement(u, k + head.count, hi)
                return
            }
            if statements > 0 {
                if line > 1 { throw fail("not a statement or a question") }
            }
            guard u[hi - 1] == 0x2E, let space = (lo..<hi).first(where: { u[$0] == 0x20 }) else {
                if line == 1 { return }  // the instruction
                throw fail("not a statement, a starting state or a question")
            }
            do { try parseStartingState(u, lo, space, hi - 1) } catch {
                if line == 1 { return }
                throw error
            }
        }

        /// The start of the next " and " in `u[a..<end]`, or `end`.
        static func nextAnd(_ u: UnsafeBufferPointer<UInt8>, _ a: Int, _ end: Int) -> Int {
            var b = a
            while b + 5 <= end {
                if u[b] == 0x20 && u[b + 1] == 0x61 && u[b + 2] == 0x6E && u[b + 3] == 0x64 && u[b + 4] == 0x20 {
                    return b
                }
                b += 1
            }
            return end
        }

        mutating func parseStartingState(
            _ u: UnsafeBufferPointer<UInt8>, _ lo: Int, _ space: Int, _ end: Int
        ) throws(FjordError) {
            let name = String(decoding: UnsafeBufferPointer(rebasing: u[lo..<space]), as: UTF8.self)
            var clauses: [(Category, Int, Int)] = []
            var a = space + 1
            while a <= end {
                let b = Parser.nextAnd(u, a, end)
                guard b > a, let (t, va, vb) = Parser.match(Solver.byFirstByte[0][Int(u[a])], u, a, b) else {
                    let piece = String(decoding: UnsafeBufferPointer(rebasing: u[a..<b]), as: UTF8.self)
                    throw fail("unknown clause \"\(piece)\"")
                }
                clauses.append((t.category, va, vb))
                if t.style == .fjord { fjordSeen = true }
                a = b + 5
            }
            let p: Int
            if let i = nameIndex[name] {
                p = i
            } else {
                p = names.count
                names.append(name)
                nameIndex[name] = p
                state += [Int32](repeating: -1, count: 12)
            }
            for (c, va, vb) in clauses {
                state[p * 12 + c.rawValue] = intern(c, u, va, vb)
                used[c.rawValue] = true
            }
        }

        mutating func parseStatement(_ u: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) throws(FjordError) {
            conds.removeAll(keepingCapacity: true)
            upds.removeAll(keepingCapacity: true)
            var a = lo
            while a <= hi {
                let b = Parser.nextAnd(u, a, hi)
                if b == a { throw fail("an empty clause") }
                if upds.isEmpty, let (t, va, vb) = Parser.match(Solver.byFirstByte[1][Int(u[a])], u, a, b) {
                    conds.append((t.category.rawValue, intern(t.category, u, va, vb)))
                    if t.style == .fjord { fjordSeen = true }
                } else if !upds.isEmpty, let (t, va, vb) = Parser.match(Solver.byFirstByte[2][Int(u[a])], u, a, b) {
                    upds.append((t.category.rawValue, intern(t.category, u, va, vb)))
                    if t.style == .fjord { fjordSeen = true }
                } else if upds.isEmpty {
                    // The one piece holding the last condition, a space and the first update.
                    var found = false
                    var sp = a
                    while sp < b {
                        if u[sp] == 0x20, sp + 1 < b,
                            let (c, ca, cb) = Parser.match(Solver.byFirstByte[1][Int(u[a])], u, a, sp),
                            let (t, ua, ub) = Parser.match(Solver.byFirstByte[2][Int(u[sp + 1])], u, sp + 1, b)
                        {
                            conds.append((c.category.rawValue, intern(c.category, u, ca, cb)))
                            upds.append((t.category.rawValue, intern(t.category, u, ua, ub)))
                            found = true
                            break
                        }
                        sp += 1
                    }
                    if !found {
                        let piece = String(decoding: UnsafeBufferPointer(rebasing: u[a..<b]), as: UTF8.self)
                        throw fail("cannot read the clause \"\(piece)\"")
                    }
                } else {
                    let piece = String(decoding: UnsafeBufferPointer(rebasing: u[a..<b]), as: UTF8.self)
                    throw fail("cannot read the update \"\(piece)\"")
                }
                a = b + 5
            }
            if conds.isEmpty || upds.isEmpty { throw fail("a statement needs at least one condition and one update") }
            let base = matched.count
            matched += repeatElement(0, count: words)
            ops.append(Int32(conds.count + upds.count))
            totalConditions += conds.count
            totalUpdates += upds.count
            statements += 1
            for p in 0..<names.count {
                var m = true
                for (c, v) in conds where state[p * 12 + c] != v {
                    m = false
                    break
                }
                if m { matched[base + p / 64] |= 1 << UInt64(p % 64) }
            }
            for p in 0..<names.count where matched[base + p / 64] & (1 << UInt64(p % 64)) != 0 {
                for (c, v) in upds { state[p * 12 + c] = v }
            }
        }
    }
}
