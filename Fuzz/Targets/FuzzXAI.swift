#if canImport(Kernel)
    import Kernel
#endif

/// libFuzzer entry: any bytes as each of xai's JSON inputs — posts (`xai train`), explanation records (`xai
/// metrics`), a HateXplain dataset.json and an ERASER annotation file (`xai import`, every document the same bytes).
/// Each parser may only fail with a data error (exit 65); accepted posts must serialize and parse back to
/// themselves, accepted records must serialize and parse back to themselves.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXAI(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    func dataErrorOnly(_ body: () throws(FjordError) -> Void) {
        do { try body() } catch { precondition(error.exitCode == 65, "\(error.message)") }
    }
    dataErrorOnly { () throws(FjordError) in
        let (c, _) = try Corpus.parse(bytes, name: "fuzz", skipBad: true)
        let again = try Corpus.parse(Array(c.jsonl.utf8), name: "again").corpus
        precondition(again.posts == c.posts, "posts do not round-trip")
    }
    dataErrorOnly { () throws(FjordError) in
        let (records, _) = try ExplanationRecord.parseLines(bytes, name: "fuzz", skipBad: true)
        for r in records {
            let again = try ExplanationRecord.parse(
                try JSON.parse(Array(r.json.serialized.utf8), what: "again"), what: "again")
            precondition(again == r, "a record does not round-trip")
        }
    }
    dataErrorOnly { () throws(FjordError) in _ = try HateXplain.parse(bytes, name: "fuzz", classes: .three) }
    dataErrorOnly { () throws(FjordError) in
        _ = try ERASERData.parse(bytes, name: "fuzz", skipBad: true) { _ throws(FjordError) in bytes }
    }
    return 0
}
