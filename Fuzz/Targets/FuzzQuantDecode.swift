#if canImport(Kernel)
    import Kernel
#endif

/// libFuzzer entry: any bytes as a stream of quant messages, quantized or framed sign/top-k (quant decode).
/// Accepted quantized messages must re-encode to the same bytes; every failure must be a FjordError.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzQuantDecode(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let src = ByteSource(bytes: bytes)
    do {
        var start = 0
        while let m = try QuantMessage.read(from: src) {
            if case .quantized(let q) = m {
                let again = q.encoded(version: bytes[start + 4])  // the version it was written in
                precondition(again == Array(bytes[start..<src.offset]), "decode then encode changed the message")
            } else {
                precondition(m.encoded() == Array(bytes[start..<src.offset]), "a frame did not re-frame to itself")
            }
            _ = try m.tensor()
            start = src.offset
        }
    } catch {
        precondition(error.exitCode == 65 || error.exitCode == 66)
    }
    return 0
}
