import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// Nonlinear rotating shallow water on the f-plane, pseudo-spectral with the 2/3 rule and classical RK4:
///
///     ∂t η = −∂x((H+η)u) − ∂y((H+η)v)
///     ∂t u = −u ∂x u − v ∂y u + f v − g ∂x η + ν Δu,    ∂t v = −u ∂x v − v ∂y v − f u − g ∂y η + ν Δv
///
/// (research/neural-op.md §5.2, without wind stress and bottom friction). RK4's stability region reaches
/// |λΔt| ≤ 2√2 on the imaginary axis, and the fastest mode has |λ| ≈ (c + |u|max) π√2/Δx, so Δt must stay below
/// 0.64 Δx/(c + |u|max). The solver takes the fewest equal substeps per frame with Courant number `courant`
/// (default 0.4, of that limit's 0.64) and refuses a run whose flow outgrows it (exit 65, naming the time), or a
/// given `dt` above the limit (exit 64). The initial state is cut to the modes the 2/3 rule keeps. The mean of η is conserved to rounding (every tendency of k = 0 is zero).
public struct ShallowWater: Solver {
    public var parameters: ShallowWaterParameters
    /// Laplacian viscosity ν, m²/s, on u and v (a light sink for the enstrophy cascade).
    public var viscosity = 500.0
    public var courant = 0.4
    /// A fixed time step in seconds instead of the Courant-number choice (must divide the frame interval).
    public var dt: Double?

    public init(_ p: ShallowWaterParameters) { parameters = p }

    public var fields: Int { 3 }
    public var grid: [Int] { [parameters.n, parameters.n] }
    var dx: Double { parameters.length / Double(parameters.n) }

    /// The RK4 stability limit on Δt for a flow speed `speed`.
    public func limit(speed: Double) -> Double { 2 * dx / (Double.pi * (parameters.waveSpeed + speed)) }

    var substeps: Int {
        if let dt { return max(1, Int((parameters.frameInterval / dt).rounded())) }
        return max(1, Int((parameters.frameInterval / (courant * dx / parameters.waveSpeed)).rounded(.up)))
    }

    public func check() throws(FjordError) {
        try parameters.check("shallow water")
        guard viscosity >= 0 && viscosity.isFinite, courant > 0 && courant <= 0.64 else {
            throw .usage("shallow water: viscosity must be ≥ 0 and the Courant number in (0, 0.64]")
        }
        if let dt {
            guard dt > 0 && dt.isFinite,
                abs(Double(substeps) * dt - parameters.frameInterval) < 1e-9 * parameters.frameInterval
            else { throw .usage("shallow water: --dt \(dt) must be positive and divide the frame interval") }
            let lim = limit(speed: 0)
            if dt > lim {
                throw .usage(
                    "shallow water: unstable time step --dt \(dt) s: RK4 needs Δt ≤ 0.64 Δx/c = \(NumberFormat.rounded(lim, 1)) s here"
                )
            }
        }
    }

    public func trajectory(frames: Int, rng: inout RNG) throws(FjordError) -> [Float] {
        let s = SpectralField(grid: grid, length: parameters.length)
        let eta = s.randomField(alpha: parameters.alpha, tau: parameters.tau, rms: parameters.amplitude, rng: &rng)
        let zero = [Float](repeating: 0, count: s.points)
        return try run(s, initial: eta + zero + zero, frames: frames)
    }

    /// From given initial fields (η, u, v stacked), frames × 3 × n² values.
    public func run(initial: [Float], frames: Int) throws(FjordError) -> [Float] {
        try check()
        return try run(SpectralField(grid: grid, length: parameters.length), initial: initial, frames: frames)
    }

