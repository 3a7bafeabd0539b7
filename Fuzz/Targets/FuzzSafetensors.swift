#if canImport(Kernel)
    import Kernel
#endif

/// libFuzzer entry: any bytes as a safetensors file; accepted files must re-encode and decode to the same tensors.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let st = try Safetensors.decode(bytes)
        let again = try Safetensors.decode(st.encoded())
        precondition(again.tensors.map(\.name) == st.tensors.map(\.name))
        precondition(again.metadata == st.metadata)
    } catch {
        precondition(error.exitCode == 65 || error.exitCode == 66)  // 66: empty input
    }
    return 0
}
