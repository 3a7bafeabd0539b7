import CRobust
import Exchange
import Kernel
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Coordinate-wise median (Yin et al. 2018). Even n: the average of the two middle values (numpy's
/// `np.median`, byzfl), or with `lower` the lower one (torch.median, MixTailor's CoMed).
public struct MedianRule: AggregationRule {
    public var lower: Bool
    /// Threads over column ranges (the result does not depend on it).
    public var threads: Int
    public init(lower: Bool = false, threads: Int = 1) {
        self.lower = lower
        self.threads = threads
    }
    public var name: String { lower ? "median-lower" : "median" }

    public mutating func aggregate(_ stack: Tensor, rng: inout RNG) throws(FjordError) -> Tensor {
        let (n, _) = try checkShape(stack, rule: name)
        let (lo, hi) = n % 2 == 1 ? (n / 2, n / 2 + 1) : (lower ? (n / 2 - 1, n / 2) : (n / 2 - 1, n / 2 + 1))
        return try rankMean(stack, lo, hi, rule: name, threads: threads)
    }
}
