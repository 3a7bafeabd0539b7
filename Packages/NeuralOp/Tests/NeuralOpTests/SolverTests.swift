import Kernel
import Testing

@testable import NeuralOp

#if canImport(Glibc)
    import Glibc
#endif

/// Each solver against an analytic solution or an invariant (research/neural-op.md §5).
@Suite struct SolverTests {
    func maxAbs(_ a: ArraySlice<Float>, _ b: [Double]) -> Double {
        zip(a, b).map { abs(Double($0) - $1) }.max() ?? 0
    }

    /// w = cos 2πx is an exact steady state of the advection (u·∇w = 0 for one Fourier mode) and decays as
    /// e^{−4π²νt}.
    @Test func navierStokesSingleModeDecaysViscously() throws {
        var ns = NavierStokes(n: 32)
        ns.forcing = false
        ns.viscosity = 0.01
        ns.frameInterval = 0.5
        let w0 = (0..<(32 * 32)).map { Float(cos(2 * Double.pi * Double($0 / 32) / 32)) }
        let out = try ns.run(initial: w0, frames: 3)
        for frame in 0..<3 {
            let decay = exp(-4 * Double.pi * Double.pi * 0.01 * 0.5 * Double(frame))
            let expect = w0.map { Double($0) * decay }
            // float32 rounding over 500 steps
            #expect(maxAbs(out[(frame * 1024)..<((frame + 1) * 1024)], expect) < 1e-4, "frame \(frame)")
        }
    }

    @Test func navierStokesStaysMeanFreeAndIsSeeded() throws {
        var ns = NavierStokes(n: 32)
        ns.frameInterval = 0.5
        let a = try Simulation.run(ns, samples: 2, frames: 5, seed: 7, threads: 2)
        let b = try Simulation.run(ns, samples: 2, frames: 5, seed: 7, threads: 1)
        #expect(a.values.scalars == b.values.scalars)
        #expect(a.values.shape == [2, 5, 1, 32, 32])
        let v = a.values.scalars
        for frame in 0..<10 {
            let slice = v[(frame * 1024)..<((frame + 1) * 1024)]
            let mean = slice.reduce(0.0) { $0 + Double($1) } / 1024
            let rms = (slice.reduce(0.0) { $0 + Double($1) * Double($1) } / 1024).squareRoot()
            #expect(abs(mean) < 1e-6 * max(rms, 1), "frame \(frame)")
            #expect(rms > 0.1)
        }
    }

    @Test func navierStokesRefusesAnUnstableStep() {
        var ns = NavierStokes(n: 64)
        ns.dt = 0.25
        ns.rms = 50
        #expect(throws: FjordError.self) { _ = try Simulation.run(ns, samples: 1, frames: 3, seed: 1) }
        ns.dt = 0.3
        #expect(throws: FjordError.self) { try ns.check() }  // not a whole number of steps per frame
    }

    /// With f = 0, η = cos kx, u = (c/H) cos kx is a wave moving at c = √(gH): the exact propagator reproduces it.
    @Test func linearWaveTravelsAtThePhaseSpeed() throws {
        var p = ShallowWaterParameters(n: 32)
        p.coriolis = 0
        let solver = LinearShallowWater(p)
        let m = 3.0, k = 2 * Double.pi * m / p.length, c = p.waveSpeed
        let x = (0..<(32 * 32)).map { Double($0 / 32) * p.length / 32 }
        let eta = x.map { Float(cos(k * $0)) }, u = x.map { Float(c / p.depth * cos(k * $0)) }
        let out = try solver.run(initial: eta + u + [Float](repeating: 0, count: 1024), frames: 6)
        for frame in 0..<6 {
            let t = Double(frame) * p.frameInterval
            let expect = x.map { cos(k * ($0 - c * t)) }
            #expect(maxAbs(out[(frame * 3072)..<(frame * 3072 + 1024)], expect) < 1e-4, "frame \(frame)")
        }
    }

    /// Energy ½ Σ (g η² + H(u² + v²)) is conserved by the exact propagator, with rotation.
    @Test func linearShallowWaterConservesEnergy() throws {
        let t = try Simulation.run(LinearShallowWater(ShallowWaterParameters(n: 32)), samples: 1, frames: 20, seed: 3)
        let e = energy(t.values.scalars, frames: 20, n: 1024, p: ShallowWaterParameters(n: 32))
        #expect(e.allSatisfy { abs($0 / e[0] - 1) < 1e-4 })
    }

    func energy(_ v: [Float], frames: Int, n: Int, p: ShallowWaterParameters) -> [Double] {
        (0..<frames).map { f in
            var s = 0.0
            for i in 0..<n {
                let (eta, u, w) = (
                    Double(v[f * 3 * n + i]), Double(v[f * 3 * n + n + i]), Double(v[f * 3 * n + 2 * n + i])
                )
                s += p.gravity * eta * eta + p.depth * (u * u + w * w)
            }
            return s / 2
        }
    }

    /// At small amplitude the nonlinear solver is the linear one; η's mean is conserved; without viscosity the
    /// energy drifts little.
    @Test func nonlinearShallowWaterAgainstTheLinearLimit() throws {
        var p = ShallowWaterParameters(n: 32)
        p.amplitude = 1e-3
        var s = ShallowWater(p)
        s.viscosity = 0
        let nonlinear = try Simulation.run(s, samples: 1, frames: 8, seed: 5).values.scalars
        let linear = try LinearShallowWater(p).run(initial: Array(nonlinear[0..<3072]), frames: 8)
        let scale = linear.map { abs(Double($0)) }.max()!
        // η only (u, v are 1e-5 m/s here)
        for f in 0..<8 {
            let d = (0..<1024).map { abs(Double(linear[f * 3072 + $0] - nonlinear[f * 3072 + $0])) }.max()!
            #expect(d < 2e-3 * scale, "frame \(f)")
        }
        p.amplitude = 2
        let strong = try Simulation.run(s, samples: 1, frames: 12, seed: 6).values.scalars
        let means = (0..<12).map { f in (0..<1024).reduce(0.0) { $0 + Double(strong[f * 3072 + $1]) } / 1024 }
        #expect(means.allSatisfy { abs($0 - means[0]) < 1e-5 })
        let e = energy(strong, frames: 12, n: 1024, p: p)
        #expect(e.allSatisfy { abs($0 / e[0] - 1) < 1e-2 })
    }

    @Test func shallowWaterRefusesAnUnstableStep() {
        var s = ShallowWater(ShallowWaterParameters(n: 64))
        s.dt = 600
        #expect(throws: FjordError.self) { try s.check() }
        s.dt = 100
        #expect(throws: Never.self) { try s.check() }
    }

    @Test func burgersConservesTheMeanAndDecaysLikeHeatWhenSmall() throws {
        var b = Burgers(n: 64)
        b.frameInterval = 0.1
        let t = try Simulation.run(b, samples: 1, frames: 10, seed: 2).values.scalars
        let means = (0..<10).map { f in (0..<64).reduce(0.0) { $0 + Double(t[f * 64 + $1]) } / 64 }
        #expect(means.allSatisfy { abs($0 - means[0]) < 1e-6 })
        let small = (0..<64).map { Float(1e-4 * sin(2 * Double.pi * Double($0) / 64)) }
        let out = try b.run(initial: small, frames: 4)
        for f in 0..<4 {
            let decay = exp(-4 * Double.pi * Double.pi * b.viscosity * b.frameInterval * Double(f))
            #expect(maxAbs(out[(f * 64)..<((f + 1) * 64)], small.map { Double($0) * decay }) < 1e-8)
        }
    }
}
