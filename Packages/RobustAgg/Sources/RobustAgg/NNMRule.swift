import CRobust
import Exchange
import Kernel
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Nearest-neighbour mixing (Allouah et al., AISTATS 2023) as a pre-rule: each row becomes the mean of its
/// n − f nearest rows (itself included, squared ℓ2), then the inner rule aggregates the mixed stack.
public struct NNMRule: AggregationRule {
    public var f: Int
    public var inner: any AggregationRule
    public init(f: Int, inner: any AggregationRule) {
        self.f = f
        self.inner = inner
    }
    public var name: String { "nnm+" + inner.name }

    public mutating func aggregate(_ stack: Tensor, rng: inout RNG) throws(FjordError) -> Tensor {
        let (n, d) = try checkStack(stack, rule: name)
        guard f >= 0 && f < n else { throw .usage("nnm: needs 0 ≤ f < n") }
        let dist = squaredDistances(stack)
        var mixed = Tensor(uninitializedShape: [n, d])
        for i in 0..<n {
            let near = (0..<n).sorted {
                dist[i * n + $0] != dist[i * n + $1] ? dist[i * n + $0] < dist[i * n + $1] : $0 < $1
            }.prefix(n - f)
            setRow(&mixed, i, to: meanOfRows(stack, Array(near)))
        }
        return try inner.aggregate(mixed, rng: &rng)
    }
}
