import Kernel

/// Turns a worker's gradient into the bytes it sends, and bytes back into a gradient.
/// Instances are per worker, so a codec may keep state (error feedback, adaptive levels).
public protocol GradientCodec {
    /// Encodes g; `rng` is this worker's stream for stochastic rounding (seeded per worker and step).
    mutating func encode(_ g: UnsafeBufferPointer<Float>, rng: inout RNG) throws(FjordError) -> [UInt8]
    /// Decodes a gradient of `count` coordinates into `out`.
    func decode(_ bytes: [UInt8], into out: UnsafeMutableBufferPointer<Float>) throws(FjordError)
}

/// Full precision: the float32 values, little-endian, 4 bytes per coordinate.
public struct Float32Codec: GradientCodec {
    public init() {}
    public mutating func encode(_ g: UnsafeBufferPointer<Float>, rng: inout RNG) throws(FjordError) -> [UInt8] {
        Array(UnsafeRawBufferPointer(g))
    }
    public func decode(_ bytes: [UInt8], into out: UnsafeMutableBufferPointer<Float>) throws(FjordError) {
        guard bytes.count == out.count * 4 else { throw .data("float32 gradient of \(bytes.count) bytes for \(out.count) coordinates") }
        bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(out).copyMemory(from: $0) }
    }
}

/// Combines the n workers' gradients (the rows of an [n, d] stack) into one update direction.
public protocol AggregationRule {
    /// `rng` is shared by all workers for this step (identical draws everywhere, e.g. MixTailor's choice).
    mutating func aggregate(_ stack: Tensor, rng: inout RNG) throws(FjordError) -> Tensor
    var name: String { get }
}

/// The coordinate-wise mean (1/n) Σᵢ gᵢ, summed in rank order.
public struct MeanRule: AggregationRule {
    public init() {}
    public var name: String { "mean" }
    public mutating func aggregate(_ stack: Tensor, rng: inout RNG) throws(FjordError) -> Tensor {
        let (n, d) = (stack.shape[0], stack.shape[1])
        guard stack.rank == 2, n >= 1 else { throw .data("mean: expected an (n, d) stack with n ≥ 1, got shape \(stack.shape)") }
        var out = Tensor(uninitializedShape: [d])
        if d == 0 { return out }
        stack.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in
                // row 0, the middle rows, then the last row fused with the 1/n scaling: n passes, not n + 2
                // (the same additions in the same order as summing from zero)
                // Rows are added four at a time in one pass over the output, each addition in rank order, so the
                // result is bit-identical to adding row by row (and the same on every worker).
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

/// Replaces the Byzantine workers' rows of the gradient stack (an omniscient attacker: it sees every honest
/// gradient of the step). Applied identically by every worker after the exchange, which is equivalent to the
/// Byzantine workers having sent those rows.
public protocol GradientAttack {
    mutating func corrupt(_ stack: inout Tensor, byzantine: [Int], step: Int, rng: inout RNG) throws(FjordError)
    var name: String { get }
}
