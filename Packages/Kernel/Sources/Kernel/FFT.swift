import CFFTW
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Real-to-complex FFTs over the trailing 1, 2 or 3 axes of a float32 tensor, batched over the
/// leading axes, with FFTW plans cached per (transform shape, batch).
///
/// Normalisation (numpy's default, "backward"): the forward transform is the plain sum
/// `X[k] = Σₙ x[n] e^{-2πi k·n/N}`; the inverse divides by N = the product of the transform
/// dimensions, so `irfft(rfft(x)) == x` up to rounding.
///
/// Complex results are float32 tensors with a trailing axis of 2 (real, imaginary): the rfft of
/// shape `[B…, n₁, …, n_k]` has shape `[B…, n₁, …, n_k/2+1, 2]`, FFTW's and numpy's half-spectrum layout.
public enum FFT {
    struct Key: Hashable {
        let dims: [Int]
        let batch: Int
    }

    /// A forward and inverse plan pair; FFTW's new-array execute functions are thread-safe.
    final class Plan: @unchecked Sendable {
        let forward: OpaquePointer
        let inverse: OpaquePointer
        let realCount: Int
        let complexCount: Int

        init(dims: [Int], batch: Int) {
            let n = dims.map { Int32($0) }
            let real = dims.reduce(1, *)
            let cdims = dims.dropLast() + [dims.last! / 2 + 1]
            let complex = cdims.reduce(1, *)
            realCount = real
            complexCount = complex
            let r = fftwf_alloc_real(max(real * batch, 1))!
            let c = fftwf_alloc_complex(max(complex * batch, 1))!
            defer {
                fftwf_free(r)
                fftwf_free(c)
            }
            let flags = FFT.measuring.withLock { $0 } ? fj_fftw_measure() : fj_fftw_estimate()
            forward = n.withUnsafeBufferPointer { np in
                fftwf_plan_many_dft_r2c(
                    Int32(dims.count), np.baseAddress, Int32(batch), r, nil, 1, Int32(real),
                    c, nil, 1, Int32(complex), flags)
            }
            inverse = n.withUnsafeBufferPointer { np in
                fftwf_plan_many_dft_c2r(
                    Int32(dims.count), np.baseAddress, Int32(batch), c, nil, 1, Int32(complex),
                    r, nil, 1, Int32(real), flags)
            }
        }

        deinit {
            fftwf_destroy_plan(forward)
            fftwf_destroy_plan(inverse)
        }
    }

    /// FFTW's planner is not thread-safe: plans are made under this lock, then shared.
    static let plans = Mutex<[Key: Plan]>([:])

    static let measuring = Mutex(false)

    /// Plans made from now on are measured (FFTW_MEASURE: FFTW times candidate algorithms, a fraction of a second
    /// per new shape, then often 1.5–2× faster transforms) instead of estimated (FFTW_ESTIMATE, the default, instant).
    /// For tools that run many transforms of few shapes (training a Fourier neural operator). The results do not
    /// depend on it beyond rounding.
    public static func measurePlans(_ on: Bool = true) { measuring.withLock { $0 = on } }

    /// Loads FFTW wisdom (plans measured by an earlier run) from `path`; false when there is none or it is unreadable.
    @discardableResult
    public static func importWisdom(from path: String) -> Bool {
        plans.withLock { _ in fftwf_import_wisdom_from_filename(path) != 0 }
    }

    /// Saves the wisdom of the plans measured so far to `path` (atomically), so the next run skips the measuring.
    public static func exportWisdom(to path: String) throws(FjordError) {
        let tmp = path + ".part"
        let ok = plans.withLock { _ in fftwf_export_wisdom_to_filename(tmp) != 0 }
        guard ok, rename(tmp, path) == 0 else {
            unlink(tmp)
            throw .io("\(path): cannot write FFTW wisdom")
        }
    }

    static func plan(dims: [Int], batch: Int) -> Plan {
        plans.withLock { cache in
            let key = Key(dims: dims, batch: batch)
            if let p = cache[key] { return p }
            let p = Plan(dims: dims, batch: batch)
            cache[key] = p
            return p
        }
    }

    /// Number of cached plan pairs (for tests and diagnostics).
    public static var cachedPlanCount: Int { plans.withLock { $0.count } }

    private static func split(_ shape: [Int], axes: Int) -> (batch: Int, dims: [Int]) {
        precondition((1...3).contains(axes), "FFT over 1, 2 or 3 trailing axes, not \(axes)")
        precondition(shape.count >= axes, "FFT over \(axes) axes of a rank-\(shape.count) tensor")
        let dims = Array(shape.suffix(axes))
        precondition(dims.allSatisfy { $0 > 0 }, "FFT of an empty axis in \(shape)")
        return (shape.dropLast(axes).reduce(1, *), dims)
    }

