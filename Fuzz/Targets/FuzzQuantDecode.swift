#if canImport(Kernel)
    import Kernel
#endif

/// libFuzzer entry: any bytes as a stream of encoded-gradient messages (quant decode). Accepted messages must
/// re-encode to the same bytes; every failure must be a FjordError.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzQuantDecode(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let src = ByteSource(bytes: bytes)
    do {
        var start = 0
        while let m = try EncodedGradient.read(from: src) {
            let again = m.encoded(version: bytes[start + 4])  // the version it was written in
            precondition(again == Array(bytes[start..<src.offset]), "decode then encode changed the message")
            _ = m.tensor()
            start = src.offset
        }
    } catch {
        precondition(error.exitCode == 65 || error.exitCode == 66)
    }
    return 0
}
