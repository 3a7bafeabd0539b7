import Kernel

/// What a set of puzzles looks like, read from their prompts alone (so any generator's puzzles compare): the load
/// they carry and the vocabulary they use. `describe` prints these side by side for several sets.
public struct CorpusStats: Sendable {
    public var puzzles = 0
    public var statements = 0
    public var needles = 0
    public var people = 0
    public var conditions = 0
    public var updates = 0
    public var multiMatch = 0
    public var words = 0
    /// Distinct person names, and distinct values per category.
    public var names = Set<String>()
    public var values: [Category: Set<String>] = [:]
    /// Puzzles per asked category.
    public var asked: [Category: Int] = [:]

    public init() {}

    /// Adds one prompt.
    public mutating func add(prompt: String) throws(FjordError) {
        let r = try Solver.read(prompt)
        puzzles += 1
        statements += r.statements
        needles += r.needlePositions.count
        people += r.people.count
        conditions += r.conditions
        updates += r.updates
        multiMatch += r.multiMatch
        words += prompt.split(whereSeparator: { $0 == " " || $0 == "\n" }).count
        names.formUnion(r.people)
        for (c, v) in r.values { values[c, default: []].formUnion(v) }
        asked[r.solution.category, default: 0] += 1
    }

    func per(_ x: Int, _ n: Int, _ digits: Int = 2) -> String {
        n == 0 ? "—" : NumberFormat.fixed(Double(x) / Double(n), digits)
    }

    /// The measures as (label, value) rows.
    public var rows: [(String, String)] {
        var out: [(String, String)] = [
            ("puzzles", String(puzzles)),
            ("statements per puzzle", per(statements, puzzles, 1)),
            ("needles per puzzle", per(needles, puzzles, 2)),
            ("people per puzzle", per(people, puzzles, 2)),
            ("conditions per statement", per(conditions, statements)),
            ("updates per statement", per(updates, statements)),
            ("prompt length, words", per(words, puzzles, 0)),
            (
                "statements matching > 1 person",
                statements == 0 ? "—" : NumberFormat.fixed(100 * Double(multiMatch) / Double(statements), 1) + "%"
            ),
            ("distinct names", String(names.count)),
        ]
        for c in Category.allCases {
            out.append(("distinct values: " + c.name, String(values[c]?.count ?? 0)))
        }
        return out
    }

    /// Several sets side by side: one row per measure, one column per set.
    public static func table(_ sets: [(label: String, stats: CorpusStats)]) -> TextTable {
        var t = TextTable(header: ["measure"] + sets.map(\.label), first: 36, rest: 22)
        let rows = sets.map(\.stats.rows)
        for (i, (label, _)) in (rows.first ?? []).enumerated() { t.add([label] + rows.map { $0[i].1 }) }
        return t
    }
}
