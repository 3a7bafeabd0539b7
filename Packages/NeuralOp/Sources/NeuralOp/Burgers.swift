import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// 1-D viscous Burgers, ∂t u + ∂x(u²/2) = ν ∂²x u on the periodic unit interval (the FNO paper's Burgers benchmark),
/// pseudo-spectral with the 2/3 rule and integrating-factor RK4: the viscous part exactly (e^{−νk²t}), the advection
/// by classical RK4, stable for Δt ≤ 2√2 Δx/(π max|u|). Substeps per frame are chosen with Courant number 0.4 of
/// that limit from the initial field and re-checked at every frame (exit 65 when the flow outgrows them).
/// u₀ ~ GRF(α = 2, τ = 5), the paper's N(0, 625(−Δ + 25 I)⁻²) up to its scale, rescaled to rms `amplitude`.
/// The mean of u is conserved exactly (the k = 0 tendency is zero); the initial state is cut to the 2/3-rule modes.
public struct Burgers: Solver {
    public var n: Int
    public var viscosity = 0.01
    /// Time between stored frames.
    public var frameInterval = 0.05
    public var amplitude = 1.0

    public init(n: Int) { self.n = n }

    public var fields: Int { 1 }
    public var grid: [Int] { [n] }

    public func check() throws(FjordError) {
        guard n >= 8 && n <= 1 << 20 && n % 2 == 0 else {
            throw .usage("burgers: the grid must be even, 8…2^20, not \(n)")
        }
        guard viscosity >= 0 && viscosity.isFinite, frameInterval > 0 && frameInterval.isFinite, amplitude > 0 else {
            throw .usage("burgers: viscosity must be ≥ 0, the frame interval and amplitude positive")
        }
    }

    public func trajectory(frames: Int, rng: inout RNG) throws(FjordError) -> [Float] {
        let s = SpectralField(grid: grid, length: 1)
        return try run(s, initial: s.randomField(alpha: 2, tau: 5, rms: amplitude, rng: &rng), frames: frames)
    }

    public func run(initial: [Float], frames: Int) throws(FjordError) -> [Float] {
        try check()
        return try run(SpectralField(grid: grid, length: 1), initial: initial, frames: frames)
    }

    func run(_ s: SpectralField, initial: [Float], frames: Int) throws(FjordError) -> [Float] {
        let (p, h) = (s.points, s.half)
        let ws = Workspace()
        let out = ws.make(frames * p), q = ws.make(2 * h), tmp = ws.make(2 * h), phys = ws.make(p)
        let a = ws.make(2 * h), b = ws.make(2 * h), c = ws.make(2 * h), d = ws.make(2 * h)
        s.forward(ws.make(initial), q)
        s.lowPass(q)
        let dx = 1 / Double(n)
        let umax = max(initial.map { abs(Double($0)) }.max() ?? 0, 1e-12)
        let limit = { (speed: Double) in 2 * 2.0.squareRoot() * dx / (Double.pi * max(speed, 1e-12)) }
        let steps = max(1, Int((frameInterval / (0.4 * limit(umax))).rounded(.up)))
        let dt = frameInterval / Double(steps)
        var e = [Float](repeating: 0, count: h), e2 = e
        for i in 0..<h {
            e[i] = Float(exp(-viscosity * Double(s.k2sum[i]) * dt / 2))
            e2[i] = e[i] * e[i]
        }
        let hf = Float(dt)

        /// out = −(i k/2) F̂(u²), dealiased; returns max|u|.
        func nonlinear(_ y: UnsafeMutablePointer<Float>, _ o: UnsafeMutablePointer<Float>) -> Float {
            s.inverse(y, phys)
            var m: Float = 0
            for i in 0..<p {
                m = max(m, abs(phys[i]))
                phys[i] *= phys[i]
            }
            s.forward(phys, o)
            for i in 0..<h {
                let (k, dd) = (s.k1[i] / 2 * s.dealias[i], o[2 * i])
                o[2 * i] = k * o[2 * i + 1]
                o[2 * i + 1] = -k * dd
            }
            return m
        }

        for frame in 0..<frames {
            s.inverse(q, out + frame * p)
            if frame == frames - 1 { break }
            var speed: Float = 0
            for _ in 0..<steps {
                speed = max(speed, nonlinear(q, a))
                for i in 0..<(2 * h) { tmp[i] = e[i / 2] * (q[i] + hf / 2 * a[i]) }
                speed = max(speed, nonlinear(tmp, b))
                for i in 0..<(2 * h) { tmp[i] = e[i / 2] * q[i] + hf / 2 * b[i] }
                speed = max(speed, nonlinear(tmp, c))
                for i in 0..<(2 * h) { tmp[i] = e2[i / 2] * q[i] + hf * e[i / 2] * c[i] }
                speed = max(speed, nonlinear(tmp, d))
                for i in 0..<(2 * h) {
                    q[i] = e2[i / 2] * q[i] + hf / 6 * (e2[i / 2] * a[i] + 2 * e[i / 2] * (b[i] + c[i]) + d[i])
                }
            }
            if !(dt <= limit(Double(speed))) {
                throw .data(
                    "burgers: unstable at t = \(Double(frame + 1) * frameInterval): max|u| = \(speed) needs Δt ≤ "
                        + "\(limit(Double(speed))), the run uses \(dt)")
            }
        }
        return Array(UnsafeBufferPointer(start: out, count: frames * p))
    }
}
