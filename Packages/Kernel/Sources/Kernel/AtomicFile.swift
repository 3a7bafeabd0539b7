#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An output file written atomically: bytes go to a hidden temporary file beside the target, which
/// is renamed over the target by ``commit()``. A run that fails (or calls ``discard()``) leaves no
/// file, half-written or otherwise.
///
/// A target that exists and is not a regular file (`/dev/null`, `/dev/stdout`, a named pipe) is written
/// directly: renaming over it would replace the device or pipe with a plain file, and atomicity means nothing
/// for a stream anyway.
public final class AtomicFile {
    public let path: String
    public let temporaryPath: String
    public let sink: ByteSink
    private let fd: Int32
    private var finished = false
    /// Writing straight into a device or pipe (no temporary file).
    private let direct: Bool

    /// Paths of temporary files not yet committed, removed by ``removeAllPending()`` (signal handlers).
    nonisolated(unsafe) private static var pending: Set<String> = []

    public init(path: String) throws(FjordError) {
        self.path = path
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !base.isEmpty else { throw .usage("\(path): output path names a directory") }
        var st = stat()
        if stat(path, &st) == 0, (st.st_mode & S_IFMT) != S_IFREG, (st.st_mode & S_IFMT) != S_IFDIR {
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            if fd < 0 {
                throw FjordError(.cantCreate, "\(path): cannot open for writing: \(String(cString: strerror(errno)))")
            }
            self.fd = fd
            self.direct = true
            self.temporaryPath = path
            self.sink = ByteSink(fd: fd, name: path)
            return
        }
        self.direct = false
        var template = Array("\(dir.isEmpty ? "/" : dir)/.\(base).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 {
            throw FjordError(.cantCreate, "\(path): cannot create output: \(String(cString: strerror(errno)))")
        }
        fchmod(fd, 0o644)
        self.fd = fd
        self.temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        self.sink = ByteSink(fd: fd, name: path)
        AtomicFile.pending.insert(temporaryPath)
    }

    /// Closes the temporary file and renames it over the target.
    public func commit() throws(FjordError) {
        guard !finished else { return }
        finished = true
        if direct {
            if close(fd) != 0 { throw .io("\(path): write error on close: \(String(cString: strerror(errno)))") }
            return
        }
        AtomicFile.pending.remove(temporaryPath)
        if close(fd) != 0 {
            unlink(temporaryPath)
            throw .io("\(path): write error on close: \(String(cString: strerror(errno)))")
        }
        if rename(temporaryPath, path) != 0 {
            let e = errno
            unlink(temporaryPath)
            throw .io("\(path): cannot rename into place: \(String(cString: strerror(e)))")
        }
    }

    /// Removes the temporary file; the target is left as it was.
    public func discard() {
        guard !finished else { return }
        finished = true
        close(fd)
        if direct { return }
        AtomicFile.pending.remove(temporaryPath)
        unlink(temporaryPath)
    }

    deinit { discard() }

    /// Unlinks every uncommitted temporary file (for use just before exiting on a signal or error).
    public static func removeAllPending() {
        for p in pending { unlink(p) }
        pending.removeAll()
    }

    /// Writes what `body` puts into the sink to `path` atomically: all of it, or (on an error) nothing.
    public static func write(to path: String, _ body: (ByteSink) throws(FjordError) -> Void) throws(FjordError) {
        let f = try AtomicFile(path: path)
        do {
            try body(f.sink)
            try f.commit()
        } catch {
            f.discard()
            throw error
        }
    }

    /// Writes `bytes` to `path` atomically.
    public static func write(_ bytes: [UInt8], to path: String) throws(FjordError) {
        try write(to: path) { sink throws(FjordError) in try sink.write(bytes) }
    }

    public static func write(_ text: String, to path: String) throws(FjordError) {
        try write(Array(text.utf8), to: path)
    }
}
