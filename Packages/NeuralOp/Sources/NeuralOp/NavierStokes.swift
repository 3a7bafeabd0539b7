import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// 2-D incompressible Navier–Stokes in vorticity form on the periodic unit square, the FNO paper's data
/// (Li et al. 2021, `data_generation/navier_stokes/ns_2d.py`):
///
///     ∂t w + u·∇w = ν Δw + f,   u = (∂ψ/∂y, −∂ψ/∂x),  −Δψ = w,   f = 0.1 (sin 2π(x+y) + cos 2π(x+y))
///
/// w₀ ~ GRF(α = 2.5, τ = 7) (``SpectralField/randomField(alpha:tau:rms:rng:)``; the scripts' σ = τ^{α−1} gives an
/// rms of about 0.6 at these values, which we state instead). The scheme of the script, per step Δt:
/// ŵ ← (−Δt N̂ + Δt f̂ + (1 − ½Δt ν|2πk|²) ŵ) / (1 + ½Δt ν|2πk|²), N̂ = 2/3-dealiased FFT(u·∇w): Crank–Nicolson
/// viscosity, forward-Euler advection. The paper ran Δt = 1e-4 at 256² and stored 64²; here the solve runs at the
/// stored grid with Δt = 1e-3 by default (research/neural-op.md §5.3: 4e-5 relative difference to Δt = 1e-4).
/// Stability: the advective CFL number max|u| Δt / Δx is checked at every frame and the run refused above 0.5.
public struct NavierStokes: Solver {
    public var n: Int
    public var viscosity: Double = 1e-3
    public var dt: Double = 1e-3
    /// Time between stored frames (1 in the paper's data).
    public var frameInterval: Double = 1
    public var rms: Double = 0.6
    public var forcing = true

    public init(n: Int) { self.n = n }

    public var fields: Int { 1 }
    public var grid: [Int] { [n, n] }
    var stepsPerFrame: Int { Int((frameInterval / dt).rounded()) }

    public func check() throws(FjordError) {
        guard n >= 8 && n <= 4096 && n % 2 == 0 else {
            throw .usage("navier-stokes: the grid must be even, 8…4096, not \(n)")
        }
        guard dt > 0 && dt.isFinite && frameInterval > 0 && frameInterval.isFinite else {
            throw .usage("navier-stokes: --dt and the frame interval must be positive")
        }
        guard abs(Double(stepsPerFrame) * dt - frameInterval) < 1e-9 * frameInterval, stepsPerFrame >= 1 else {
            throw .usage("navier-stokes: the frame interval \(frameInterval) is not a whole number of steps of \(dt)")
        }
        guard viscosity >= 0 && viscosity.isFinite else { throw .usage("navier-stokes: the viscosity must be ≥ 0") }
    }

    public func trajectory(frames: Int, rng: inout RNG) throws(FjordError) -> [Float] {
        let s = SpectralField(grid: grid, length: 1)
        var w0 = s.randomField(alpha: 2.5, tau: 7, rms: rms, rng: &rng)
        return try run(s, initial: &w0, frames: frames)
    }

    /// Runs from a given initial vorticity (n² values), returning frames × n² values.
    public func run(initial: [Float], frames: Int) throws(FjordError) -> [Float] {
        try check()
        var w0 = initial
        return try run(SpectralField(grid: grid, length: 1), initial: &w0, frames: frames)
    }

    func run(_ s: SpectralField, initial w0: inout [Float], frames: Int) throws(FjordError) -> [Float] {
        let p = s.points, h = s.half
        let ws = Workspace()
        let out = ws.make(frames * p)
        let w = ws.make(2 * h), f = ws.make(2 * h), a = ws.make(2 * h), b = ws.make(2 * h)
        let u = ws.make(p), v = ws.make(p), wx = ws.make(p), wy = ws.make(p)
        if forcing {
            for i in 0..<n {
                for j in 0..<n {
                    let a = 2 * Double.pi * Double(i + j) / Double(n)
                    u[i * n + j] = Float(0.1 * (sin(a) + cos(a)))
                }
            }
            s.forward(u, f)
        }
        let dx = 1 / Double(n)
        let (nu, dt) = (Float(viscosity), Float(self.dt))
        s.forward(ws.make(w0), w)
        s.zeroNyquist(w)
        do {
            for frame in 0..<frames {
                s.inverse(w, out + frame * p)
                if frame == frames - 1 { break }
                for _ in 0..<stepsPerFrame {
                    // ψ̂ = ŵ/|k|²; û = ∂ψ/∂y = i k₂ ψ̂, v̂ = −∂ψ/∂x = −i k₁ ψ̂
                    for i in 0..<h {
                        let inv: Float = s.k2sum[i] > 0 ? 1 / s.k2sum[i] : 0
                        a[2 * i] = w[2 * i] * inv
                        a[2 * i + 1] = w[2 * i + 1] * inv
                    }
                    s.derivative(a, axis: 1, b)
                    s.inverse(b, u)
                    s.derivative(a, axis: 0, b)
                    s.inverse(b, v)
                    for i in 0..<p { v[i] = -v[i] }
                    s.derivative(w, axis: 0, b)
                    s.inverse(b, wx)
                    s.derivative(w, axis: 1, b)
                    s.inverse(b, wy)
                    for i in 0..<p { u[i] = u[i] * wx[i] + v[i] * wy[i] }
                    s.forward(u, b)
                    for i in 0..<h {
                        let lap = nu * s.k2sum[i] * dt / 2
                        let d = s.dealias[i]
                        for c in 0..<2 {
                            w[2 * i + c] =
                                (-dt * d * b[2 * i + c] + dt * f[2 * i + c] + (1 - lap) * w[2 * i + c]) / (1 + lap)
                        }
                    }
                }
                // the CFL number of the velocity the last step used
                var umax: Float = 0
                s.derivative(a, axis: 1, b)
                s.inverse(b, u)
                s.derivative(a, axis: 0, b)
                s.inverse(b, v)
                for i in 0..<p { umax = max(umax, abs(u[i]), abs(v[i])) }
                let cfl = Double(umax) * Double(dt) / dx
                if !(cfl <= 0.5) {
                    throw .data(
                        "navier-stokes: unstable time step at t = \(Double(frame + 1) * frameInterval): CFL number "
                            + "\(NumberFormat.rounded(cfl, 3)) > 0.5 (lower --dt)")
                }
            }
        }
        return Array(UnsafeBufferPointer(start: out, count: frames * p))
    }
}
