#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A heap block of raw bytes aligned to 64 bytes (a cache line, and what FFTW and AVX-512 like best).
///
/// The block may grow (`reserve`), which moves it. It is the storage behind ``Tensor`` and ``NpyArray``;
/// copy-on-write is the owner's business (see ``Tensor``).
public final class AlignedStorage: @unchecked Sendable {
    public static let alignment = 64
    public private(set) var pointer: UnsafeMutableRawPointer
    public private(set) var byteCount: Int
    private var capacity: Int

    /// Allocates `byteCount` bytes, zero-filled.
    public init(byteCount: Int) {
        precondition(byteCount >= 0, "negative allocation")
        self.byteCount = byteCount
        self.capacity = max(byteCount, 64)
        self.pointer = AlignedStorage.allocate(capacity)
        memset(pointer, 0, capacity)
    }

    /// Allocates without zero-filling, for storage about to be overwritten in full.
    public init(uninitializedByteCount byteCount: Int) {
        precondition(byteCount >= 0, "negative allocation")
        self.byteCount = byteCount
        self.capacity = max(byteCount, 64)
        self.pointer = AlignedStorage.allocate(capacity)
    }

    deinit { free(pointer) }

    private static func allocate(_ n: Int) -> UnsafeMutableRawPointer {
        var p: UnsafeMutableRawPointer?
        let rc = posix_memalign(&p, alignment, n)
        guard rc == 0, let q = p else { fatalError("Fjord: out of memory allocating \(n) bytes") }
        return q
    }

    /// Changes the logical size, keeping the first `min(old, new)` bytes; grows the block geometrically.
    public func resize(to newCount: Int) {
        precondition(newCount >= 0)
        if newCount > capacity {
            let newCapacity = max(newCount, capacity + capacity / 2)
            let q = AlignedStorage.allocate(newCapacity)
            memcpy(q, pointer, byteCount)
            free(pointer)
            pointer = q
            capacity = newCapacity
        }
        byteCount = newCount
    }

    /// A byte-for-byte copy.
    public func copy() -> AlignedStorage {
        let s = AlignedStorage(uninitializedByteCount: byteCount)
        memcpy(s.pointer, pointer, byteCount)
        return s
    }

    public var bytes: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(start: pointer, count: byteCount) }
}
