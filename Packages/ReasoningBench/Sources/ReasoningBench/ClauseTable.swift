import Kernel

/// Every clause of every category and value of one text style as UTF-8, rendered once into one flat buffer: clause
/// (kind, category, value) is `flat[start[kind][category][value] ..< start[kind][category][value + 1]]`.
final class ClauseTable: Sendable {
    static let official = ClauseTable(.official)
    static let fjord = ClauseTable(.fjord)
    static func of(_ style: TextStyle) -> ClauseTable { style == .official ? official : fjord }

    static let and = Array(" and ".utf8)
    static let thePeople = Array(". The people ".utf8)
    let flat: [UInt8]
    let start: [[[Int]]]
    /// The longest clause, in bytes.
    let longest: Int
    let instruction: [UInt8]

    private init(_ style: TextStyle) {
        var flat: [UInt8] = [], start: [[[Int]]] = []
        for kind in ClauseKind.allCases {
            start.append(
                Category.allCases.map { c in
                    var s: [Int] = []
                    for v in c.values {
                        s.append(flat.count)
                        flat += style.clause(kind, c, v).utf8
                    }
                    s.append(flat.count)
                    return s
                })
        }
        self.flat = flat
        self.start = start
        longest = start.flatMap { $0 }.map { s in zip(s, s.dropFirst()).map { $1 - $0 }.max() ?? 0 }.max() ?? 0
        instruction = Array(style.instruction.utf8)
    }
}
