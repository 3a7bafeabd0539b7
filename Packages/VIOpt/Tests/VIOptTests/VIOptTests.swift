import Exchange
import Foundation
import Kernel
import Quant
import Testing

@testable import VIOpt

/// The methods against closed forms and known equilibria.
@Suite struct VIOptTests {
    /// f = xy: A(x, y) = (y, −x).
    static var xy: BilinearGame { get throws { try BilinearGame(Tensor(shape: [1, 1], values: [1]), fullRank: true) } }

    func norm(_ v: [Float]) -> Double { v.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot() }

    func run(
        _ p: any MonotoneOperator, _ m: VIMethod, lr: Float, t: Int, start: [Float]? = nil
    ) throws
        -> VISolver.Result
    {
        var o = VISolver.Options(method: m, lr: lr, iterations: t)
        o.start = start
        o.every = t
        return try VISolver.simulate(p, o, workers: 1)[0]
    }

    /// On f = xy from (1, 1) at lr 0.1: gradient descent–ascent spirals out by √(1 + η²) per step (×144.8 after
    /// 1000), extra-gradient contracts by √((1 − η²)² + η²) = 0.99504 per step, optimistic also converges.
    @Test func bilinearGDAGrowsExtraGradientAndOptimisticConverge() throws {
        let start: [Float] = [1, 1]
        let gda = try run(try Self.xy, .gda, lr: 0.1, t: 1000, start: start)
        let eg = try run(try Self.xy, .extragradient, lr: 0.1, t: 1000, start: start)
        let og = try run(try Self.xy, .optimistic, lr: 0.1, t: 1000, start: start)
        let n0 = norm(start)
        #expect(abs(norm(gda.last) / n0 / pow(1.01, 500) - 1) < 1e-3, "\(norm(gda.last) / n0)")
        #expect(norm(eg.last) < 0.01 && norm(og.last) < 0.05, "\(norm(eg.last)) \(norm(og.last))")
        // the measured contraction per step
        let t = 200
        let short = try run(try Self.xy, .extragradient, lr: 0.1, t: t, start: start)
        let rate = pow(norm(short.last) / n0, 1 / Double(t))
        #expect(abs(rate - 0.99504) < 1e-5, "\(rate)")
        #expect(abs(rate - ((1 - 0.01) * (1 - 0.01) + 0.01).squareRoot()) < 1e-6)
    }

