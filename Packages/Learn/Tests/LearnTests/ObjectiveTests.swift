import Kernel
import Testing

@testable import Learn

@Suite struct ObjectiveTests {
    func digits() -> (Dataset, Dataset) { BundledData.digits.load().standardizedSplit(testFraction: 0.2, seed: 0) }

    /// Weighted cross-entropy with weight 0 on every row of class 3: its gradient on a batch is exactly
    /// (m/B)·(the unweighted gradient on the batch without class 3), and a model trained on it through the
    /// data-parallel trainer (each worker weighting its own rows) never predicts class 3 while learning the other nine.
    @Test func zeroWeightClassIsIgnored() throws {
        let (tr, te) = digits()
        let weights = tr.labels.map { $0 == 3 ? Float(0) : 1 }
        // the exact oracle on one batch of 64 rows
        let batch = Array(0..<64), kept = batch.filter { tr.labels[$0] != 3 }
        let a = Sequential.mlp([64, 32, 10], seed: 2), b = Sequential.mlp([64, 32, 10], seed: 2)
        var weighted = ModelObjective.crossEntropy(a, data: tr, weights: weights)
        var plain = ModelObjective.crossEntropy(b, data: tr)
        let lw = try weighted.loss(
            batch: batch, parameters: UnsafeBufferPointer(a.parameterBuffer), gradient: a.gradientBuffer)
        let lp = try plain.loss(
            batch: kept, parameters: UnsafeBufferPointer(b.parameterBuffer), gradient: b.gradientBuffer)
        let scale = Double(kept.count) / Double(batch.count)
        #expect(kept.count < batch.count)
        #expect(abs(lw - scale * lp) < 1e-6 * lp)
        let maxDiff = zip(a.gradientBuffer, b.gradientBuffer).map { abs(Double($0) - scale * Double($1)) }.max()!
        let maxG = b.gradientBuffer.map { abs(Double($0)) }.max()!
        #expect(maxDiff < 1e-5 * maxG, "weighted gradient ≠ (m/B)·unweighted on the kept rows: \(maxDiff) of \(maxG)")

        // training: two workers, each weighting its own rows (the hook an importance-weighting package uses)
        var setup = TrainingSetup(
            model: { Sequential.mlp([64, 32, 10], seed: 0) }, optimizer: { Adam(.constant(0.01)) })
        setup.makeObjective = { _, model, local in
            ModelObjective.crossEntropy(model, data: local, weights: local.labels.map { $0 == 3 ? 0 : 1 })
        }
        var config = TrainingConfig(steps: 400, batchSize: 32)
        config.seed = 1
        let report = try trainLocal(workers: 2, train: tr, test: te, setup: setup, config: config)[0]
        #expect(report.history.map(\.step) == [400])
        let model = Sequential.mlp([64, 32, 10])
        _ = model.parameterBuffer.update(fromContentsOf: report.parameters)
        let predicted = argmax(model.forward(te.features))
        let threes = predicted.filter { $0 == 3 }.count
        let others = zip(predicted, te.labels).filter { $1 != 3 }
        let accuracy = Double(others.filter { $0 == $1 }.count) / Double(others.count)
        #expect(threes == 0, "the model predicts the zero-weight class \(threes) times")
        #expect(accuracy > 0.9, "accuracy on the other classes \(accuracy)")
    }

