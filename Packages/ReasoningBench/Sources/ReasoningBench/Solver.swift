import Kernel

/// The exact solver: reads a prompt's text (nothing else), tracks every introduced person through the statements and
/// answers the question. It is the ground truth the tests hold the generator to (100% on generated puzzles) and a
/// parser for the puzzle language: a prompt it cannot read is reported with the line that failed.
public enum Solver {
    public struct Solution: Sendable, Equatable {
        public var person: String
        public var category: Category
        public var value: String
        /// The final sentence in the form a model is asked to give.
        public var sentence: String { category.answer(person, value) }
    }

    private struct Clause {
        let category: Category
        let value: String
    }

    /// Clause text → (category, value), one table per clause kind, built once.
    private static let tables: (initial: [String: Clause], condition: [String: Clause], update: [String: Clause]) = {
        var i: [String: Clause] = [:], c: [String: Clause] = [:], u: [String: Clause] = [:]
        for cat in Category.allCases {
            for v in cat.values {
                i[cat.initial(v)] = Clause(category: cat, value: v)
                c[cat.condition(v)] = Clause(category: cat, value: v)
                u[cat.update(v)] = Clause(category: cat, value: v)
            }
        }
        return (i, c, u)
    }()

    /// Question prefix and suffix per category ("Where is " … "?").
    private static let questions: [(prefix: String, suffix: String, category: Category)] = Category.allCases.map { c in
        let q = c.question("\u{1}")
        let parts = q.split(separator: "\u{1}", omittingEmptySubsequences: false)
        return (String(parts[0]), String(parts[1]), c)
    }

    /// Solves the puzzle in `prompt`.
    public static func solve(_ prompt: String) throws(FjordError) -> Solution {
        var people: [String: [Category: String]] = [:]
        var order: [String] = []
        var question: (String, Category)?
        for (n, raw) in prompt.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = Substring(raw)
            if line.isEmpty || n == 0 { continue }
            if let (name, cat) = parseQuestion(line) {
                question = (name, cat)
                continue
            }
            if let dot = line.firstIndex(of: "."), line[..<dot].allSatisfy(\.isNumber), !line[..<dot].isEmpty {
                let body = line[line.index(after: dot)...]
                guard body.hasPrefix(" The people ") else {
                    throw fail(n, "a statement must start with \"The people\"")
                }
                let (conds, upds) = try parseStatement(body.dropFirst(12), line: n)
                let hit = order.filter { p in conds.allSatisfy { people[p]?[$0.category] == $0.value } }
                for p in hit { for u in upds { people[p]![u.category] = u.value } }
                continue
            }
            // An initial-state line: "Name clause and clause."
            guard line.hasSuffix("."), let space = line.firstIndex(of: " ") else {
                throw fail(n, "not a statement, an initial state or a question")
            }
            let name = String(line[..<space])
            var state: [Category: String] = [:]
            for piece in line[line.index(after: space)..<line.index(before: line.endIndex)].split(separator: " and ") {
                guard let c = tables.initial[String(piece)] else { throw fail(n, "unknown clause \"\(piece)\"") }
                state[c.category] = c.value
            }
            if people[name] == nil { order.append(name) }
            people[name] = state
        }
        guard let (name, cat) = question else { throw .data("prompt: no question found") }
        guard let value = people[name]?[cat] else {
            throw .data("prompt: the question asks about \(name)'s \(cat.name), which no line states")
        }
        return Solution(person: name, category: cat, value: value)
    }

    private static func fail(_ line: Int, _ m: String) -> FjordError { .data("prompt line \(line + 1): \(m)") }

    static func parseQuestion(_ line: Substring) -> (String, Category)? {
        guard line.hasSuffix("?") else { return nil }
        for q in questions where line.hasPrefix(q.prefix) && line.hasSuffix(q.suffix) {
            let name = line.dropFirst(q.prefix.count).dropLast(q.suffix.count)
            if !name.isEmpty, !name.contains(" ") { return (String(name), q.category) }
        }
        return nil
    }

    /// Splits "conds joined by ' and ', a space, updates joined by ' and '" into the two clause lists.
    private static func parseStatement(_ body: Substring, line: Int) throws(FjordError) -> ([Clause], [Clause]) {
        var conds: [Clause] = [], upds: [Clause] = []
        for piece in body.split(separator: " and ", omittingEmptySubsequences: false) {
            let s = String(piece)
            if upds.isEmpty, let c = tables.condition[s] {
                conds.append(c)
                continue
            }
            if !upds.isEmpty, let u = tables.update[s] {
                upds.append(u)
                continue
            }
            if upds.isEmpty {
                // The one piece that holds the last condition, a space, and the first update.
                var found = false
                var i = s.startIndex
                while let sp = s[i...].firstIndex(of: " ") {
                    if let c = tables.condition[String(s[..<sp])],
                        let u = tables.update[String(s[s.index(after: sp)...])]
                    {
                        conds.append(c)
                        upds.append(u)
                        found = true
                        break
                    }
                    i = s.index(after: sp)
                }
                if found { continue }
            }
            throw fail(line, "cannot read the clause \"\(s)\"")
        }
        if conds.isEmpty || upds.isEmpty { throw fail(line, "a statement needs at least one condition and one update") }
        return (conds, upds)
    }
}
