import Dispatch

/// A pointer handed to concurrent workers that read shared data or write disjoint ranges.
public struct UnsafeSendablePointer<T>: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<T>
    public init(_ p: UnsafeMutablePointer<T>) { pointer = p }
    /// For data the workers only read.
    public init(readOnly p: UnsafePointer<T>) { pointer = UnsafeMutablePointer(mutating: p) }
}

/// Runs `body(chunk, range)` over consecutive ranges of `width` elements of 0..<count (the last one shorter), on up
/// to `threads` threads (chunk k on thread k mod threads). The ranges depend on count and width only, so results
/// combined per chunk in chunk order give the same bits for any thread count. `body` must write only its own range.
public func forEachChunk(count: Int, width: Int, threads: Int, _ body: @escaping @Sendable (Int, Range<Int>) -> Void) {
    let chunks = max(1, (count + width - 1) / width)
    let workers = max(1, min(threads, chunks))
    let run: @Sendable (Int) -> Void = { t in
        var k = t
        while k < chunks {
            body(k, (k * width)..<min(count, (k + 1) * width))
            k += workers
        }
    }
    if workers == 1 { run(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: run) }
}
