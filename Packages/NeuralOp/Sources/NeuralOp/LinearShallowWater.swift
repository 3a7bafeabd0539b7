import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// Linear rotating shallow water on the f-plane, solved exactly (research/neural-op.md §5.1):
///
///     ∂t η + H (∂x u + ∂y v) = 0,   ∂t u − f v = −g ∂x η,   ∂t v + f u = −g ∂y η
///
/// Per wavevector k = (k, l), q̂ = (η̂, û, v̂) obeys q̂′ = A q̂ with A = [[0, −iHk, −iHl], [−igk, 0, f], [−igl, −f, 0]],
/// whose eigenvalues are 0 (the geostrophic mode) and ±iω, ω² = f² + gH|k|² (Poincaré waves). Since A³ = −ω²A,
///
///     exp(A t) = I + (sin ωt / ω) A + ((1 − cos ωt) / ω²) A²
///
/// so every frame is exact (no time step, no CFL); the Nyquist bins are zeroed. Fields: η (m), u, v (m/s), with axis 0
/// of the grid as x.
public struct LinearShallowWater: Solver {
    public var parameters: ShallowWaterParameters

    public init(_ p: ShallowWaterParameters) { parameters = p }

    public var fields: Int { 3 }
    public var grid: [Int] { [parameters.n, parameters.n] }
    public func check() throws(FjordError) { try parameters.check("linear shallow water") }

    public func trajectory(frames: Int, rng: inout RNG) throws(FjordError) -> [Float] {
        let s = SpectralField(grid: grid, length: parameters.length)
        let eta = s.randomField(alpha: parameters.alpha, tau: parameters.tau, rms: parameters.amplitude, rng: &rng)
        let zero = [Float](repeating: 0, count: s.points)
        return run(s, initial: eta + zero + zero, frames: frames)
    }

    /// Propagates given initial fields (η, u, v stacked, 3 n² values) and returns frames × 3 × n² values.
    public func run(initial: [Float], frames: Int) throws(FjordError) -> [Float] {
        try check()
        return run(SpectralField(grid: grid, length: parameters.length), initial: initial, frames: frames)
    }

    func run(_ s: SpectralField, initial: [Float], frames: Int) -> [Float] {
        let (p, h) = (s.points, s.half)
        let ws = Workspace()
        let q = ws.make(3 * 2 * h), next = ws.make(3 * 2 * h), out = ws.make(frames * 3 * p)
        let x = ws.make(initial)
        for c in 0..<3 {
            s.forward(x + c * p, q + c * 2 * h)
            s.zeroNyquist(q + c * 2 * h)
        }
        let propagator = propagators(s, in: ws)
        for frame in 0..<frames {
            for c in 0..<3 { s.inverse(q + c * 2 * h, out + (frame * 3 + c) * p) }
            // q ← P q per bin (P complex 3×3, interleaved)
            for i in 0..<h {
                let m = propagator + i * 18
                for r in 0..<3 {
                    var re: Double = 0, im: Double = 0
                    for c in 0..<3 {
                        let (pr, pi) = (Double(m[2 * (r * 3 + c)]), Double(m[2 * (r * 3 + c) + 1]))
                        let (xr, xi) = (Double(q[c * 2 * h + 2 * i]), Double(q[c * 2 * h + 2 * i + 1]))
                        re += pr * xr - pi * xi
                        im += pr * xi + pi * xr
                    }
                    next[r * 2 * h + 2 * i] = Float(re)
                    next[r * 2 * h + 2 * i + 1] = Float(im)
                }
            }
            q.update(from: next, count: 3 * 2 * h)
        }
        return Array(UnsafeBufferPointer(start: out, count: frames * 3 * p))
    }

    /// exp(A Δt) for every half-spectrum bin, 3×3 complex each, computed in double.
    func propagators(_ s: SpectralField, in ws: Workspace) -> UnsafeMutablePointer<Float> {
        let out = ws.make(s.half * 18)
        let (g, hh, f, t) = (parameters.gravity, parameters.depth, parameters.coriolis, parameters.frameInterval)
        for i in 0..<s.half {
            let (k, l) = (Double(s.k1[i]), Double(s.k2[i]))
            // A as (re, im) pairs
            var a = [(Double, Double)](repeating: (0, 0), count: 9)
            a[1] = (0, -hh * k)
            a[2] = (0, -hh * l)
            a[3] = (0, -g * k)
            a[5] = (f, 0)
            a[6] = (0, -g * l)
            a[7] = (-f, 0)
            var a2 = [(Double, Double)](repeating: (0, 0), count: 9)
            for r in 0..<3 {
                for c in 0..<3 {
                    var sum = (0.0, 0.0)
                    for m in 0..<3 {
                        let (x, y) = (a[r * 3 + m], a[m * 3 + c])
                        sum.0 += x.0 * y.0 - x.1 * y.1
                        sum.1 += x.0 * y.1 + x.1 * y.0
                    }
                    a2[r * 3 + c] = sum
                }
            }
            let omega = (f * f + g * hh * (k * k + l * l)).squareRoot()
            let (c1, c2) =
                omega > 1e-15 ? (sin(omega * t) / omega, (1 - cos(omega * t)) / (omega * omega)) : (t, t * t / 2)
            for e in 0..<9 {
                let id = e % 4 == 0 ? 1.0 : 0
                out[i * 18 + 2 * e] = Float(id + c1 * a[e].0 + c2 * a2[e].0)
                out[i * 18 + 2 * e + 1] = Float(c1 * a[e].1 + c2 * a2[e].1)
            }
        }
        return out
    }
}
