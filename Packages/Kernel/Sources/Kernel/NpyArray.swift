import CKernel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One `.npy` array exactly as it came: its header and its raw data bytes (any dtype, byte order
/// and memory order). Tools that only move arrays (`tensor cat`, `select`) pass these through
/// untouched; tools that compute convert to a float32 ``Tensor`` with ``tensor()``.
public struct NpyArray: @unchecked Sendable {
    public var header: NpyHeader
    public var storage: AlignedStorage

    public init(header: NpyHeader, storage: AlignedStorage) {
        precondition(header.byteCount == storage.byteCount, "npy data size does not match its header")
        self.header = header
        self.storage = storage
    }

    /// A float32 array holding the tensor (shares storage).
    public init(_ tensor: Tensor) {
        self.header = NpyHeader(dtype: .f4, shape: tensor.shape)
        self.storage = tensor.storage
    }

    /// The tensor converted to `dtype` (little-endian, C order). Floats round to nearest and
    /// saturate for integer dtypes; NaN becomes 0 there.
    public init(_ tensor: Tensor, dtype: DType) {
        if dtype == .f4 {
            self.init(tensor)
            return
        }
        let h = NpyHeader(dtype: dtype, shape: tensor.shape)
        let s = AlignedStorage(uninitializedByteCount: tensor.count * dtype.size)
        tensor.withUnsafeBufferPointer { src in fj_from_f32(src.baseAddress, src.count, dtype.code, s.pointer) }
        self.init(header: h, storage: s)
    }

    public var shape: [Int] { header.shape }
    public var dtype: DType { header.dtype }
    public var count: Int { header.elementCount ?? 0 }

    /// The data in C (row-major) order: the same array if it already is, else a transposed copy.
    public func cOrdered() -> NpyArray {
        guard header.fortranOrder, header.shape.count > 1 else {
            var a = self
            a.header.fortranOrder = false
            return a
        }
        let shape = header.shape
        // Fortran strides (in elements): stride[j] = prod(shape[0..<j]).
        var fstride = [Int](repeating: 1, count: shape.count)
        for j in 1..<shape.count { fstride[j] = fstride[j - 1] * shape[j - 1] }
        let out = gatherStrided(
            storage.pointer, elementSize: header.dtype.size, shape: shape, strides: fstride, base: 0)
        return NpyArray(
            header: NpyHeader(dtype: header.dtype, shape: shape, littleEndian: header.littleEndian), storage: out)
    }

    /// The values as a float32 tensor in C order (shares storage when already `<f4`, C order).
    public func tensor() -> Tensor {
        let c = cOrdered()
        if c.header.dtype == .f4, c.header.littleEndian { return Tensor(shape: c.shape, storage: c.storage) }
        var t = Tensor(uninitializedShape: c.shape)
        t.withUnsafeMutableBufferPointer { dst in
            fj_to_f32(c.storage.pointer, c.header.dtype.code, c.header.littleEndian ? 0 : 1, dst.count, dst.baseAddress)
        }
        return t
    }

    /// The values as doubles in C order (exact for every dtype but i8/u8 beyond 2^53).
    public func doubles() -> [Double] {
        let c = cOrdered()
        var out = [Double](repeating: 0, count: c.count)
        out.withUnsafeMutableBufferPointer { dst in
            fj_to_f64(c.storage.pointer, c.header.dtype.code, c.header.littleEndian ? 0 : 1, dst.count, dst.baseAddress)
        }
        return out
    }
}

extension NpyArray {
    /// An array of `dtype` holding `values` (C order): rounding to nearest, saturating for integers.
    public init(doubles values: [Double], shape: [Int], dtype: DType) {
        precondition(Tensor.elementCount(shape) == values.count, "shape \(shape) does not hold \(values.count) values")
        let s = AlignedStorage(uninitializedByteCount: values.count * dtype.size)
        values.withUnsafeBufferPointer { fj_from_f64($0.baseAddress, $0.count, dtype.code, s.pointer) }
        self.init(header: NpyHeader(dtype: dtype, shape: shape), storage: s)
    }

    /// The same values as `dtype`, little-endian, C order (through double, so f8 and integers up to 2^53 are exact).
    public func converted(to dtype: DType) -> NpyArray {
        if dtype == header.dtype && header.littleEndian && !header.fortranOrder { return self }
        return NpyArray(doubles: doubles(), shape: shape, dtype: dtype)
    }
}

/// Copies the elements of a strided view into new C-order storage: element (i₀, …, i_k) of the result is
/// read from `src` at element offset base + Σ i_j · strides[j] (strides in elements, possibly negative).
func gatherStrided(
    _ src: UnsafeRawPointer, elementSize size: Int, shape: [Int], strides: [Int], base: Int
) -> AlignedStorage {
    let n = Tensor.elementCount(shape)!
    let out = AlignedStorage(uninitializedByteCount: n * size)
    guard n > 0 else { return out }
    var idx = [Int](repeating: 0, count: shape.count)
    var at = base
    let d = out.pointer
    for o in 0..<n {
        (d + o * size).copyMemory(from: src + at * size, byteCount: size)
        // advance the C-order multi-index (last axis fastest), keeping the source offset in step
        var j = shape.count - 1
        while j >= 0 {
            idx[j] += 1
            at += strides[j]
            if idx[j] < shape[j] { break }
            at -= strides[j] * shape[j]
            idx[j] = 0
            j -= 1
        }
    }
    return out
}
