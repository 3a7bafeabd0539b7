#if canImport(Kernel)
    import Kernel
#endif

/// libFuzzer entry: any bytes as a reasoning-bench JSON Lines file and as a puzzle prompt. Accepted records must
/// serialize and parse back to themselves; the prompt parser may only fail with a data error (exit 65); scoring any
/// text, the trace measures against any prompt and the tokenizer's pre-tokenizer (its pieces must tile the text)
/// must not crash.
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
    var text = String(decoding: bytes, as: UTF8.self)
    do {
        let r = try Solver.read(text)
        _ = r.answerValues
        _ = try TraceMeasures(trace: text, prompt: text)
    } catch {
        precondition(error.exitCode == 65)
    }
    _ = Scoring.score(completion: text, finishReason: nil, category: .location, gold: "park", values: ["park", "bar"])
    _ = Scoring.score(completion: text, finishReason: "stop", category: .pant, gold: "red", values: ["red", "blue"])
    var next = 0
    text.withUTF8 { u in
        BPETokenizer.pieces(u) { lo, hi in
            precondition(lo == next && hi > lo)
            next = hi
        }
        precondition(next == u.count)
    }
    return 0
}
