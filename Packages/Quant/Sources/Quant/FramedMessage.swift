import Exchange
import Kernel

/// A sign or top-k message framed for a stream (`quant encode --codec sign|topk`): the training codec's own bytes
/// (``SignCodec``, ``TopKCodec``: exactly what a worker sends) with the array's shape around them and a checksum,
/// so that they concatenate and decode like ``EncodedGradient`` messages. All integers little-endian.
///
///     offset  size  field
///     0       4     magic "FJQF"
///     4       1     version (1)
///     5       1     codec: 1 scaled sign, 2 top-k
///     6       1     rank r of the shape (≤ 32)
///     7       1     reserved (must be 0)
///     8       8     length L of the codec's message in bytes
///     16      8·r   dimensions
///     …       L     the codec's message: "FJQS", u64 d, float32 scale, d sign bits; or "FJQK", u64 d, u64 k, then
///                   per kept coordinate Elias-ω(gap) and its float32 value
///     …       4     CRC-32C (Castagnoli) of every byte before it
///
/// The frame costs 20 + 8·r bytes over what a training step sends; `--verbose` reports the frame's whole size.
public struct FramedMessage: Sendable, Equatable {
    public static let magic: [UInt8] = Array("FJQF".utf8)
    public static let version: UInt8 = 1

    public enum Codec: UInt8, Sendable { case sign = 1, topk = 2 }

    public var codec: Codec
    public var shape: [Int]
    /// The codec's message, as ``SignCodec`` or ``TopKCodec`` encodes it.
    public var message: [UInt8]

    public init(codec: Codec, shape: [Int], message: [UInt8]) {
        self.codec = codec
        self.shape = shape
        self.message = message
    }

    /// Encodes `t` with the codec (top-k keeps `fraction` of the coordinates).
    public init(_ t: Tensor, codec: Codec, fraction: Double = 0.01) throws(FjordError) {
        guard t.count > 0 else { throw .data("an empty array has no \(codec) message") }
        var rng = RNG(seed: 0)  // neither codec draws random numbers
        var c: any GradientCodec = codec == .sign ? SignCodec() : TopKCodec(fraction: fraction)
        let m = try t.scalars.withUnsafeBufferPointer { (p) throws(FjordError) in try c.encode(p, rng: &rng) }
        self.init(codec: codec, shape: t.shape, message: m)
    }

    public func encoded() -> [UInt8] {
        var out = FramedMessage.magic + [FramedMessage.version, codec.rawValue, UInt8(shape.count), 0]
        out += le(UInt64(message.count), 8)
        for s in shape { out += le(UInt64(s), 8) }
        out += message
        return out + le(UInt64(crc32c(out)), 4)
    }

    /// The decoded values in the original shape; a message that does not fit the shape is a `.data` error.
    public func tensor() throws(FjordError) -> Tensor {
        var values = [Float](repeating: 0, count: Tensor.elementCount(shape) ?? 0)
        let c: any GradientCodec = codec == .sign ? SignCodec() : TopKCodec(fraction: 1)
        try values.withUnsafeMutableBufferPointer { (out) throws(FjordError) in try c.decode(message, into: out) }
        return Tensor(shape: shape, values: values)
    }

    /// The rest of a frame whose first (up to 4) bytes, read from `start`, are `prefix`.
    static func read(
        from src: ByteSource, prefix: [UInt8], start: Int, maxElements: Int
    ) throws(FjordError) -> FramedMessage {
        func fail(_ at: Int, _ m: String) -> FjordError { .data("\(src.name): byte \(at): \(m)") }
        let head = prefix + (prefix.count == 4 ? try src.read(count: 12) : [])
        guard head.count == 16 else { throw fail(start, "truncated frame header (\(head.count) of 16 bytes)") }
        guard head[4] == version else { throw fail(start + 4, "unsupported frame version \(head[4])") }
        guard let codec = Codec(rawValue: head[5]) else { throw fail(start + 5, "unknown frame codec \(head[5])") }
        let rank = Int(head[6])
        guard rank <= 32 else { throw fail(start + 6, "rank \(rank) is over 32") }
        guard head[7] == 0 else { throw fail(start + 7, "reserved byte is \(head[7]), not 0") }
        let length = rd(head, 8, 8)
        let dims = try src.read(count: 8 * rank)
        guard dims.count == 8 * rank else { throw fail(start + 16, "truncated shape") }
        let shape = (0..<rank).map { Int(min(rd(dims, 8 * $0, 8), 1 << 41)) }
        guard let d = Tensor.elementCount(shape), d >= 1, d <= maxElements else {
            throw fail(start + 16, "shape \(shape) is empty or above the limit of \(maxElements) coordinates")
        }
        // the codec's message bounds the length before it is read: a sign message is exactly 16 + ⌈d/8⌉ bytes,
        // a top-k one at most 20 + d·(32 + ω(d)) bits
        let most = codec == .sign ? 16 + (d + 7) / 8 : 20 + (d * (32 + EliasCode.omega.length(UInt64(d))) + 7) / 8
        guard length >= 16 && length <= UInt64(most) else {
            throw fail(start + 8, "message length \(length) does not fit a \(codec) message of \(d) coordinates")
        }
        let message = try src.read(count: Int(length))
        guard message.count == Int(length) else {
            throw fail(src.offset, "truncated message: \(length) bytes announced, \(message.count) present")
        }
        let stored = try src.read(count: 4)
        guard stored.count == 4 else { throw fail(src.offset, "truncated checksum") }
        guard UInt32(rd(stored, 0, 4)) == crc32c(head, dims, message) else {
            throw fail(src.offset - 4, "checksum mismatch: the message is corrupted")
        }
        return FramedMessage(codec: codec, shape: shape, message: message)
    }
}

/// One message of a `quant encode` stream: a quantized gradient (FJQG) or a framed sign or top-k one (FJQF),
/// told apart by the magic.
public enum QuantMessage: Sendable {
    case quantized(EncodedGradient)
    case framed(FramedMessage)

    /// Reads the next message; nil at a clean end of input. Bad input is a `.data` error naming the byte offset.
    public static func read(from src: ByteSource, maxElements: Int = 1 << 34) throws(FjordError) -> QuantMessage? {
        let start = src.offset
        let magic = try src.read(count: 4)
        if magic.isEmpty { return nil }
        if magic == FramedMessage.magic {
            return .framed(try FramedMessage.read(from: src, prefix: magic, start: start, maxElements: maxElements))
        }
        return .quantized(try EncodedGradient.read(from: src, prefix: magic, start: start, maxElements: maxElements))
    }

    public func tensor() throws(FjordError) -> Tensor {
        switch self {
        case .quantized(let m): return m.tensor()
        case .framed(let m): return try m.tensor()
        }
    }

    public func encoded() -> [UInt8] {
        switch self {
        case .quantized(let m): return m.encoded()
        case .framed(let m): return m.encoded()
        }
    }
}
