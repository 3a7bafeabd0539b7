import Exchange
import Kernel
import Testing

/// Byzantine rows of a fixed value (a hand-made attack whose effect on the mean is known in closed form).
struct ConstantRows: ByzantineAttack {
    var value: Float
    var name: String { "constant" }
    mutating func rows(honest: Tensor, f: Int, rng: inout RNG) throws(FjordError) -> Tensor {
        Tensor(shape: [f, honest.shape[1]], repeating: value)
    }
}

@Suite struct ExchangeStepTests {
    /// Extra-gradient on the bilinear game min_x max_y ā·x·y, whose operator F(x, y) = (ā y, −ā x) is spread over
    /// three workers (worker r holds a_r, ā their mean). Each iteration exchanges twice, once at the point and
    /// once at the extrapolated point. Oracles: every exchange gives the mean of the workers' operator values
    /// exactly as summed in rank order; the known equilibrium 0 is approached (EG contracts the rotation by
    /// 1 − γ²ā² + γ⁴ā⁴ per step), while a single exchange per step (gradient descent–ascent) spirals out; the
    /// bytes are 2 exchanges × 8 bytes per iteration.
    @Test func extraGradientExchangesTwicePerIteration() throws {
        let a: [Float] = [0.5, 1.0, 1.5]
        let gamma: Float = 0.3
        let iterations = 200
        func run(extra: Bool) throws -> [(z: [Float], traffic: Traffic)] {
            try LocalCommunicator.run(workers: 3) { comm in
                var step = try ExchangeStep(workers: 3, dimension: 2)
                var z: [Float] = [1, 1]
                let ar = a[comm.rank]
                var codecRNG = RNG(seed: 1), shared = RNG(seed: 2)
                func operatorMean(at p: [Float], _ label: Int) throws -> [Float] {
                    let local: [Float] = [ar * p[1], -ar * p[0]]
                    let mean = try local.withUnsafeBufferPointer { buf in
                        try step.exchange(comm, step: label, codecRNG: &codecRNG, sharedRNG: &shared) { buf }
                    }
                    // the mean of the three operator values, added in rank order
                    let want: [Float] = [
                        ((a[0] * p[1] + a[1] * p[1]) + a[2] * p[1]) * (1 / 3),
                        ((-a[0] * p[0] + -a[1] * p[0]) + -a[2] * p[0]) * (1 / 3),
                    ]
                    #expect(mean.scalars == want)
                    return mean.scalars
                }
                for t in 0..<iterations {
                    if extra {
                        let f0 = try operatorMean(at: z, 2 * t)
                        let half = [z[0] - gamma * f0[0], z[1] - gamma * f0[1]]
                        let f1 = try operatorMean(at: half, 2 * t + 1)
                        z = [z[0] - gamma * f1[0], z[1] - gamma * f1[1]]
                    } else {
                        let f0 = try operatorMean(at: z, t)
                        z = [z[0] - gamma * f0[0], z[1] - gamma * f0[1]]
                    }
                }
                return (z, step.traffic)
            }
        }
        let eg = try run(extra: true), gda = try run(extra: false)
        let norm = { (z: [Float]) in (z[0] * z[0] + z[1] * z[1]).squareRoot() }
        #expect(eg.allSatisfy { $0.z == eg[0].z }, "workers hold the same iterate")
        #expect(norm(eg[0].z) < 0.02, "extra-gradient approaches the equilibrium: \(eg[0].z)")
        #expect(norm(gda[0].z) > 10, "gradient descent–ascent spirals out: \(gda[0].z)")
        for r in eg { #expect(r.traffic == Traffic(sent: 2 * iterations * 8, received: 2 * 2 * iterations * 8)) }
    }

    /// The Byzantine ranks' rows are replaced after the exchange, identically on every worker.
    @Test func byzantineRowsAreReplacedBeforeTheRule() throws {
        let out = try LocalCommunicator.run(workers: 4) { comm in
            var step = try ExchangeStep(
                workers: 4, dimension: 3,
                byzantine: .last(1, of: 4, attack: ConstantRows(value: 1000)))
            var c = RNG(seed: 0), s = RNG(seed: 0)
            let v = [Float](repeating: Float(comm.rank), count: 3)
            return try v.withUnsafeBufferPointer { b in
                try step.exchange(comm, step: 0, codecRNG: &c, sharedRNG: &s) { b }
            }
        }
        for o in out { #expect(o.scalars == [Float](repeating: (((0 + 1) + 2) + 1000) * 0.25, count: 3)) }
        #expect(throws: FjordError.self) {
            _ = try ExchangeStep(workers: 3, dimension: 1, byzantine: .last(4, of: 3, attack: ConstantRows(value: 0)))
        }
        #expect(throws: FjordError.self) {
            _ = try ExchangeStep(
                workers: 3, dimension: 1, byzantine: ByzantineWorkers(ranks: [3], attack: ConstantRows(value: 0)))
        }
    }

    /// A worker whose local work fails makes every worker stop at the same collective, with the failed rank named.
    @Test func oneWorkersFailureStopsAll() throws {
        let errors = try LocalCommunicator.run(workers: 3) { comm -> String in
            var step = try ExchangeStep(workers: 3, dimension: 2)
            var c = RNG(seed: 0), s = RNG(seed: 0)
            let v: [Float] = [1, 2]
            do {
                _ = try v.withUnsafeBufferPointer { b in
                    try step.exchange(comm, step: 7, codecRNG: &c, sharedRNG: &s) {
                        if comm.rank == 1 { throw FjordError.data("loss overflowed") }
                        return b
                    }
                }
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        #expect(errors[1].contains("loss overflowed"))
        #expect(errors[0].contains("step 7: worker 1 failed") && errors[2].contains("step 7: worker 1 failed"))
    }
}
