#if canImport(Glibc)
    import Glibc
#endif

/// A progress bar on stderr, drawn only when stderr is a terminal (and TERM is set and not "dumb"),
/// redrawn at most every 100 ms. Never touches stdout, which carries data.
public final class ProgressBar {
    public let label: String
    public let total: Int
    private let enabled: Bool
    private var lastDraw = 0.0
    private var done = 0

    public init(_ label: String, total: Int, quiet: Bool = false) {
        self.label = label
        self.total = max(total, 1)
        let term = getenv("TERM").map { String(cString: $0) } ?? ""
        self.enabled = !quiet && isatty(2) == 1 && !term.isEmpty && term != "dumb"
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Advances by `n` steps.
    public func advance(_ n: Int = 1) {
        done += n
        guard enabled else { return }
        let t = ProgressBar.now()
        if t - lastDraw < 0.1 && done < total { return }
        lastDraw = t
        let width = 30
        let filled = min(width, done * width / total)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        writeStderr("\r\(label) [\(bar)] \(done)/\(total)\u{1B}[K")
    }

    /// Ends the bar with a newline (if it was drawn).
    public func finish() {
        if enabled { writeStderr("\n") }
    }
}
