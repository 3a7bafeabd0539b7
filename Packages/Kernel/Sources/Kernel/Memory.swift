import CKernel

#if canImport(Glibc)
    import Glibc
#endif

/// Checks that an allocation can succeed before it is attempted, so that an impossible size is a one-line usage
/// error naming what it would need instead of a trap inside the allocator.
public enum Memory {
    /// This machine's physical memory in bytes.
    public static var physical: Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        return pages > 0 && size > 0 ? pages * size : Int.max
    }

    /// `count` elements of `bytesPerElement` bytes each (nil count: the product overflowed), for `what`;
    /// throws `.usage` when that is more than the machine's memory.
    public static func require(_ count: Int?, bytesPerElement: Int = 4, for what: String) throws(FjordError) {
        let (bytes, overflow) = (count ?? Int.max).multipliedReportingOverflow(by: bytesPerElement)
        let limit = physical
        guard count != nil, !overflow, bytes <= limit else {
            let need = count == nil || overflow ? "more than 2^63 bytes" : describe(bytes)
            throw .usage("\(what) would need \(need); this machine has \(describe(limit))")
        }
    }

    /// Keeps freed memory in the process instead of returning it to the system: glibc serves blocks above its
    /// mmap threshold (at most 32 MiB) with fresh mappings, so a training loop that allocates a 40 MB activation per
    /// step page-faults on every one of its pages every step (PyTorch users set MALLOC_MMAP_THRESHOLD_ for the same
    /// reason). After this call every block comes from the heap and the heap is never trimmed. For long-running
    /// compute tools only; the cost is a peak-sized heap.
    public static func keepFreedMemory() {
        fj_keep_freed_memory()
    }

    /// Bytes in binary units: 12.5 GiB, 300 MiB.
    public static func describe(_ bytes: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var v = Double(bytes), k = 0
        while v >= 1024 && k < units.count - 1 {
            v /= 1024
            k += 1
        }
        return k == 0 ? "\(bytes) bytes" : "\(NumberFormat.rounded(v, 1)) \(units[k])"
    }
}
