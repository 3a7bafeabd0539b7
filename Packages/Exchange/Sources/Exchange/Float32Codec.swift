import Kernel

/// Full precision: the float32 values, little-endian, 4 bytes per coordinate (the uncompressed baseline).
public struct Float32Codec: GradientCodec {
    public init() {}
    public mutating func encode(_ g: UnsafeBufferPointer<Float>, rng: inout RNG) throws(FjordError) -> [UInt8] {
        Array(UnsafeRawBufferPointer(g))
    }
    public func decode(_ bytes: [UInt8], into out: UnsafeMutableBufferPointer<Float>) throws(FjordError) {
        guard bytes.count == out.count * 4 else {
            throw .data("float32 gradient of \(bytes.count) bytes for \(out.count) coordinates")
        }
        bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(out).copyMemory(from: $0) }
    }
}
