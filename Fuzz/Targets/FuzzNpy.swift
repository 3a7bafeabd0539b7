#if canImport(Kernel)
    import Kernel
#endif

/// libFuzzer entry: any bytes as a tensor stream. Every array read must be self-consistent; every failure
/// must be a FjordError (a crash, trap or sanitizer report is a finding).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNpy(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let reader = NpyReader(ByteSource(bytes: bytes), allowEmpty: true)
    do {
        while let a = try reader.next() {
            precondition(a.storage.byteCount == a.header.byteCount)
            // exercise the conversions and a re-encode of what was accepted
            _ = a.tensor()
            let sink = ByteSink()
            try NpyWriter(sink).write(a)
            let again = try NpyReader(ByteSource(bytes: sink.memory)).next()!
            precondition(again.header == a.header && again.storage.byteCount == a.storage.byteCount)
        }
    } catch {
        precondition(error.exitCode == 65 || error.exitCode == 66)
    }
    return 0
}
