import Kernel
import Learn
import Testing

@testable import NeuralOp

@Suite struct TrainingTests {
    @Test func relativeL2GradientMatchesFiniteDifferences() throws {
        var rng = RNG(seed: 3)
        let y = rng.tensor([3, 2, 5]), t = rng.tensor([3, 2, 5])
        let l = try relativeL2(y, t)
        var manual = 0.0
        for i in 0..<3 {
            var d = 0.0, n = 0.0
            for k in (i * 10)..<((i + 1) * 10) {
                d += Double(y[flat: k] - t[flat: k]) * Double(y[flat: k] - t[flat: k])
                n += Double(t[flat: k]) * Double(t[flat: k])
            }
            manual += (d / n).squareRoot() / 3
        }
        #expect(abs(l.loss - manual) < 1e-9)
        for k in [0, 7, 29] {
            var a = y, b = y
            a[flat: k] += 1e-3
            b[flat: k] -= 1e-3
            let numeric = (try relativeL2(a, t).loss - relativeL2(b, t).loss) / 2e-3
            #expect(abs(numeric - Double(l.gradient[flat: k])) < 1e-3 * max(1, abs(numeric)))
        }
        #expect(throws: FjordError.self) { _ = try relativeL2(y, Tensor(zeros: [3, 2, 5])) }
    }

    @Test func layoutsRoundTrip() {
        var rng = RNG(seed: 1)
        let w = rng.tensor([2, 3, 2, 4, 5])  // [B, n, F, X, Y]
        let last = Layout.framesLast(w)
        #expect(last.shape == [2, 2, 4, 5, 3])
        #expect(Layout.framesFirst(last).scalars == w.scalars)
        let c = FNOConfig(
            architecture: .fno3d, fields: 2, grid: [4, 5], inputFrames: 3, outputFrames: 2, modes: [2, 2, 2])
        let x = Layout.input(w, c)
        #expect(x.shape == [2, 6, 4, 5, 2])
        // channel j·F + f of sample b, repeated along time
        #expect(x[flat: ((1 * 6 + 4) * 20 + 7) * 2 + 1] == w[flat: ((1 * 3 + 2) * 2 + 0) * 20 + 7])
    }

    /// A tiny FNO learns the exact linear shallow-water step far below its starting error (the loop, the objective
    /// and the layers together).
    @Test func fnoLearnsTheLinearStep() throws {
        let t = try Simulation.run(LinearShallowWater(ShallowWaterParameters(n: 16)), samples: 8, frames: 6, seed: 1)
        var z = t.values
        let scaling = FieldScaling.fit(t)
        scaling.apply(&z, fieldAxis: 2)
        let config = FNOConfig(
            architecture: .fno, fields: 3, grid: [16, 16], inputFrames: 1, outputFrames: 1, modes: [6, 6], width: 12,
            layers: 2, projection: 16)
        let data = try OperatorData(try Trajectories(z, name: "z"), config: config)
        let model = config.makeModel(seed: 1)
        let all = Array(0..<data.count)
        let before = try OperatorTraining.evaluate(model, data: data, rows: all)
        var s = OperatorTrainingSettings(steps: 150, batch: 8)
        s.rate = 5e-3
        _ = try OperatorTraining.fit(model, data: data, settings: s)
        let after = try OperatorTraining.evaluate(model, data: data, rows: all)
        #expect(after < 0.3 * before, "\(before) → \(after)")
    }
}
