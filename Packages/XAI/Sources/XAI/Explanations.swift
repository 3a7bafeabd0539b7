import Kernel

/// A batch of token-level explanations of different lengths, stored flat: instance i covers the positions
/// `offsets[i]..<offsets[i + 1]` of `truth` (the human rationale, 0/1), `scores` (the soft explanation, higher is
/// more important) and `hard` (the predicted hard rationale, 0/1).
///
/// One flat buffer per field is what lets every metric run over 10⁵ explanations without a per-instance allocation.
public struct Explanations: Sendable {
    public private(set) var offsets: [Int] = [0]
    public private(set) var truth: [UInt8] = []
    public private(set) var scores: [Float] = []
    public private(set) var hard: [UInt8] = []

    public init() {}

    public var count: Int { offsets.count - 1 }
    public func range(_ i: Int) -> Range<Int> { offsets[i]..<offsets[i + 1] }

    /// Appends one explanation; `hard` nil derives it from `scores` by `rule`. Throws `.data` naming the instance
    /// when the lengths disagree or a value is not 0/1 or not finite.
    public mutating func append(
        truth t: [UInt8], scores s: [Float], hard h: [UInt8]? = nil, rule: HardRationaleRule = .topK(5),
        name: String? = nil
    ) throws(FjordError) {
        let what = name ?? "explanation \(count)"
        guard t.count == s.count else {
            throw .data("\(what): the rationale has \(t.count) entries for \(s.count) token scores")
        }
        if let h, h.count != s.count {
            throw .data("\(what): the hard rationale has \(h.count) entries for \(s.count) token scores")
        }
        guard t.allSatisfy({ $0 <= 1 }), h?.allSatisfy({ $0 <= 1 }) ?? true else {
            throw .data("\(what): a rationale entry is not 0 or 1")
        }
        if let bad = s.firstIndex(where: { !$0.isFinite }) {
            throw .data("\(what): token score \(bad) is \(s[bad]), not a finite number")
        }
        truth += t
        scores += s
        hard += h ?? rule.select(s)
        offsets.append(truth.count)
    }
}

/// How a soft explanation becomes a hard one.
public enum HardRationaleRule: Sendable, Equatable {
    /// The k highest-scoring tokens (all of them when fewer), ties to the earlier position: HateXplain's rule (k = 5).
    case topK(Int)
    /// Every token whose score is at least the threshold.
    case threshold(Float)
    /// The top ⌈f·n⌉ tokens of an n-token explanation (ERASER's AOPC bins, f ∈ {0.01, 0.05, 0.1, 0.2, 0.5}).
    case fraction(Double)

    public func select(_ s: [Float]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: s.count)
        switch self {
        case .threshold(let t):
            for i in s.indices where s[i] >= t { out[i] = 1 }
        case .topK, .fraction:
            for i in Self.topIndices(s, count: keep(s.count)) { out[i] = 1 }
        }
        return out
    }

    /// How many tokens a top-k rule keeps of n.
    public func keep(_ n: Int) -> Int {
        switch self {
        case .topK(let k): return min(max(k, 0), n)
        case .fraction(let f): return min(n, Int((f * Double(n)).rounded(.up)))
        case .threshold: return n
        }
    }

    /// Indices of the `count` largest scores, ties to the earlier index, in decreasing order of score.
    public static func topIndices(_ s: [Float], count: Int) -> [Int] {
        let order = s.indices.sorted { s[$0] > s[$1] || (s[$0] == s[$1] && $0 < $1) }
        return Array(order.prefix(count))
    }

    public var description: String {
        switch self {
        case .topK(let k): return "top-\(k)"
        case .threshold(let t): return "score ≥ \(t)"
        case .fraction(let f): return "top \(f * 100)%"
        }
    }
}
