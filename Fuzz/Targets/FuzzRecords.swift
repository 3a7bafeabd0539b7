#if canImport(Kernel)
    import Kernel
#endif

/// libFuzzer entry: any bytes as a reasoning-bench JSON Lines file and as a puzzle prompt. Accepted records must
/// serialize and parse back to themselves; the prompt parser may only fail with a data error (exit 65), and scoring
/// any text must not crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecords(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        var tail = 0
        let records = try RecordFile.parse(bytes, name: "fuzz", allowTruncatedLast: true, truncatedTail: &tail)
        for r in records {
            let again = try RecordFile.parse(Array((r.line + "\n").utf8), name: "again")
            precondition(again == [r])
        }
    } catch {
        precondition(error.exitCode == 65)
    }
    let text = String(decoding: bytes, as: UTF8.self)
    do { _ = try Solver.solve(text) } catch { precondition(error.exitCode == 65) }
    _ = Scoring.score(completion: text, finishReason: nil, category: .location, gold: "park")
    return 0
}