    /// The Kelly auction: the stated equilibrium is one (A(x*) ≈ 0), and dual extrapolation at lr 2 from 0 (the
    /// reference code's configuration) reaches it to 1e-3 relative.
    @Test func kellyAuctionReachesItsEquilibrium() throws {
        let k = try KellyAuction()
        let star = try #require(k.solution)
        #expect(k(star).allSatisfy { abs($0) < 1e-5 })
        let r = try run(k, .dualExtrapolation, lr: 2, t: 5000)
        for i in 0..<4 { #expect(abs(r.last[i] / star[i] - 1) < 1e-3, "\(r.last)") }
        #expect(try KellyAuction(g: [2, 3], q: 1, z: 1).solution == nil)
    }

    /// The strongly monotone games: linear convergence to the known solution.
    @Test func stronglyMonotoneGamesConvergeToTheirSolution() throws {
        let q = try QuadraticGame.random(dimension: 50, mu: 0.5, seed: 1)
        let z = try #require(q.solution)
        #expect(norm(zip(q(z), [Float](repeating: 0, count: 50)).map { $0 - $1 }) < 1e-3)
        let r = try run(q, .extragradient, lr: 0.5, t: 500)
        #expect(norm(zip(r.last, z).map { $0 - $1 }) < 1e-4)
        let b = try BandedGame(dimension: 10_000, mu: 0.5, bandwidth: 3, seed: 2)
        let rb = try run(b, .extragradient, lr: 0.3, t: 300)
        #expect(norm(zip(rb.last, b.solution!).map { $0 - $1 }) / norm(b.solution!) < 1e-4)
    }

    /// Q-GenX: dual extrapolation with the adaptive step on 4 workers whose vectors pass through 8-bit NUQ reaches
    /// the unquantized accuracy within a factor 2 (quantization noise is relative: it vanishes at the solution);
    /// every worker holds the same iterate; float32 messages cost 2 exchanges × 4d bytes per iteration.
    @Test func qgenxEightBitsReachesTheUnquantizedAccuracy() throws {
        let q = try QuadraticGame.random(dimension: 200, mu: 0.5, seed: 3)
        var o = VISolver.Options(method: .dualExtrapolation, lr: 1, iterations: 1500)
        o.adaptive = true
        o.every = 1500
        let plain = try VISolver.simulate(q, o, workers: 4)
        let nuq = try Scheme.nuq.quantizer(bits: 8, bucketSize: 8192)
        let quantized = try VISolver.simulate(q, o, workers: 4) { _ in
            QuantizedCodec(quantizer: nuq, dimension: 200, code: .omega, scheme: Scheme.nuq.id)
        }
        let dp = try #require(plain[0].rows.last?.distance), dq = try #require(quantized[0].rows.last?.distance)
        #expect(dp < 1e-4 && dq < 2 * dp + 1e-6, "unquantized \(dp), 8-bit \(dq)")
        for r in quantized { #expect(r.last == quantized[0].last) }
        #expect(plain[0].rows.last!.bytesSent == 2 * 1500 * 4 * 200)
        // optimistic dual: one exchange per iteration (two in the first)
        o.method = .dualOptimistic
        let opt = try VISolver.simulate(q, o, workers: 4)
        #expect(opt[0].rows.last!.bytesSent == (1500 + 1) * 4 * 200)
    }

    /// Relative noise vanishes at the solution (the last iterate still converges); absolute noise does not, and
    /// the averaged iterate's distance then falls about as T^(−1/2).
    @Test func noiseModels() throws {
        let q = try QuadraticGame.random(dimension: 20, mu: 1, seed: 4)
        var o = VISolver.Options(method: .dualExtrapolation, lr: 0.5, iterations: 4000)
        o.adaptive = true
        o.every = 4000
        o.noise = NoiseModel(relative: 0.5)
        let rel = try VISolver.simulate(q, o, workers: 1)[0]
        #expect(rel.rows.last!.distance! < 1e-3, "\(rel.rows.last!.distance!)")
        o.noise = NoiseModel(absolute: 0.1)
        o.every = 100
        let abs = try VISolver.simulate(q, o, workers: 1)[0]
        let early = abs.rows[9].averageDistance!, late = abs.rows.last!.averageDistance!  // T = 1000, 4000
        #expect(late < early && late > 0.1 * early, "\(early) → \(late)")
    }

    /// Covariance learning as a WGAN: extra-gradient and optimistic recover V Vᵀ = Σ (and W → 0) from V = I;
    /// gradient descent–ascent diverges.
    @Test func covarianceWGANRecoversSigma() throws {
        let g = try CovarianceLearning.random(n: 3, seed: 1)
        for m in [VIMethod.extragradient, .optimistic] {
            let r = try run(g, m, lr: 0.1, t: 3000, start: g.identityStart)
            #expect(g.generatorError(r.last) < 1e-4, "\(m): \(g.generatorError(r.last))")
            #expect(r.last[9...].allSatisfy { abs($0) < 1e-4 }, "\(m): W = \(Array(r.last[9...]))")
        }
        #expect(throws: FjordError.self) { _ = try run(g, .gda, lr: 0.1, t: 3000, start: g.identityStart) }
    }

    /// QODA: optimistic dual averaging (one exchange per iteration) with levels learned per block type (the
    /// generator V and the critic W each get their own ALQ levels) on 4 workers still recovers Σ, with fewer bytes
    /// than float32.
    @Test func qodaWithPerTypeLevelsRecoversSigma() throws {
        let g = try CovarianceLearning.random(n: 12, seed: 2)
        var o = VISolver.Options(method: .dualOptimistic, lr: 0.1, iterations: 3000)
        o.start = g.identityStart
        o.every = 3000
        let blocks = g.blocks
        let qoda = try VISolver.simulate(g, o, workers: 4) { _ in
            try LayerTypeLevelsCodec(method: .alq, bits: 4, bucketSize: 64, blocks: blocks)
        }
        let plain = try VISolver.simulate(g, o, workers: 4)
        #expect(g.generatorError(qoda[0].last) < 1e-4, "\(g.generatorError(qoda[0].last))")
        #expect(qoda[0].rows.last!.bytesSent < plain[0].rows.last!.bytesSent / 2)
        #expect(plain[0].rows.last!.bytesSent == (3000 + 1) * 4 * g.dimension)
    }

    /// Matrix games on simplices with entropic steps: on rock–paper–scissors extra-gradient (mirror-prox) and
    /// optimistic reach p = q = (1/3, 1/3, 1/3) with a vanishing duality gap, the iterates stay on the simplices;
    /// entropic GDA's last iterate does not converge (it cycles away from the interior).
    @Test func matrixGamesOnSimplices() throws {
        let rps = try MatrixGame.rockPaperScissors()
        var start: [Float] = [0.5, 0.3, 0.2, 0.2, 0.3, 0.5]
        for m in [VIMethod.extragradient, .optimistic] {
            let r = try run(rps, m, lr: 0.5, t: 3000, start: start)
            #expect(r.last.allSatisfy { abs($0 - 1.0 / 3) < 1e-3 }, "\(m): \(r.last)")
            #expect(try #require(r.rows.last?.gap) < 1e-3)
            #expect(abs(r.last[0..<3].reduce(0, +) - 1) < 1e-5 && abs(r.last[3...].reduce(0, +) - 1) < 1e-5)
        }
        let gda = try run(rps, .gda, lr: 0.1, t: 3000, start: start)
        #expect(try #require(gda.rows.last?.gap) > 0.1, "entropic GDA gap \(gda.rows.last!.gap!)")
        // a random 30×20 game (its equilibrium may sit on a face, where entropic steps slow down): the gap falls
        let g = try MatrixGame.random(m: 30, n: 20, seed: 5)
        start = g.uniformStart
        var o = VISolver.Options(method: .extragradient, lr: 0.2, iterations: 2000)
        o.start = start
        o.every = 100
        let rows = try VISolver.simulate(g, o, workers: 1)[0].rows
        #expect(rows.last!.gap! < 0.5 * rows[0].gap!, "\(rows[0].gap!) → \(rows.last!.gap!)")
    }

    @Test func badInputIsRefused() throws {
        #expect(throws: FjordError.self) { try BilinearGame(Tensor([1, 2, 3])) }
        #expect(throws: FjordError.self) {
            try QuadraticGame(Tensor(shape: [2, 3], values: [1, 0, 0, 0, 1, 0]), [1, 1])
        }
        // M + Mᵀ not positive definite
        #expect(throws: FjordError.self) { try QuadraticGame(Tensor(shape: [2, 2], values: [0, 1, -1, 0]), [1, 1]) }
        var o = VISolver.Options(method: .extragradient, lr: 0, iterations: 10)
        #expect(throws: FjordError.usage("the step size must be finite and > 0, not 0.0")) {
            _ = try VISolver.simulate(try Self.xy, o, workers: 1)
        }
        o.lr = 10  // diverges: a data error naming the iteration, not a NaN
        o.iterations = 100_000
        o.start = [1, 1]
        #expect(throws: FjordError.self) { _ = try VISolver.simulate(try Self.xy, o, workers: 1) }
        // a game matrix given with λ = 0: the solution is not assumed
        #expect(try BilinearGame(Tensor(shape: [2, 2], values: [1, 0, 0, 1])).solution == nil)
    }
}
