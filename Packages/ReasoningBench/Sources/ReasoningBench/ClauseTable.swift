import Kernel

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
            start.append(
                Category.allCases.map { c in
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
