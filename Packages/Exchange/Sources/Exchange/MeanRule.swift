import Kernel

/// The coordinate-wise mean (1/n) Σᵢ gᵢ, summed in rank order.
public struct MeanRule: AggregationRule {
    public init() {}
    public var name: String { "mean" }
    public mutating func aggregate(_ stack: Tensor, rng: inout RNG) throws(FjordError) -> Tensor {
        let (n, d) = (stack.shape[0], stack.shape[1])
        guard stack.rank == 2, n >= 1 else {
            throw .data("mean: expected an (n, d) stack with n ≥ 1, got shape \(stack.shape)")
        }
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
        return out
    }
}
