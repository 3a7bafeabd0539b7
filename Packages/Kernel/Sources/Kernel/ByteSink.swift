#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A sequential byte sink: a file descriptor, or an in-memory array (tests, fuzzing).
///
/// Writes go straight to the descriptor (arrays are large; headers are written with their data by
/// the caller when small). A write to a closed pipe raises SIGPIPE and the tool dies quietly with
/// status 141, as `cat` does; any other failure is an `.io` error naming the output.
public final class ByteSink {
    public let name: String
    public private(set) var offset = 0
    private let fd: Int32
    public private(set) var memory: [UInt8] = []
    private let inMemory: Bool

    public init(fd: Int32, name: String) {
        self.fd = fd
        self.name = name
        self.inMemory = false
    }

    /// A sink that collects bytes in `memory`.
    public init(name: String = "memory") {
        self.fd = -1
        self.name = name
        self.inMemory = true
    }

    public func write(_ src: UnsafeRawBufferPointer) throws(FjordError) {
        guard let base = src.baseAddress, src.count > 0 else { return }
        offset += src.count
        if inMemory {
            memory.append(contentsOf: src)
            return
        }
        var done = 0
        while done < src.count {
            let r = Glibc.write(fd, base + done, src.count - done)
            if r < 0 {
                if errno == EINTR { continue }
                throw .io("\(name): write error: \(String(cString: strerror(errno)))")
            }
            done += r
        }
    }

    public func write(_ bytes: [UInt8]) throws(FjordError) {
        var failure: FjordError?
        bytes.withUnsafeBytes { b in
            do throws(FjordError) { try write(b) } catch { failure = error }
        }
        if let e = failure { throw e }
    }

    public func write(_ text: String) throws(FjordError) {
        try write(Array(text.utf8))
    }
}

/// Writes text to stderr (fd 2) unbuffered; diagnostics never go to stdout.
public func writeStderr(_ text: String) {
    var bytes = Array(text.utf8)
    var done = 0
    while done < bytes.count {
        let r = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress! + done, $0.count - done) }
        if r < 0 && errno == EINTR { continue }
        if r <= 0 { return }
        done += r
    }
}

/// Writes text to stdout unbuffered, throwing `.io` (exit 74 in the tools) on a write error such as a full disk,
/// where `print` would drop the text and let the tool exit 0.
public func writeStdout(_ text: String) throws(FjordError) {
    try ByteSink(fd: 1, name: "stdout").write(text)
}
