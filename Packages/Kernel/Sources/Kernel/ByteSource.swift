#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A sequential byte source: a file descriptor (file, pipe, stdin) or bytes in memory.
///
/// Reads are buffered for small pieces (headers) and go straight into the caller's buffer for large
/// ones (array data), so a pipe moves at memory speed. Nothing seeks: a pipe is read once, in order.
/// `offset` counts the bytes consumed, for error messages.
public final class ByteSource {
    public let name: String
    public private(set) var offset = 0
    private let fd: Int32
    private let ownsFD: Bool
    private var buffer: UnsafeMutableRawPointer
    private var bufStart = 0
    private var bufEnd = 0
    private let capacity: Int
    private var memory: [UInt8]?
    private var memoryPos = 0

    /// Reads from a descriptor; `name` is what messages call it ("stdin", a path).
    public init(fd: Int32, name: String, closeOnDeinit: Bool = false, bufferSize: Int = 1 << 16) {
        self.fd = fd
        self.name = name
        self.ownsFD = closeOnDeinit
        self.capacity = bufferSize
        self.buffer = UnsafeMutableRawPointer.allocate(byteCount: bufferSize, alignment: 64)
    }

    /// Reads from bytes in memory (tests, fuzzing).
    public init(bytes: [UInt8], name: String = "memory") {
        self.fd = -1
        self.name = name
        self.ownsFD = false
        self.capacity = 0
        self.buffer = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 64)
        self.memory = bytes
    }

    /// Opens a path for reading; `-` is stdin. A missing or unreadable file is a `.noInput` error.
    public static func open(path: String) throws(FjordError) -> ByteSource {
        if path == "-" { return ByteSource(fd: 0, name: "stdin") }
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            throw .noInput("\(path): cannot open: \(String(cString: strerror(errno)))")
        }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw .noInput("\(path): is a directory")
        }
        return ByteSource(fd: fd, name: path, closeOnDeinit: true)
    }

    deinit {
        buffer.deallocate()
        if ownsFD { close(fd) }
    }

    /// One raw read from the descriptor, retrying on EINTR. Returns 0 at end of input.
    private func rawRead(_ dst: UnsafeMutableRawPointer, _ n: Int) throws(FjordError) -> Int {
        while true {
            let r = Glibc.read(fd, dst, n)
            if r >= 0 { return r }
            if errno == EINTR { continue }
            throw .io("\(name): read error: \(String(cString: strerror(errno)))")
        }
    }

    /// Fills `dst` completely unless the input ends first; returns how many bytes were read.
    public func read(into dst: UnsafeMutableRawBufferPointer) throws(FjordError) -> Int {
        guard let base = dst.baseAddress, dst.count > 0 else { return 0 }
        if let mem = memory {
            let n = min(dst.count, mem.count - memoryPos)
            mem.withUnsafeBytes { src in
                if n > 0 { base.copyMemory(from: src.baseAddress! + memoryPos, byteCount: n) }
            }
            memoryPos += n
            offset += n
            return n
        }
        var got = 0
        let buffered = bufEnd - bufStart
        if buffered > 0 {
            let n = min(buffered, dst.count)
            base.copyMemory(from: buffer + bufStart, byteCount: n)
            bufStart += n
            got = n
        }
        while got < dst.count {
            let want = dst.count - got
            if want >= capacity {
                let r = try rawRead(base + got, want)
                if r == 0 { break }
                got += r
            } else {
                let r = try rawRead(buffer, capacity)
                if r == 0 { break }
                bufStart = 0
                bufEnd = r
                let n = min(r, want)
                (base + got).copyMemory(from: buffer, byteCount: n)
                bufStart = n
                got += n
            }
        }
        offset += got
        return got
    }

    /// Reads exactly `n` bytes into a new array, or fewer at end of input. Memory grows with the bytes that
    /// actually arrive (1 MiB at a time), so a length field claiming gigabytes over a short input costs nothing.
    public func read(count n: Int) throws(FjordError) -> [UInt8] {
        precondition(n >= 0)
        var out: [UInt8] = []
        var failure: FjordError?
        while out.count < n {
            let want = min(n - out.count, 1 << 20)
            let start = out.count
            out.append(contentsOf: repeatElement(0, count: want))
            let got = out.withUnsafeMutableBytes { b -> Int in
                do throws(FjordError) {
                    return try read(into: UnsafeMutableRawBufferPointer(rebasing: b[start...]))
                } catch {
                    failure = error
                    return 0
                }
            }
            if let failure { throw failure }
            if got < want {
                out.removeLast(want - got)
                break
            }
        }
        return out
    }

    /// Reads everything that is left.
    public func readAll() throws(FjordError) -> [UInt8] {
        var out: [UInt8] = []
        while true {
            let chunk = try read(count: 1 << 20)
            out += chunk
            if chunk.count < 1 << 20 { return out }
        }
    }
}
