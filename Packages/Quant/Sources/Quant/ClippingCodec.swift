import Exchange
import Kernel

/// TernGrad's gradient clipping (Wen et al., NeurIPS 2017, §3.3) in front of any codec. Per block (a layer's
/// weight or bias; the whole vector when no blocks are given) with σ the standard deviation of its coordinates:
///
///     g_i ← max(−c·σ, min(c·σ, g_i))
///
/// The paper takes c = 2.5: it clips about 1% of a Gaussian's coordinates and shrinks the L∞ norm that TernGrad
/// scales by, so the ternary rounding's variance falls (it is a bias traded for variance; with ``ErrorFeedback``
/// around it the clipped part is sent later). σ is computed in double; the inner codec's message is sent unchanged,
/// so clipping costs no bits.
public struct ClippingCodec: GradientCodec {
    public private(set) var inner: any GradientCodec
    /// c, in standard deviations.
    public let sigmas: Float
    public let blocks: [(offset: Int, count: Int)]
    /// The fraction of coordinates the last call clipped.
    public private(set) var lastClippedFraction = 0.0
    var clipped: [Float] = []

    public init(_ inner: any GradientCodec, sigmas: Float, blocks: [(offset: Int, count: Int)] = []) {
        precondition(sigmas > 0 && sigmas.isFinite, "the clipping threshold must be a positive number of σ")
        self.inner = inner
        self.sigmas = sigmas
        self.blocks = blocks
    }

    public mutating func encode(_ g: UnsafeBufferPointer<Float>, rng: inout RNG) throws(FjordError) -> [UInt8] {
        let d = g.count
        let tiles = blocks.isEmpty || blocks.last.map({ $0.offset + $0.count }) != d ? [(offset: 0, count: d)] : blocks
        var x: [Float] = []
        swap(&x, &clipped)  // reused across calls; a local while the inner codec is mutated
        if x.count != d { x = [Float](repeating: 0, count: d) }
        var count = 0, finite = true
        x.withUnsafeMutableBufferPointer { xb in
            for t in tiles where t.count > 0 {
                var sum = 0.0, sum2 = 0.0
                for i in t.offset..<(t.offset + t.count) {
                    let v = Double(g[i])
                    sum += v
                    sum2 += v * v
                }
                guard sum2.isFinite else {  // a NaN or an infinity (σ would clip it to a finite value)
                    finite = false
                    return
                }
                let n = Double(t.count), mean = sum / n
                let limit = Float(Double(sigmas) * max(0, sum2 / n - mean * mean).squareRoot())
                for i in t.offset..<(t.offset + t.count) {
                    let c = max(-limit, min(limit, g[i]))
                    if c != g[i] { count += 1 }
                    xb[i] = c
                }
            }
        }
        defer { clipped = x }
        guard finite else { throw .data("the gradient holds NaN or infinite values") }
        lastClippedFraction = d > 0 ? Double(count) / Double(d) : 0
        return try x.withUnsafeBufferPointer { (xb) throws(FjordError) in try inner.encode(xb, rng: &rng) }
    }

    public func decode(_ bytes: [UInt8], into out: UnsafeMutableBufferPointer<Float>) throws(FjordError) {
        try inner.decode(bytes, into: out)
    }
}
