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
        if let h { hard += h } else { s.withUnsafeBufferPointer { rule.append(selecting: $0, to: &hard) } }
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
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        s.withUnsafeBufferPointer { append(selecting: $0, to: &out) }
        return out
    }

    /// Appends the hard rationale of `s` (one 0/1 per score) to `out`, with no allocation for k ≤ 16.
    public func append(selecting s: UnsafeBufferPointer<Float>, to out: inout [UInt8]) {
        let base = out.count
        out.append(contentsOf: repeatElement(0, count: s.count))
        switch self {
        case .threshold(let t):
            for i in s.indices where s[i] >= t { out[base + i] = 1 }
        case .topK, .fraction:
            Self.forEachTop(s, count: keep(s.count)) { out[base + $0] = 1 }
        }
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
        var out: [Int] = []
        s.withUnsafeBufferPointer { forEachTop($0, count: count) { out.append($0) } }
        return out
    }

    /// Calls `body` with the indices of the `count` largest scores in decreasing order (ties to the earlier index):
    /// an insertion into a stack buffer in one pass for count ≤ 16 (HateXplain's top-5: O(5n)), a sort beyond.
    static func forEachTop(_ s: UnsafeBufferPointer<Float>, count: Int, _ body: (Int) -> Void) {
        let k = min(max(count, 0), s.count)
        guard k > 0 else { return }
        if k > 16 {
            let order = s.indices.sorted { s[$0] > s[$1] || (s[$0] == s[$1] && $0 < $1) }
            for i in order.prefix(k) { body(i) }
            return
        }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: k) { top in
            var filled = 0
            for j in s.indices {
                let v = s[j]
                // a later index ranks below an equal score already kept
                if filled == k && !(v > s[top[k - 1]]) { continue }
                var p = filled == k ? k - 1 : filled
                while p > 0 && v > s[top[p - 1]] {
                    top[p] = top[p - 1]
                    p -= 1
                }
                top[p] = j
                if filled < k { filled += 1 }
            }
            for p in 0..<k { body(top[p]) }
        }
    }

    public var description: String {
        switch self {
        case .topK(let k): return "top-\(k)"
        case .threshold(let t): return "score ≥ \(t)"
        case .fraction(let f): return "top \(f * 100)%"
        }
    }
}
