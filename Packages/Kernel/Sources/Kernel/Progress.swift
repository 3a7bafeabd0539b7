#if canImport(Glibc)
    import Glibc
#endif

/// A progress bar on stderr, drawn only when stderr is a terminal (and TERM is set and not "dumb"),
/// redrawn at most every 100 ms: the count, a note (a loss, say), the rate and the time left. Never touches stdout,
/// which carries data; silent when piped or with `quiet`. One thread advances it.
public final class ProgressBar: @unchecked Sendable {
    public let label: String
    public let total: Int
    private let enabled: Bool
    private var lastDraw = 0.0
    private var done = 0
    private let start: Double
    private var visible = false
    /// Whether the bar is drawn (stderr is a terminal and not quiet).
    public var isDrawn: Bool { enabled }

    public init(_ label: String, total: Int, quiet: Bool = false) {
        self.label = label
        self.total = max(total, 1)
        let term = getenv("TERM").map { String(cString: $0) } ?? ""
        self.enabled = !quiet && isatty(2) == 1 && !term.isEmpty && term != "dumb"
        start = monotonicSeconds()
    }

    /// Advances by `n` steps; `note` (e.g. "loss 0.31") is shown after the count.
    public func advance(_ n: Int = 1, note: @autoclosure () -> String = "") {
        done += n
        guard enabled else { return }
        let t = monotonicSeconds()
        if t - lastDraw < 0.1 && done < total { return }
        lastDraw = t
        let width = 30
        let filled = min(width, done * width / total)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let elapsed = t - start, rate = Double(done) / max(elapsed, 1e-9)
        let left = rate > 0 ? Double(total - min(done, total)) / rate : 0
        let text = note()
        visible = true
        writeStderr(
            "\r\(label) [\(bar)] \(done)/\(total)\(text.isEmpty ? "" : ", " + text), "
                + "\(NumberFormat.significant((rate * 10).rounded() / 10))/s, \(ProgressBar.clock(left)) left\u{1B}[K")
    }

    /// Seconds as m:ss (or h:mm:ss).
    static func clock(_ s: Double) -> String {
        let t = Int(s.rounded())
        let two = { (v: Int) in v < 10 ? "0\(v)" : "\(v)" }
        return t >= 3600 ? "\(t / 3600):\(two(t / 60 % 60)):\(two(t % 60))" : "\(t / 60):\(two(t % 60))"
    }

    /// Erases the bar's line, so that text written to the same terminal (a table row on stdout) starts clean;
    /// the next ``advance(_:note:)`` draws it again.
    public func clear() {
        if enabled && visible { writeStderr("\r\u{1B}[K") }
        visible = false
    }

    /// Ends the bar with a newline (if it was drawn).
    public func finish() {
        if enabled && visible { writeStderr("\n") }
        visible = false
    }
}

/// Seconds on the monotonic clock (for durations: never jumps with the wall clock).
public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}
