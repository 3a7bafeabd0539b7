import Foundation
import Kernel
import Testing

@testable import Learn

@Suite struct TrainingTests {
    func digits() -> (Dataset, Dataset) { BundledData.digits.load().standardizedSplit(testFraction: 0.2, seed: 0) }

    func setup(_ opt: @escaping @Sendable () -> any Optimizer) -> TrainingSetup {
        TrainingSetup(model: { Sequential.mlp([64, 32, 10], seed: 0) }, optimizer: opt)
    }

    @Test(arguments: ["sgd", "adam"])
    func mlpReaches95PercentOnDigits(optimizer: String) throws {
        let (tr, te) = digits()
        let s = setup {
            optimizer == "sgd" ? SGD(.constant(0.1), momentum: 0.9) as any Optimizer : Adam(.constant(0.01))
        }
        let r = try trainLocal(
            workers: 1, train: tr, test: te, setup: s, config: TrainingConfig(steps: 1200, batchSize: 32))
        #expect(r[0].final!.testAccuracy! >= 0.95, "\(optimizer): \(r[0].final!)")
    }

    @Test func workersStayInSyncAndRunsAreDeterministic() throws {
        let (tr, te) = digits()
        var c = TrainingConfig(steps: 60, batchSize: 16)
        c.partition = .dirichlet(alpha: 0.5)
        c.seed = 9
        let s = setup { SGD(.constant(0.05), momentum: 0.9) }
        let a = try trainLocal(workers: 4, train: tr, test: te, setup: s, config: c)
        let b = try trainLocal(workers: 4, train: tr, test: te, setup: s, config: c)
        #expect(a.allSatisfy { $0.parameters == a[0].parameters })
        #expect(a[0].parameters == b[0].parameters)
        // bytes: each worker sends its float32 gradient every step and receives the other three
        let d = a[0].parameterCount
        for r in a {
            #expect(r.gradientTraffic == Traffic(sent: 60 * d * 4, received: 3 * 60 * d * 4))
            #expect(r.transportTraffic == r.gradientTraffic)
        }
        #expect(a[0].bitsPerCoordinate == 32)
        // the time split: every part measured, none negative, together within the run's wall-clock time
        for r in a {
            let t = r.exchangeTimes
            #expect(t.named.allSatisfy { $0.seconds >= 0 } && t.local > 0 && t.communicate > 0)
            #expect(t.total <= r.seconds)
        }
    }

    @Test func oneWorkerEqualsPlainMinibatchSGD() throws {
        // the trainer with one worker and the mean rule is ordinary mini-batch SGD on the same batches
        let (tr, te) = digits()
        let s = setup { SGD(.constant(0.1)) }
        var c = TrainingConfig(steps: 5, batchSize: 8)
        c.seed = 4
        let r = try trainLocal(workers: 1, train: tr, test: te, setup: s, config: c)[0]
        let model = Sequential.mlp([64, 32, 10], seed: 0)
        var opt = SGD(.constant(0.1))
        // the worker's rows: the iid partition (a seeded permutation), then a per-pass shuffle of its batch stream
        let local = tr.subset(Partition.iid.assign(labels: tr.labels, classes: 10, workers: 1, seed: 4)[0])
        var shard = Array(0..<local.count)
        var rng = RNG(seed: 4).substream(0x1000)
        rng.shuffle(&shard)
        for step in 0..<5 {
            let (x, y) = local.batch(shard[(step * 8)..<(step * 8 + 8)])
            model.zeroGradients()
            model.backward(try softmaxCrossEntropy(logits: model.forward(x), labels: y).gradient)
            opt.step(model.parameterBuffer, UnsafeBufferPointer(model.gradientBuffer))
        }
        #expect(model.parameterValues == r.parameters, "trainer and hand-written loop differ")
    }

    /// The mean rule adds rows in rank order (fused four at a time): bit-identical to the plain sequential sum.
    @Test func meanRuleIsTheSequentialSum() throws {
        var g = RNG(seed: 8)
        for n in [1, 2, 5, 12, 13] {
            let x = g.tensor([n, 1001])
            var rule = MeanRule()
            var rng = RNG(seed: 0)
            let m = try rule.aggregate(x, rng: &rng).scalars
            let v = x.scalars
            let want = (0..<1001).map { j -> Float in
                var acc: Float = 0
                for r in 0..<n { acc += v[r * 1001 + j] }
                return acc * (1 / Float(n))
            }
            #expect(m.map(\.bitPattern) == want.map(\.bitPattern), "n \(n)")
        }
    }

    @Test func collectivesOfTheLocalCommunicator() throws {
        let out = try LocalCommunicator.run(workers: 3) { comm -> ([[UInt8]], [Float], [UInt8]) in
            let g = comm.allgather([UInt8](repeating: UInt8(comm.rank), count: comm.rank + 1))
            var v: [Float] = [Float(comm.rank), 1]
            v.withUnsafeMutableBufferPointer { comm.allreduceSum($0) }
            var b: [UInt8] = comm.rank == 1 ? [7, 8] : [0, 0]
            b.withUnsafeMutableBytes { comm.broadcast($0, root: 1) }
            comm.barrier()
            return (g, v, b)
        }
        for (g, v, b) in out {
            #expect(g == [[0], [1, 1], [2, 2, 2]] && v == [3, 3] && b == [7, 8])
        }
    }

    @Test func divergenceIsAnError() {
        let (tr, te) = digits()
        let s = setup { SGD(.constant(1e6)) }
        #expect(throws: FjordError.self) {
            _ = try trainLocal(
                workers: 2, train: tr, test: te, setup: s, config: TrainingConfig(steps: 50, batchSize: 32))
        }
    }

    @Test func checkpointRoundTrip() throws {
        let m = Sequential.mlp([4, 3, 2], seed: 5)
        let path = "/tmp/fjord-ckpt-\(UInt32.random(in: 0...UInt32.max)).safetensors"
        try Checkpoint.save(m, to: path, metadata: ["k": "v"])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let n = Sequential.mlp([4, 3, 2], seed: 6)
        #expect(try Checkpoint.load(path, into: n) == ["k": "v"])
        #expect(n.parameterValues == m.parameterValues)
        #expect(throws: FjordError.self) { _ = try Checkpoint.load(path, into: Sequential.mlp([4, 5, 2])) }
    }
}
