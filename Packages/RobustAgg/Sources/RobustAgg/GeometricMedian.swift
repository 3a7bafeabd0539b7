import CRobust
import Exchange
import Kernel

/// Geometric median by smoothed Weiszfeld (Pillutla, Kakade, Harchaoui 2022, "RFA"):
///
///     z ← Σ β_i x_i / Σ β_i,   β_i = 1 / max(ν·s, ‖z − x_i‖),   s = mean_i ‖x_i − x̄‖
///
/// from the mean x̄, until the relative change ‖z_{t+1} − z_t‖ / ‖z_t‖ is below `tolerance` or `maxIterations`.
///
/// The smoothing is relative to the rows' spread s (the RFA code's ν = 1e-6 is absolute, so rows of scale 1e-8
/// collapse toward their mean): scaling every row by c scales the answer by c. The iterate, the weights and every
/// sum are double; only the answer is rounded to float.
///
/// Each iteration is one read of the stack (`fjr_weiszfeld_pass`): block by block, the block of z_{t+1} is formed
/// from the weights and, while the block is still in cache, every row's squared distance to it is added up. The
/// distances are summed from differences, not from norms and dot products, so nothing cancels however far the
/// rows lie from the origin. The first pass doubles as the check for NaN and ±inf.
public struct GeometricMedianRule: AggregationRule {
    public var nu: Double
    public var tolerance: Double
    public var maxIterations: Int
    /// Threads over column chunks of 2¹⁸ (the chunks depend on d only, so the result does not depend on it).
    public var threads: Int
    public init(nu: Double = 1e-6, tolerance: Double = 1e-6, maxIterations: Int = 100, threads: Int = 1) {
        self.nu = nu
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.threads = threads
    }
    public var name: String { "geomed" }

    public mutating func aggregate(_ stack: Tensor, rng: inout RNG) throws(FjordError) -> Tensor {
        let (n, d) = try checkShape(stack, rule: name)
        // the iterate and its predecessor in double, uninitialised (each pass writes every coordinate of z)
        var z = UnsafeMutableBufferPointer<Double>.allocate(capacity: d)
        var previous = UnsafeMutableBufferPointer<Double>.allocate(capacity: d)
        defer {
            z.deallocate()
            previous.deallocate()
        }
        var weights = [Double](repeating: 1 / Double(n), count: n)
        var dist = [Double](repeating: 0, count: n)
        var change2 = 0.0, norm2 = 0.0
        let chunk = 1 << 18, chunks = (d + chunk - 1) / chunk
        // per chunk: n distances, then the change and the norm; summed over chunks in chunk order
        var partial = [Double](repeating: 0, count: chunks * (n + 2))
        func pass(first: Bool) {
            stack.withUnsafeBufferPointer { x in
                weights.withUnsafeBufferPointer { w in
                    partial.withUnsafeMutableBufferPointer { part in
                        let (src, prev, a) = (
                            UnsafeSendablePointer(readOnly: x.baseAddress!),
                            UnsafeSendablePointer(previous.baseAddress!),
                            UnsafeSendablePointer(readOnly: w.baseAddress!)
                        )
                        let (dst, out) = (
                            UnsafeSendablePointer(z.baseAddress!), UnsafeSendablePointer(part.baseAddress!)
                        )
                        forEachChunk(count: d, width: chunk, threads: threads) { k, cols in
                            let o = out.pointer + k * (n + 2)
                            fjr_weiszfeld_pass(
                                src.pointer + cols.lowerBound, n, d, cols.count, a.pointer,
                                first ? nil : prev.pointer + cols.lowerBound, dst.pointer + cols.lowerBound,
                                o, o + n, o + n + 1)
                        }
                    }
                }
            }
            for i in 0..<n { dist[i] = (0..<chunks).reduce(0.0) { $0 + partial[$1 * (n + 2) + i] }.squareRoot() }
            change2 = (0..<chunks).reduce(0.0) { $0 + partial[$1 * (n + 2) + n] }
            norm2 = (0..<chunks).reduce(0.0) { $0 + partial[$1 * (n + 2) + n + 1] }
        }
        pass(first: true)  // z_0: the mean, and the distances to it
        try refuseNonFinite(stack, rule: name, unlessFinite: dist)  // the first pass is the NaN/inf check
        let spread = dist.reduce(0, +) / Double(n)
        if spread > 0 {  // all rows equal: the mean is the answer
            let floor = nu * spread
            for _ in 0..<maxIterations {
                let beta = dist.map { 1 / max(floor, $0) }
                let total = beta.reduce(0, +)
                weights = beta.map { $0 / total }
                swap(&z, &previous)
                pass(first: false)
                if change2.squareRoot() <= tolerance * max(norm2.squareRoot(), 1e-300) { break }
            }
        }
        var out = Tensor(uninitializedShape: [d])
        out.withUnsafeMutableBufferPointer { o in for k in 0..<d { o[k] = Float(z[k]) } }
        return out
    }
}
