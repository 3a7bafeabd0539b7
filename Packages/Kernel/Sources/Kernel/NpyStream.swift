/// Reads a stream of concatenated `.npy` arrays (Fjord's pipe format) one array at a time.
///
/// Accepts format versions 1.0, 2.0 and 3.0, every header alignment, C and Fortran order, both byte
/// orders and the dtypes of ``DType``. Malformed input is a `.data` error naming the byte offset;
/// an empty input is a `.noInput` error unless `allowEmpty`.
public final class NpyReader {
    public let source: ByteSource
    /// How many arrays have been read so far.
    public private(set) var index = 0
    /// Largest header dict accepted (numpy's own default limit is 10000 bytes).
    public static let maxHeaderLength = 1 << 20
    private let allowEmpty: Bool

    public init(_ source: ByteSource, allowEmpty: Bool = false) {
        self.source = source
        self.allowEmpty = allowEmpty
    }

    /// Opens a path (`-` for stdin) as a stream.
    public convenience init(path: String, allowEmpty: Bool = false) throws(FjordError) {
        self.init(try ByteSource.open(path: path), allowEmpty: allowEmpty)
    }

    private func fail(_ at: Int, _ what: String) -> FjordError {
        .data("\(source.name): byte \(at): \(what)")
    }

    /// The next array, or nil at a clean end of input (end exactly where an array would start).
    public func next() throws(FjordError) -> NpyArray? {
        guard let header = try nextHeader() else { return nil }
        let storage = try readData(header.byteCount!, at: source.offset, shape: header.shape)
        index += 1
        return NpyArray(header: header, storage: storage)
    }

    /// Streams the data of the array whose header ``nextHeader()`` just returned into `sink`, in
    /// chunks, without holding the array in memory (what `tensor cat` does with each array).
    public func copyData(of header: NpyHeader, to sink: ByteSink, chunk: Int = 1 << 20) throws(FjordError) {
        let nbytes = header.byteCount!
        let start = source.offset
        let buffer = AlignedStorage(uninitializedByteCount: min(max(nbytes, 1), chunk))
        var done = 0
        while done < nbytes {
            let want = min(buffer.byteCount, nbytes - done)
            let r = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer.pointer, count: want))
            try sink.write(UnsafeRawBufferPointer(start: buffer.pointer, count: r))
            done += r
            if r < want {
                throw fail(
                    start, "truncated array data: shape \(header.shape) needs \(nbytes) bytes, input has \(done)")
            }
        }
        index += 1
    }

    /// Reads the preamble and header of the next array, leaving the source at its data; nil at a clean end.
    /// Follow it with ``copyData(of:to:chunk:)``; ``next()`` does both steps into memory.
    public func nextHeader() throws(FjordError) -> NpyHeader? {
        let start = source.offset
        let pre = try source.read(count: 8)
        if pre.isEmpty {
            if index == 0 && !allowEmpty {
                throw .noInput("\(source.name): empty input (expected a .npy tensor stream)")
            }
            return nil
        }
        guard pre.count == 8 else { throw fail(start, "truncated npy preamble (\(pre.count) of 8 bytes)") }
        guard Array(pre[0..<6]) == NpyHeader.magic else {
            throw fail(
                start,
                index == 0
                    ? "not a .npy stream (bad magic bytes)"
                    : "bad magic bytes after array \(index) (garbage between arrays?)")
        }
        let major = pre[6]
        let headerLength: Int
        switch major {
        case 1:
            let lb = try source.read(count: 2)
            guard lb.count == 2 else { throw fail(start + 8, "truncated npy header length") }
            headerLength = Int(lb[0]) | Int(lb[1]) << 8
        case 2, 3:
            let lb = try source.read(count: 4)
            guard lb.count == 4 else { throw fail(start + 8, "truncated npy header length") }
            headerLength = Int(lb[0]) | Int(lb[1]) << 8 | Int(lb[2]) << 16 | Int(lb[3]) << 24
        default:
            throw fail(start + 6, "unsupported npy format version \(major).\(pre[7])")
        }
        guard headerLength <= NpyReader.maxHeaderLength else {
            throw fail(
                start + 8, "npy header length \(headerLength) is over the \(NpyReader.maxHeaderLength)-byte limit")
        }
        let dictOffset = source.offset
        let dict = try source.read(count: headerLength)
        guard dict.count == headerLength else {
            throw fail(start + 8, "header length \(headerLength) runs past the end of input (\(dict.count) bytes left)")
        }
        return try NpyHeader.parse(dict: dict, name: source.name, offset: dictOffset)
    }

    /// Reads `nbytes` of array data. Memory grows with the bytes that actually arrive, so a header
    /// that claims a huge shape over a short input fails as truncated rather than allocating it.
    private func readData(_ nbytes: Int, at offset: Int, shape: [Int]) throws(FjordError) -> AlignedStorage {
        let firstChunk = 1 << 28
        let storage = AlignedStorage(uninitializedByteCount: min(nbytes, firstChunk))
        var got = 0
        while true {
            let want = storage.byteCount - got
            let r = try source.read(into: UnsafeMutableRawBufferPointer(start: storage.pointer + got, count: want))
            got += r
            if r < want {
                throw fail(offset, "truncated array data: shape \(shape) needs \(nbytes) bytes, input has \(got)")
            }
            if got == nbytes { return storage }
            storage.resize(to: min(nbytes, got * 2))
        }
    }

    /// Every remaining array.
    public func readAll() throws(FjordError) -> [NpyArray] {
        var out: [NpyArray] = []
        while let a = try next() { out.append(a) }
        return out
    }
}

/// Writes arrays as a stream of `.npy` v1.0 arrays whose data starts on a 64-byte boundary.
/// A stream holding one array is a valid `.npy` file (`np.load`-able).
public final class NpyWriter {
    public let sink: ByteSink

    public init(_ sink: ByteSink) { self.sink = sink }

    /// Writes an array with its header as given (dtype, byte order and memory order kept).
    public func write(_ array: NpyArray) throws(FjordError) {
        try write(header: array.header, data: UnsafeRawBufferPointer(array.storage.bytes))
    }

    /// Writes a float32 tensor.
    public func write(_ tensor: Tensor) throws(FjordError) {
        try write(NpyArray(tensor))
    }

    /// Writes a header and its data; `data.count` must equal the header's byte count.
    public func write(header: NpyHeader, data: UnsafeRawBufferPointer) throws(FjordError) {
        precondition(header.byteCount == data.count, "npy data size does not match its header")
        try sink.write(header.encoded())
        try sink.write(data)
    }
}
