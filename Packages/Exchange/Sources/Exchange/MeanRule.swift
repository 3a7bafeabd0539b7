import Kernel

/// The coordinate-wise mean (1/n) Σᵢ gᵢ, summed in rank order in float32.
///
/// A stack with NaN or ±inf is refused (`.data`), as by every robust rule. Finite rows whose float32 sum
/// overflows (values near 3.4e38) are summed again in double, so a representable mean is returned; a mean that
/// float32 cannot hold is refused. Both checks read only the (d) result unless it is not finite.
public struct MeanRule: AggregationRule {
    public init() {}
    public var name: String { "mean" }
    public mutating func aggregate(_ stack: Tensor, rng: inout RNG) throws(FjordError) -> Tensor {
        guard stack.rank == 2, stack.shape[0] >= 1 else {
            throw .data("mean: expected an (n, d) stack with n ≥ 1, got shape \(stack.shape)")
        }
        let (n, d) = (stack.shape[0], stack.shape[1])
        var out = Tensor(uninitializedShape: [d])
        if d == 0 { return out }
        stack.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in
                // Row 0, the middle rows four at a time in one pass over the output, then the last row fused with
                // the 1/n scaling: each addition in rank order, so the result is bit-identical to adding row by
                // row from zero (and the same on every worker).
                let inv = 1 / Float(n)
                for j in 0..<d { o[j] = s[j] }
                if n == 1 { return }
                var r = 1
                while r + 4 <= n - 1 {
                    let a = s.baseAddress! + r * d, b = a + d, c = b + d, e = c + d
                    for j in 0..<d { o[j] = (((o[j] + a[j]) + b[j]) + c[j]) + e[j] }
                    r += 4
                }
                while r < n - 1 {
                    let a = s.baseAddress! + r * d
                    for j in 0..<d { o[j] += a[j] }
                    r += 1
                }
                let last = (n - 1) * d
                for j in 0..<d { o[j] = (o[j] + s[last + j]) * inv }
            }
        }
        if nonFiniteCount(out) > 0 { try representableMean(stack, into: &out) }
        return out
    }

    /// The slow path for a non-finite float32 mean: refuse NaN/inf input, else the mean summed in double.
    func representableMean(_ stack: Tensor, into out: inout Tensor) throws(FjordError) {
        if nonFiniteCount(stack) > 0 { throw .data("mean: the stack has NaN or infinite values") }
        let (n, d) = (stack.shape[0], stack.shape[1])
        var failed = false
        stack.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in
                for j in 0..<d {
                    var acc = 0.0
                    for r in 0..<n { acc += Double(s[r * d + j]) }
                    let m = Float(acc / Double(n))
                    if !m.isFinite { failed = true }
                    o[j] = m
                }
            }
        }
        if failed { throw .data("mean: the mean of finite rows exceeds float32's range") }
    }
}
