/// Writes bytes into a buffer its caller sized, checking every write against the buffer's end: a capacity
/// computation that falls short (a longer clause text, say) stops the program at the write that would overrun,
/// never past the buffer. One compare per write; the hot path stays a pointer copy.
struct ByteWriter {
    let base: UnsafeMutablePointer<UInt8>
    let capacity: Int
    private(set) var count = 0

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        base = buffer.baseAddress!
        capacity = buffer.count
    }

    @inline(__always) mutating func put(_ b: UInt8) {
        precondition(count < capacity, "ByteWriter: write past the \(capacity)-byte buffer")
        base[count] = b
        count += 1
    }

    @inline(__always) mutating func put(_ p: UnsafePointer<UInt8>, _ n: Int) {
        precondition(n >= 0 && n <= capacity - count, "ByteWriter: \(n) bytes past the \(capacity)-byte buffer")
        (base + count).update(from: p, count: n)
        count += n
    }

    @inline(__always) mutating func put(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { if let b = $0.baseAddress { put(b, $0.count) } }
    }

    /// The decimal digits of a non-negative integer.
    mutating func putDecimal(_ x: Int) {
        if x >= 10 { putDecimal(x / 10) }
        put(UInt8(48 + x % 10))
    }
}
