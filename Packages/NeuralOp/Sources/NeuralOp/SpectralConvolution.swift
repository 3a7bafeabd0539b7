import Kernel
import Learn

/// The Fourier layer's integral operator (Li et al., ICLR 2021): over the trailing 1, 2 or 3 axes of
/// x ∈ ℝ^{B × Cin × n₁ × … × n_d},
///
///     y = F⁻¹[ R · F(x) ],     (R · x̂)_o(k) = Σᵢ x̂ᵢ(k) R_{k,i,o}   for the kept modes k (``ModeSet``), 0 elsewhere
///
/// with F the unnormalised real FFT and F⁻¹ its inverse with the 1/N (PyTorch's default "backward" norm, as the
/// original scripts). Weights are complex, stored mode-major as [K, Cin, Cout, 2] (re, im) so each mode's channel
/// mixing is one complex GEMM over the batch, [B × Cin]·[Cin × Cout]; initialised as the original code,
/// re and im ~ U[0, 1) / (Cin·Cout).
///
/// Backward, with D̂ = F(∂L/∂y) and c_k = 2 for bins whose conjugate twin the half spectrum leaves out (1 on the last
/// axis's DC and Nyquist planes): ∂L/∂ŷ_k = (c_k/N) D̂_k, ∂L/∂R_k += x̂_kᴴ ∂L/∂ŷ_k, ∂L/∂x̂_k = ∂L/∂ŷ_k R_kᴴ, and
/// ∂L/∂x = F⁻¹-without-1/N of (∂L/∂x̂_k / c_k) — the adjoint of the real FFT pair, checked by finite differences.
///
/// The layer works on any grid its modes fit (``ModeSet/problem(modes:grid:)``): the same weights evaluate a
/// model trained at 64×64 on 128×128 (zero-shot super-resolution).
public final class SpectralConvolution: Layer {
    public let inChannels: Int
    public let outChannels: Int
    public let modes: [Int]
    /// Threads for the FFTs and the per-mode products (the model's ``FNO/threads``).
    public var threads = 1
    var w: UnsafeMutablePointer<Float>!
    var dw: UnsafeMutablePointer<Float>!
    var modeSet: ModeSet?
    var inputShape: [Int] = []
    /// Half spectra of all planes; the kept modes of x̂ (then of ∂L/∂x̂), [K, B, Cin]; of ŷ (then ∂L/∂ŷ), [K, B, Cout].
    let spectrum = Scratch(), gathered = Scratch(), mixed = Scratch(), inputGradient = Scratch()

    public init(_ inChannels: Int, _ outChannels: Int, modes: [Int]) {
        precondition(inChannels > 0 && outChannels > 0 && (1...3).contains(modes.count) && modes.allSatisfy { $0 > 0 })
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.modes = modes
    }

    /// Kept complex modes.
    public var modeCount: Int { ModeSet.count(modes: modes) }

    public var parameterSpecs: [ParameterSpec] { [ParameterSpec("weight", [modeCount, inChannels, outChannels, 2])] }

    public func bind(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {
        w = parameters
        dw = gradients
    }

    public func initialize(_ rng: inout RNG) {
        let n = modeCount * inChannels * outChannels * 2
        let buffer = UnsafeMutableBufferPointer(start: w, count: n)
        rng.fill(buffer, .uniform)
        let scale = 1 / Float(inChannels * outChannels)
        for i in 0..<n { buffer[i] *= scale }
    }

    func modes(for shape: [Int]) -> ModeSet {
        let grid = Array(shape.dropFirst(2))
        if let m = modeSet, m.grid == grid { return m }
        let m = ModeSet(modes: modes, grid: grid)
        modeSet = m
        return m
    }

    public func forward(_ x: Tensor) -> Tensor {
        precondition(
            x.rank == modes.count + 2 && x.shape[1] == inChannels,
            "\(summary) got input of shape \(x.shape)")
        let set = modes(for: x.shape)
        inputShape = x.shape
        let b = x.shape[0], h = set.halfCount, k = set.count, n = set.grid.reduce(1, *)
        let spec = spectrum.floats(2 * h * b * max(inChannels, outChannels))
        let g = gathered.floats(2 * k * b * inChannels), y = mixed.floats(2 * k * b * outChannels)
        x.withUnsafeBufferPointer {
            PlaneFFT.forward($0.baseAddress!, spec, grid: set.grid, planes: b * inChannels, threads: threads)
        }
        Spectra.gather(spec, planes: b * inChannels, halfCount: h, set: set, into: g, scale: nil)
        let (ci, co) = (inChannels, outChannels)
        mix(set: set, batch: b) { (_, gm, ym, wm) in BLAS.cgemm(gm, wm, ym, m: b, n: co, k: ci) }
        Spectra.scatter(
            y, planes: b * outChannels, halfCount: h, set: set, into: spec, scale: 1 / Float(n), twice: false)
        var out = Tensor(uninitializedShape: [b, outChannels] + set.grid)
        out.withUnsafeMutableBufferPointer {
            PlaneFFT.inverse(
                destroying: spec, $0.baseAddress!, grid: set.grid, planes: b * outChannels, threads: threads)
        }
        return out
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let set = modeSet, !inputShape.isEmpty else {
            preconditionFailure("SpectralConvolution.backward before forward")
        }
        precondition(dy.shape == [inputShape[0], outChannels] + set.grid, "\(summary): gradient of shape \(dy.shape)")
        let b = inputShape[0], h = set.halfCount, n = set.grid.reduce(1, *)
        let spec = spectrum.floats(2 * h * b * max(inChannels, outChannels))
        let gy = mixed.floats(0), gx = inputGradient.floats(2 * set.count * b * inChannels)
        dy.withUnsafeBufferPointer {
            PlaneFFT.forward($0.baseAddress!, spec, grid: set.grid, planes: b * outChannels, threads: threads)
        }
        Spectra.gather(spec, planes: b * outChannels, halfCount: h, set: set, into: gy, scale: 1 / Float(n))
        let (ci, co, dw) = (inChannels, outChannels, dw!)
        mix(set: set, batch: b) { (m, gm, gym, wm) in
            BLAS.cgemm(gm, gym, dw + 2 * m * ci * co, m: ci, n: co, k: b, opA: .adjoint, beta: 1)
            BLAS.cgemm(gym, wm, gx + 2 * m * b * ci, m: b, n: ci, k: co, opB: .adjoint)
        }
        Spectra.scatter(gx, planes: b * ci, halfCount: h, set: set, into: spec, scale: 1, twice: true)
        var dx = Tensor(uninitializedShape: inputShape)
        dx.withUnsafeMutableBufferPointer {
            PlaneFFT.inverse(destroying: spec, $0.baseAddress!, grid: set.grid, planes: b * ci, threads: threads)
        }
        return dx
    }

    /// Runs `body(mode, x̂_k, ŷ_k, R_k)` for every kept mode, the modes split over ``threads``.
    func mix(
        set: ModeSet, batch b: Int,
        _ body:
            @escaping (Int, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>)
            -> Void
    ) {
        let g = gathered.floats(0), y = mixed.floats(0)
        let (ci, co) = (inChannels, outChannels)
        let job = Handed((body, g, y, w!))
        forEachChunk(count: set.count, width: (set.count + threads - 1) / threads, threads: threads) { _, r in
            let (body, g, y, w) = job.value
            for m in r { body(m, g + 2 * m * b * ci, y + 2 * m * b * co, w + 2 * m * ci * co) }
        }
    }

    public var summary: String {
        "SpectralConvolution(\(inChannels)→\(outChannels), modes \(modes.map(String.init).joined(separator: "×")))"
    }
}
