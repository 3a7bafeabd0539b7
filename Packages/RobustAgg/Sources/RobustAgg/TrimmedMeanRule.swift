import CRobust
import Exchange
import Kernel
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Coordinate-wise trimmed mean (Yin et al. 2018): per coordinate drop the b largest and b smallest values and
/// average the other n − 2b (byzfl's TrMean with b = f; Flower's β = b/n).
public struct TrimmedMeanRule: AggregationRule {
    public var trim: Int
    /// Threads over column ranges (the result does not depend on it).
    public var threads: Int
    public init(trim: Int, threads: Int = 1) {
        self.trim = trim
        self.threads = threads
    }
    public var name: String { "trimmed-mean(b=\(trim))" }

    public mutating func aggregate(_ stack: Tensor, rng: inout RNG) throws(FjordError) -> Tensor {
        let (n, _) = try checkShape(stack, rule: name)
        guard trim >= 0 && 2 * trim < n else { throw .usage("trimmed mean: need 2b < n, got b = \(trim), n = \(n)") }
        return try rankMean(stack, trim, n - trim, rule: name, threads: threads)
    }
}

extension TrimmedMeanRule: RowBounded {
    public func accepts(rows n: Int) -> Bool { 2 * trim < n }
}