    /// Worker momentum, one worker, plain SGD: θ ← θ − α m with m ← β m + (1 − β) g, m₀ = 0, on the trainer's
    /// batches: bit-identical to the hand-written recursion; with four workers the bytes are those of m (float32).
    @Test func workerMomentumIsTheDampedRecursion() throws {
        let (tr, te) = digits()
        let beta: Float = 0.9, alpha: Float = 0.1
        var setup = TrainingSetup(
            model: { Sequential.mlp([64, 32, 10], seed: 0) }, optimizer: { SGD(.constant(alpha)) })
        setup.makeRule = { MeanRule() }
        var c = TrainingConfig(steps: 7, batchSize: 8)
        c.seed = 4
        c.workerMomentum = beta
        let r = try trainLocal(workers: 1, train: tr, test: te, setup: setup, config: c)[0]

        let model = Sequential.mlp([64, 32, 10], seed: 0)
        var opt = SGD(.constant(alpha))
        let local = tr.subset(Partition.iid.assign(labels: tr.labels, classes: 10, workers: 1, seed: 4)[0])
        var shard = Array(0..<local.count)
        var rng = RNG(seed: 4).substream(0x1000)
        rng.shuffle(&shard)
        var m = [Float](repeating: 0, count: model.parameterCount)
        for step in 0..<7 {
            let (x, y) = local.batch(shard[(step * 8)..<(step * 8 + 8)])
            model.zeroGradients()
            _ = model.backward(try softmaxCrossEntropy(logits: model.forward(x), labels: y).gradient)
            let g = model.gradientBuffer
            for j in m.indices { m[j] = beta * m[j] + (1 - beta) * g[j] }
            m.withUnsafeBufferPointer { opt.step(model.parameterBuffer, $0) }
        }
        #expect(model.parameterValues == r.parameters, "trainer with worker momentum and the recursion differ")
        let plain = try trainLocal(
            workers: 1, train: tr, test: te,
            setup: setup,
            config: {
                var p = c
                p.workerMomentum = nil
                return p
            }())[0]
        #expect(plain.parameters != r.parameters)

        var c4 = c
        c4.steps = 5
        let four = try trainLocal(workers: 4, train: tr, test: te, setup: setup, config: c4)
        let d = four[0].parameterCount
        #expect(four.allSatisfy { $0.parameters == four[0].parameters && $0.gradientTraffic.sent == 5 * d * 4 })
        var bad = c
        bad.workerMomentum = 1
        #expect(throws: FjordError.self) {
            _ = try trainLocal(workers: 1, train: tr, test: te, setup: setup, config: bad)
        }
    }

    /// Mean squared error through a linear model: the objective's gradient is the closed form (2/B) Xᵀ(Xw + b − t).
    @Test func meanSquaredErrorObjective() throws {
        var g = RNG(seed: 3)
        let x = g.tensor([20, 3]), t = g.tensor([20, 1])
        let model = Sequential.mlp([3, 1], seed: 1)
        var objective = ModelObjective.meanSquaredError(model, inputs: x, targets: t)
        let batch = [0, 5, 7, 19]
        let loss = try objective.loss(
            batch: batch, parameters: UnsafeBufferPointer(model.parameterBuffer),
            gradient: model.gradientBuffer)
        let p = model.parameterValues  // weight [1, 3] then bias [1]
        let xs = x.scalars, ts = t.scalars
        var want = [Double](repeating: 0, count: 4), l = 0.0
        for i in batch {
            let r =
                Double(p[0]) * Double(xs[3 * i]) + Double(p[1]) * Double(xs[3 * i + 1]) + Double(p[2])
                * Double(xs[3 * i + 2])
                + Double(p[3]) - Double(ts[i])
            l += r * r / 4
            for k in 0..<3 { want[k] += 2 * r * Double(xs[3 * i + k]) / 4 }
            want[3] += 2 * r / 4
        }
        #expect(abs(loss - l) < 1e-5 * max(l, 1))
        for k in 0..<4 { #expect(abs(Double(model.gradientBuffer[k]) - want[k]) < 1e-5, "coordinate \(k)") }
    }

    /// A quadratic ½‖θ − c‖² (gradient θ − c) over a worker's rows; `rows` 0 makes a worker with nothing to train on.
    struct Quadratic: Objective {
        var rowCount: Int
        var centre: Float
        mutating func loss(
            batch: [Int], parameters: UnsafeBufferPointer<Float>,
            gradient: UnsafeMutableBufferPointer<Float>
        ) throws(FjordError) -> Double {
            var l = 0.0
            for j in parameters.indices {
                gradient[j] = parameters[j] - centre
                l += 0.5 * Double(gradient[j] * gradient[j])
            }
            return l
        }
    }

    /// trainLoop on a plain vector (no model): two workers with centres 1 and 3 and the mean rule converge to the
    /// minimiser of the mean objective, 2; a worker without rows makes both stop at the first exchange, not hang.
    @Test func plainVectorObjectiveAndAWorkerWithoutRows() throws {
        func run(rows: [Int]) throws -> [[Float]] {
            try LocalCommunicator.run(workers: 2) { comm in
                var theta = [Float](repeating: 0, count: 3), grad = [Float](repeating: 0, count: 3)
                var objective = Quadratic(rowCount: rows[comm.rank], centre: comm.rank == 0 ? 1 : 3)
                var optimizer: any Optimizer = SGD(.constant(0.5))
                var exchange = try ExchangeStep(workers: 2, dimension: 3)
                let config = TrainingConfig(steps: 30, batchSize: 4)
                _ = try theta.withUnsafeMutableBufferPointer { t in
                    try grad.withUnsafeMutableBufferPointer { g in
                        try trainLoop(
                            comm, parameters: t, gradient: g, objective: &objective, optimizer: &optimizer,
                            exchange: &exchange, config: config
                        ) { $0 }
                    }
                }
                return theta
            }
        }
        let out = try run(rows: [5, 7])
        for theta in out { #expect(theta.allSatisfy { abs($0 - 2) < 1e-6 }, "\(theta)") }
        #expect(throws: FjordError.self) { _ = try run(rows: [5, 0]) }
    }
}