    func run(_ s: SpectralField, initial: [Float], frames: Int) throws(FjordError) -> [Float] {
        let (p, h) = (s.points, s.half)
        let ws = Workspace()
        let out = ws.make(frames * 3 * p)
        let q = ws.make(6 * h), stage = ws.make(6 * h), acc = ws.make(6 * h), k = ws.make(6 * h)
        let phys = ws.make(7 * p), spec = ws.make(2 * h)
        let x = ws.make(initial)
        for c in 0..<3 {
            s.forward(x + c * p, q + c * 2 * h)
            s.lowPass(q + c * 2 * h)
        }
        let n = substeps
        let dt = Float(parameters.frameInterval / Double(n))
        let (g, depth, f, nu) = (
            Float(parameters.gravity), Float(parameters.depth), Float(parameters.coriolis), Float(viscosity)
        )

        /// k = tendency of state y (all spectral); returns max |u|, |v| seen.
        func tendency(_ y: UnsafeMutablePointer<Float>, _ out: UnsafeMutablePointer<Float>) -> Float {
            let (eta, u, v) = (phys, phys + p, phys + 2 * p)
            let (ux, uy, vx, vy) = (phys + 3 * p, phys + 4 * p, phys + 5 * p, phys + 6 * p)
            let (ye, yu, yv) = (y, y + 2 * h, y + 4 * h)
            s.inverse(ye, eta)
            s.inverse(yu, u)
            s.inverse(yv, v)
            s.derivative(yu, axis: 0, spec)
            s.inverse(spec, ux)
            s.derivative(yu, axis: 1, spec)
            s.inverse(spec, uy)
            s.derivative(yv, axis: 0, spec)
            s.inverse(spec, vx)
            s.derivative(yv, axis: 1, spec)
            s.inverse(spec, vy)
            var speed: Float = 0
            for i in 0..<p {
                speed = max(speed, abs(u[i]), abs(v[i]))
                let hh = depth + eta[i]
                let (au, av) = (-(u[i] * ux[i] + v[i] * uy[i]), -(u[i] * vx[i] + v[i] * vy[i]))
                ux[i] = hh * u[i]  // fluxes and advection reuse the derivative buffers
                uy[i] = hh * v[i]
                vx[i] = au
                vy[i] = av
            }
            let (oe, ou, ov) = (out, out + 2 * h, out + 4 * h)
            s.forward(ux, oe)  // F̂(hu)
            s.forward(uy, spec)  // F̂(hv)
            for i in 0..<h {
                let (k1, k2, d) = (s.k1[i], s.k2[i], s.dealias[i])
                // −i k₁ F̂(hu) − i k₂ F̂(hv)
                let re = k1 * oe[2 * i + 1] + k2 * spec[2 * i + 1]
                let im = -(k1 * oe[2 * i] + k2 * spec[2 * i])
                oe[2 * i] = d * re
                oe[2 * i + 1] = d * im
            }
            s.forward(vx, ou)
            s.forward(vy, ov)
            for i in 0..<h {
                let (k1, k2, d, lap) = (s.k1[i], s.k2[i], s.dealias[i], s.k2sum[i])
                let (er, ei) = (ye[2 * i], ye[2 * i + 1])
                let (ur, ui, vr, vi) = (yu[2 * i], yu[2 * i + 1], yv[2 * i], yv[2 * i + 1])
                // linear terms: f v − g i k₁ η̂ − ν|k|² û, and −f u − g i k₂ η̂ − ν|k|² v̂
                ou[2 * i] = d * (ou[2 * i] + f * vr + g * k1 * ei - nu * lap * ur)
                ou[2 * i + 1] = d * (ou[2 * i + 1] + f * vi - g * k1 * er - nu * lap * ui)
                ov[2 * i] = d * (ov[2 * i] - f * ur + g * k2 * ei - nu * lap * vr)
                ov[2 * i + 1] = d * (ov[2 * i + 1] - f * ui - g * k2 * er - nu * lap * vi)
            }
            return speed
        }

        for frame in 0..<frames {
            for c in 0..<3 { s.inverse(q + c * 2 * h, out + (frame * 3 + c) * p) }
            if frame == frames - 1 { break }
            var speed: Float = 0
            for _ in 0..<n {
                // classical RK4: acc = k1 + 2k2 + 2k3 + k4
                speed = max(speed, tendency(q, k))
                acc.update(from: k, count: 6 * h)
                for (weight, next) in [(dt / 2, Float(2)), (dt / 2, 2), (dt, 1)] {
                    for i in 0..<(6 * h) { stage[i] = q[i] + weight * k[i] }
                    speed = max(speed, tendency(stage, k))
                    for i in 0..<(6 * h) { acc[i] += next * k[i] }
                }
                for i in 0..<(6 * h) { q[i] += dt / 6 * acc[i] }
            }
            let lim = limit(speed: Double(speed))
            if !(Double(dt) <= lim) {
                throw .data(
                    "shallow water: unstable at t = \(NumberFormat.rounded(Double(frame + 1) * parameters.frameInterval, 0)) s: "
                        + "the flow reached \(NumberFormat.rounded(Double(speed), 2)) m/s and Δt = \(NumberFormat.rounded(Double(dt), 1)) s "
                        + "exceeds the RK4 limit \(NumberFormat.rounded(lim, 1)) s (lower the amplitude or --courant)")
            }
        }
        return Array(UnsafeBufferPointer(start: out, count: frames * 3 * p))
    }
}
