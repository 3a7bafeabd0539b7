/// A dense float32 tensor: a shape and contiguous, 64-byte-aligned, row-major (C-order) storage.
///
/// Float32 is Fjord's compute type; other dtypes are converted at the edges (``NpyArray``).
/// Value semantics with copy-on-write: `reshaped` shares storage, the first write through
/// `withUnsafeMutableBufferPointer` copies if the storage is shared.
public struct Tensor: @unchecked Sendable, Equatable {
    public private(set) var shape: [Int]
    @usableFromInline var storage: AlignedStorage

    /// The number of elements, the product of `shape` (1 for a scalar of shape `[]`).
    public var count: Int { storage.byteCount / 4 }
    public var rank: Int { shape.count }

    /// The product of the dimensions, or nil on overflow or a negative dimension.
    public static func elementCount(_ shape: [Int]) -> Int? {
        var n = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (p, o) = n.multipliedReportingOverflow(by: d)
            if o { return nil }
            n = p
        }
        return n
    }

    private static func checkedCount(_ shape: [Int]) -> Int {
        guard let n = elementCount(shape), n <= Int.max / 4 else {
            preconditionFailure("invalid tensor shape \(shape)")
        }
        return n
    }

    /// A zero-filled tensor.
    public init(zeros shape: [Int]) {
        self.shape = shape
        self.storage = AlignedStorage(byteCount: Tensor.checkedCount(shape) * 4)
    }

    /// A tensor filled with one value.
    public init(shape: [Int], repeating value: Float) {
        self.init(uninitializedShape: shape)
        withUnsafeMutableBufferPointer { $0.initialize(repeating: value) }
    }

    /// A tensor whose elements the caller must all write before reading.
    public init(uninitializedShape shape: [Int]) {
        self.shape = shape
        self.storage = AlignedStorage(uninitializedByteCount: Tensor.checkedCount(shape) * 4)
    }

    /// A tensor holding `values` in row-major order; `values.count` must equal the shape's product.
    public init(shape: [Int], values: [Float]) {
        precondition(Tensor.checkedCount(shape) == values.count, "shape \(shape) does not hold \(values.count) values")
        self.init(uninitializedShape: shape)
        withUnsafeMutableBufferPointer { dst in
            values.withUnsafeBufferPointer { src in
                if let d = dst.baseAddress, let s = src.baseAddress { d.update(from: s, count: src.count) }
            }
        }
    }

    /// A 1-D tensor.
    public init(_ values: [Float]) { self.init(shape: [values.count], values: values) }

    /// Wraps storage holding `shape`'s product of floats. The storage is shared, not copied.
    public init(shape: [Int], storage: AlignedStorage) {
        precondition(Tensor.checkedCount(shape) * 4 == storage.byteCount, "storage size does not match shape \(shape)")
        self.shape = shape
        self.storage = storage
    }

    /// The same elements under a new shape with the same product; shares storage.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(Tensor.elementCount(newShape) == count, "cannot reshape \(shape) to \(newShape)")
        var t = self
        t.shape = newShape
        return t
    }

    /// Read-only access to the elements in row-major order.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        let p = storage.pointer.assumingMemoryBound(to: Float.self)
        return try body(UnsafeBufferPointer(start: p, count: storage.byteCount / 4))
    }

    /// Mutable access; copies the storage first if another tensor shares it.
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        let p = storage.pointer.assumingMemoryBound(to: Float.self)
        return try body(UnsafeMutableBufferPointer(start: p, count: storage.byteCount / 4))
    }

    /// The elements as an array (a copy).
    public var scalars: [Float] { withUnsafeBufferPointer { Array($0) } }

    /// Element `i` in row-major order.
    public subscript(flat i: Int) -> Float {
        get {
            precondition(i >= 0 && i < count, "index \(i) out of range 0..<\(count)")
            return withUnsafeBufferPointer { $0[i] }
        }
        set {
            precondition(i >= 0 && i < count, "index \(i) out of range 0..<\(count)")
            withUnsafeMutableBufferPointer { $0[i] = newValue }
        }
    }

    /// Element at a multi-index.
    public subscript(_ index: Int...) -> Float {
        get { self[flat: flatIndex(index)] }
        set { self[flat: flatIndex(index)] = newValue }
    }

    private func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "index rank \(index.count) for tensor of rank \(shape.count)")
        var f = 0
        for (i, d) in zip(index, shape) {
            precondition(i >= 0 && i < d, "index \(index) out of range for shape \(shape)")
            f = f * d + i
        }
        return f
    }

    public static func == (a: Tensor, b: Tensor) -> Bool {
        guard a.shape == b.shape else { return false }
        return a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in x.elementsEqual(y) } }
    }
}
