#if canImport(Glibc)
    import Glibc
#endif

/// Moving the kept modes between FFTW's half spectra (plane-major, [P, H] complex) and the mode-major layout of the
/// per-mode GEMMs ([K, P] complex, P = batch × channels).
enum Spectra {
    /// g[k, p] = spectrum[p, offset_k] · s_k with s_k = 1 (`twiceWeight` nil) or `twiceWeight` · c_k (c_k = 2 on bins
    /// counted twice by the real inverse transform, else 1).
    static func gather(
        _ spectrum: UnsafePointer<Float>, planes: Int, halfCount h: Int, set: ModeSet,
        into g: UnsafeMutablePointer<Float>,
        scale twiceWeight: Float?
    ) {
        let scales = set.twice.map { twice in twiceWeight.map { twice ? 2 * $0 : $0 } ?? 1 }
        move(planes: planes, set: set, scales) { p, m, offset, s in
            let src = spectrum + 2 * (p * h + offset), dst = g + 2 * (m * planes + p)
            dst[0] = src[0] * s
            dst[1] = src[1] * s
        }
    }

    /// Zeroes `spectrum` ([P, H] complex), then spectrum[p, offset_k] = g[k, p] · scale, divided by c_k when
    /// `twice` (the adjoint of the forward transform's doubled bins).
    static func scatter(
        _ g: UnsafePointer<Float>, planes: Int, halfCount h: Int, set: ModeSet,
        into spectrum: UnsafeMutablePointer<Float>,
        scale: Float, twice: Bool
    ) {
        memset(spectrum, 0, 2 * planes * h * MemoryLayout<Float>.size)
        let scales = set.twice.map { twice && $0 ? scale / 2 : scale }
        move(planes: planes, set: set, scales) { p, m, offset, s in
            let src = g + 2 * (m * planes + p), dst = spectrum + 2 * (p * h + offset)
            dst[0] = src[0] * s
            dst[1] = src[1] * s
        }
    }

    /// Runs `body(plane, mode, its half-spectrum offset, its scale)` over every plane and kept mode, planes outermost.
    @inline(__always)
    static func move(planes: Int, set: ModeSet, _ scales: [Float], _ body: (Int, Int, Int, Float) -> Void) {
        scales.withUnsafeBufferPointer { sc in
            set.offsets.withUnsafeBufferPointer { off in
                for p in 0..<planes { for m in 0..<sc.count { body(p, m, Int(off[m]), sc[m]) } }
            }
        }
    }
}
