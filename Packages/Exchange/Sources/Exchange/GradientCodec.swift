import Kernel

/// Turns a worker's vector (a gradient, a momentum, an operator value) into the bytes it sends, and bytes back
/// into a vector. Instances are per worker, so a codec may keep state (error feedback, adaptive levels).
///
/// Contract: `encode` never returns an empty message (the exchange step reserves the empty message to say
/// "this worker failed"); `decode(encode(g))` has `g.count` coordinates; `decode` throws `.data` on a message
/// it cannot read and never traps.
public protocol GradientCodec {
    /// Encodes g; `rng` is this worker's stream for stochastic rounding (seeded per worker and step).
    mutating func encode(_ g: UnsafeBufferPointer<Float>, rng: inout RNG) throws(FjordError) -> [UInt8]
    /// Decodes a vector of `out.count` coordinates into `out`.
    func decode(_ bytes: [UInt8], into out: UnsafeMutableBufferPointer<Float>) throws(FjordError)
}
