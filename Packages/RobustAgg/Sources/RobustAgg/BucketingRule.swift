import CRobust
import Exchange
import Kernel
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Bucketing (Karimireddy, He & Jaggi, "Byzantine-robust learning on heterogeneous datasets via bucketing", ICLR 2022)
/// as a pre-rule for non-iid workers: the rows are randomly permuted (with the step's shared `rng`, so every worker
/// permutes alike), split into ⌈n/s⌉ buckets of s consecutive rows (the last may be smaller), each bucket is averaged,
/// and the inner rule aggregates the bucket means. Averaging s honest gradients shrinks their heterogeneity by about
/// √s while f Byzantine rows still spoil at most f buckets, so the inner rule keeps its f but sees only ⌈n/s⌉ rows
/// (its own bounds apply to that count: Krum needs ⌈n/s⌉ > 2f + 2).
public struct BucketingRule: AggregationRule {
    public var s: Int
    public var inner: any AggregationRule
    public init(s: Int, inner: any AggregationRule) {
        self.s = s
        self.inner = inner
    }
    public var name: String { "bucketing(s=\(s))+" + inner.name }

    public mutating func aggregate(_ stack: Tensor, rng: inout RNG) throws(FjordError) -> Tensor {
        let (n, d) = try checkStack(stack, rule: name)
        guard s >= 1 else { throw .usage("bucketing: needs s ≥ 1, got \(s)") }
        let order = rng.permutation(n)
        let buckets = (n + s - 1) / s
        var means = Tensor(uninitializedShape: [buckets, d])
        for b in 0..<buckets {
            setRow(&means, b, to: meanOfRows(stack, Array(order[(b * s)..<min(n, b * s + s)])))
        }
        return try inner.aggregate(means, rng: &rng)
    }
}
