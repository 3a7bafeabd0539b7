import Kernel

/// Error feedback around any codec (EF-SGD: Karimireddy, Rebjock, Stich and Jaggi, ICML 2019; 1-bit SGD's
/// residual, Seide et al. 2014). Each worker adds to its vector what its earlier messages failed to carry, and keeps
/// what this message fails to carry:
///
///     p = g + e,   m = encode(p),   e ← p − decode(m),   send m        (e = 0 at the first step)
///
/// The receiver decodes m with the inner codec unchanged: error feedback costs no bits and no wire format. With a
/// biased compressor (scaled sign, top-k) it is what restores convergence at the uncompressed rate (the paper's
/// Theorem II). It needs a contraction, E‖decode(encode(x)) − x‖² ≤ (1 − δ)‖x‖²: scaled sign, top-k and 4-bit
/// NUQSGD are; QSGD at 4 bits and bucket 8192 (normalized variance about 6) is not, its residual outgrows the
/// vector and training diverges (Quant's README, measured): scale such a quantizer by 1/(1 + ω) first. The memory
/// is per worker (codecs are), `d` floats, allocated at the first call; a call that throws (a non-finite gradient)
/// leaves it cleared.
public struct ErrorFeedback: GradientCodec {
    public private(set) var inner: any GradientCodec
    /// e, the part of the vectors so far that no message has carried yet.
    public private(set) var memory: [Float] = []
    var decoded: [Float] = []

    public init(_ inner: any GradientCodec) { self.inner = inner }

    public mutating func encode(_ g: UnsafeBufferPointer<Float>, rng: inout RNG) throws(FjordError) -> [UInt8] {
        let d = g.count
        // p and its decoded message live in locals for the call (swapped out of the stored arrays, no copy), so
        // that the inner codec can be mutated while they are read and a throwing call leaves no half-updated memory
        var p: [Float] = [], q: [Float] = []
        swap(&p, &memory)
        swap(&q, &decoded)
        if p.count != d { p = [Float](repeating: 0, count: d) }
        if q.count != d { q = [Float](repeating: 0, count: d) }
        for i in 0..<d { p[i] += g[i] }
        let message = try p.withUnsafeBufferPointer { (pb) throws(FjordError) in try inner.encode(pb, rng: &rng) }
        try q.withUnsafeMutableBufferPointer { (qb) throws(FjordError) in try inner.decode(message, into: qb) }
        for i in 0..<d { p[i] -= q[i] }
        memory = p
        decoded = q
        return message
    }

    public func decode(_ bytes: [UInt8], into out: UnsafeMutableBufferPointer<Float>) throws(FjordError) {
        try inner.decode(bytes, into: out)
    }
}