    /// The half-spectrum real-to-complex transform over the trailing `axes` axes.
    public static func rfft(_ x: Tensor, axes: Int = 1) -> Tensor {
        let (batch, dims) = split(x.shape, axes: axes)
        var outShape = x.shape
        outShape[outShape.count - 1] = dims.last! / 2 + 1
        outShape.append(2)
        var out = Tensor(uninitializedShape: outShape)
        if batch == 0 { return out }
        let p = plan(dims: dims, batch: batch)
        x.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                // r2c with FFTW_ESTIMATE does not write its input; FFTW's signature is not const.
                let input = UnsafeMutablePointer(mutating: src.baseAddress!)
                dst.baseAddress!.withMemoryRebound(to: fftwf_complex.self, capacity: dst.count / 2) {
                    fftwf_execute_dft_r2c(p.forward, input, $0)
                }
            }
        }
        return out
    }

    /// The inverse of ``rfft(_:axes:)``: `spectrum` has shape `[B…, n₁, …, n_k/2+1, 2]` and `lastDim`
    /// is n_k (which the half spectrum cannot tell apart from n_k - 1). Divides by N.
    public static func irfft(_ spectrum: Tensor, lastDim: Int, axes: Int = 1) -> Tensor {
        precondition(
            spectrum.rank >= axes + 1 && spectrum.shape.last == 2,
            "irfft input needs a trailing axis of 2, got \(spectrum.shape)")
        var shape = Array(spectrum.shape.dropLast())
        precondition(shape.last == lastDim / 2 + 1, "irfft: last axis \(shape.last!) is not \(lastDim)/2+1")
        shape[shape.count - 1] = lastDim
        let (batch, dims) = split(shape, axes: axes)
        var out = Tensor(uninitializedShape: shape)
        if batch == 0 { return out }
        let p = plan(dims: dims, batch: batch)
        var scratch = spectrum  // c2r overwrites its input: the mutable access below copies the shared storage first
        let scale = 1 / Float(dims.reduce(1, *))
        scratch.withUnsafeMutableBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                src.baseAddress!.withMemoryRebound(to: fftwf_complex.self, capacity: src.count / 2) {
                    fftwf_execute_dft_c2r(p.inverse, $0, dst.baseAddress!)
                }
                for i in 0..<dst.count { dst[i] *= scale }
            }
        }
        return out
    }

    /// The forward transform of `batch` contiguous real arrays of shape `dims` into `batch` half spectra
    /// (interleaved re, im; the last axis dims.last/2 + 1 long), unnormalised, over caller-owned buffers: what a layer
    /// with preallocated scratch calls in its inner loop. Both buffers must be 16-byte aligned (``AlignedStorage``
    /// and ``Tensor`` storage are), since FFTW's plans assume the alignment they were made with.
    public static func rfft(
        _ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, dims: [Int], batch: Int
    ) {
        if batch == 0 { return }
        precondition(
            Int(bitPattern: x) % 16 == 0 && Int(bitPattern: out) % 16 == 0, "FFT buffers must be 16-byte aligned")
        let p = plan(dims: dims, batch: batch)
        out.withMemoryRebound(to: fftwf_complex.self, capacity: p.complexCount * batch) {
            fftwf_execute_dft_r2c(p.forward, UnsafeMutablePointer(mutating: x), $0)
        }
    }

    /// The inverse of ``rfft(_:into:dims:batch:)`` *without* the 1/N: out = N · irfft(spectrum). FFTW's
    /// multi-dimensional c2r overwrites its input, so `spectrum` is destroyed. Of a half spectrum that is not
    /// Hermitian on the last axis's DC and Nyquist planes, the result is that of its Hermitian part (the imaginary
    /// parts there are ignored), which is what makes the adjoint of this map the forward transform with interior bins
    /// of the last axis counted twice.
    public static func irfftUnnormalized(
        destroying spectrum: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>, dims: [Int],
        batch: Int
    ) {
        if batch == 0 { return }
        precondition(
            Int(bitPattern: spectrum) % 16 == 0 && Int(bitPattern: out) % 16 == 0, "FFT buffers must be 16-byte aligned"
        )
        let p = plan(dims: dims, batch: batch)
        spectrum.withMemoryRebound(to: fftwf_complex.self, capacity: p.complexCount * batch) {
            fftwf_execute_dft_c2r(p.inverse, $0, out)
        }
    }
}
