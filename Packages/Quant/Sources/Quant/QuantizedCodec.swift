import Exchange
import Kernel

/// A worker's gradient codec for Learn's data-parallel trainer: every worker sends the Elias-coded message
/// of its quantized gradient (the framed format of ``EncodedGradient``), and every worker decodes all of them.
///
/// Layer-wise quantization (QODA; Nguyen et al. 2025): with `layers`, each parameter block (a layer or a
/// group of layers of one type) is normalised and quantized on its own, with its own level set, and the
/// message is the concatenation of the blocks' messages.
public struct QuantizedCodec: GradientCodec {
    /// One quantizer per block of coordinates (offset, count), in order; they must tile the vector.
    public var blocks: [(offset: Int, count: Int, quantizer: Quantizer)]
    public var code: EliasCode
    /// Fixed-width packing instead of the shortest Elias body (``EncodedGradient/fixedWidth``).
    public var fixedWidth = false
    public var scheme: EncodedGradient.SchemeID
    /// Messages encoded so far (each uses the next substream of the worker's rounding stream).
    public private(set) var messages: UInt64 = 0
    /// Each block's indices and norms, reused from step to step (quantized into, never reallocated).
    var scratch: [Quantized] = []

    /// The same quantizer over the whole gradient of `dimension` coordinates.
    public init(
        quantizer: Quantizer, dimension: Int, code: EliasCode = .omega, scheme: EncodedGradient.SchemeID = .custom
    ) {
        blocks = [(0, dimension, quantizer)]
        self.code = code
        self.scheme = scheme
    }

    /// Layer-wise: one quantizer per block.
    public init(
        blocks: [(offset: Int, count: Int, quantizer: Quantizer)], code: EliasCode = .omega,
        scheme: EncodedGradient.SchemeID = .custom
    ) {
        var pos = 0
        for b in blocks {
            precondition(b.offset == pos && b.count > 0, "layer blocks must tile the gradient in order")
            pos += b.count
        }
        self.blocks = blocks
        self.code = code
        self.scheme = scheme
    }

    public mutating func encode(_ g: UnsafeBufferPointer<Float>, rng: inout RNG) throws(FjordError) -> [UInt8] {
        guard g.count == blocks.last.map({ $0.offset + $0.count }) else {
            throw .data(
                "gradient of \(g.count) coordinates for a codec of \(blocks.last.map { $0.offset + $0.count } ?? 0)")
        }
        let seed = UInt64(rng.next()) << 32 | UInt64(rng.next())
        var out: [UInt8] = []
        if scratch.count != blocks.count { scratch = blocks.map { _ in Quantized(norms: [], indices: []) } }
        for (k, b) in blocks.enumerated() {
            let part = UnsafeBufferPointer(rebasing: g[b.offset..<(b.offset + b.count)])
            try b.quantizer.quantize(part, into: &scratch[k], seed: seed, stream: UInt64(k))
            let m = EncodedGradient(
                quantizer: b.quantizer, code: code, fixedWidth: fixedWidth, scheme: scheme, shape: [b.count],
                quantized: scratch[k]
            ).encoded()
            if out.isEmpty { out = m } else { out += m }  // one block: the message itself, not a copy
        }
        messages += 1
        return out
    }

    public func decode(_ bytes: [UInt8], into out: UnsafeMutableBufferPointer<Float>) throws(FjordError) {
        let src = ByteSource(bytes: bytes, name: "gradient message")
        for b in blocks {
            guard let m = try EncodedGradient.read(from: src, maxElements: b.count) else {
                throw .data("gradient message ends before block at \(b.offset)")
            }
            guard m.quantized.count == b.count else {
                throw .data("block at \(b.offset) has \(m.quantized.count) coordinates, expected \(b.count)")
            }
            m.quantizer.dequantize(
                m.quantized, into: UnsafeMutableBufferPointer(rebasing: out[b.offset..<(b.offset + b.count)]))
        }
        guard src.offset == bytes.count else {
            throw .data("\(bytes.count - src.offset) stray bytes after a gradient message")
        }
    }
}
