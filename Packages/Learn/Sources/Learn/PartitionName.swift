extension Partition {
    /// The command-line names: `iid`, `one-class`, `dirichlet:ALPHA` (α > 0, finite).
    public static let syntax = "iid, one-class or dirichlet:ALPHA with ALPHA > 0"

    public init?(name: String) {
        switch name {
        case "iid": self = .iid
        case "one-class": self = .oneClassPerWorker
        default:
            guard name.hasPrefix("dirichlet:"), let a = Double(name.dropFirst(10)), a > 0, a.isFinite else {
                return nil
            }
            self = .dirichlet(alpha: a)
        }
    }

    /// The inverse of ``init(name:)`` (a ``given`` partition has no command-line name: `given:K`).
    public var name: String {
        switch self {
        case .iid: return "iid"
        case .oneClassPerWorker: return "one-class"
        case .dirichlet(let a): return "dirichlet:\(a)"
        case .given(let rows): return "given:\(rows.count)"
        }
    }
}
