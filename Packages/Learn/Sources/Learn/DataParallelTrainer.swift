import Kernel
#if canImport(Glibc)
import Glibc
#endif

/// What a data-parallel run is made of. Factories are called once per worker (models, optimizers and codecs
/// hold per-worker state); every worker builds the same model from the same seed.
public struct TrainingSetup: @unchecked Sendable {
    public var makeModel: () -> Sequential
    public var makeOptimizer: () -> any Optimizer
    public var makeCodec: (_ rank: Int) -> any GradientCodec = { _ in Float32Codec() }
    public var makeRule: () -> any AggregationRule = { MeanRule() }
    public var makeAttack: (() -> any GradientAttack)?

    public init(model: @escaping () -> Sequential, optimizer: @escaping () -> any Optimizer) {
        makeModel = model
        makeOptimizer = optimizer
    }
}

public struct TrainingConfig: Sendable {
    public var steps: Int
    /// Rows per worker per step.
    public var batchSize: Int
    public var partition: Partition = .iid
    public var seed: UInt64 = 0
    /// Evaluate (train loss, test accuracy) every this many steps; 0 = at the end only.
    public var evaluateEvery = 0
    /// Ranks whose rows the attack replaces.
    public var byzantine: [Int] = []
    /// Byzantine workers train on flipped labels y → C−1−y (the label-flipping attack; no gradient attack needed).
    public var flipByzantineLabels = false

    public init(steps: Int, batchSize: Int) {
        self.steps = steps
        self.batchSize = batchSize
    }
}

/// One evaluation point.
public struct TrainingRecord: Sendable, Equatable {
    public var step: Int
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var testAccuracy: Double?
}

public struct TrainingReport: Sendable {
    public var history: [TrainingRecord] = []
    /// Gradient bytes this worker handed to the communicator (counted by the trainer).
    public var gradientTraffic = Traffic()
    /// What the communicator itself counted.
    public var transportTraffic = Traffic()
    public var seconds = 0.0
    /// Final flat parameters.
    public var parameters: [Float] = []
    public var parameterCount: Int { parameters.count }
    public var final: TrainingRecord? { history.last }
    /// Bits per coordinate this worker sent for gradients, averaged over steps.
    public var bitsPerCoordinate: Double {
        guard !parameters.isEmpty, let steps = history.last?.step, steps > 0 else { return 0 }
        return Double(gradientTraffic.sent) * 8 / Double(steps) / Double(parameters.count)
    }
}

/// Synchronous data-parallel SGD, one call per worker (SPMD): each step every worker computes the gradient of
/// its own batch, encodes it, allgathers the encodings, decodes all n, lets the attack replace the Byzantine
/// rows, aggregates with the rule (identically everywhere) and steps its optimizer. All workers therefore hold
/// the same parameters throughout, under ``LocalCommunicator`` and ``MPICommunicator`` alike.
///
/// Randomness: worker r draws its batches and its codec's rounding from substreams of `seed`; the rule and the
/// attack share one stream per step. Same seed, same bytes.
public func trainDataParallel(_ comm: any Communicator, train: Dataset, test: Dataset?, setup: TrainingSetup,
                              config: TrainingConfig) throws -> TrainingReport {
    precondition(config.batchSize > 0 && config.steps >= 0)
    let start = monotonicSeconds()
    let n = comm.size, rank = comm.rank
    let model = setup.makeModel()
    var optimizer = setup.makeOptimizer()
    var codec = setup.makeCodec(rank)
    var rule = setup.makeRule()
    var attack = setup.makeAttack?()
    let d = model.parameterCount
    let byzantine = Set(config.byzantine)
    for b in byzantine where b < 0 || b >= n { throw FjordError.usage("Byzantine rank \(b) is outside 0..<\(n)") }

    let base = RNG(seed: config.seed)
    let shards = config.partition.assign(labels: train.labels, classes: train.classes, workers: n, seed: config.seed)
    var shard = shards[rank]
    guard !shard.isEmpty else { throw FjordError.data("worker \(rank) of \(n) got no training rows (\(config.partition))") }
    var local = train.subset(shard)
    if config.flipByzantineLabels && byzantine.contains(rank) {
        local = try Dataset(name: local.name, features: local.features,
                            labels: local.labels.map { Int32(train.classes - 1) - $0 }, classes: train.classes)
    }
    var batchRNG = base.substream(UInt64(rank) &+ 0x1000)
    var codecRNG = base.substream(UInt64(rank) &+ 0x2000)
    shard = Array(0..<local.count)
    batchRNG.shuffle(&shard)
    var cursor = 0

    var report = TrainingReport()
    var stack = Tensor(zeros: [n, d])
    for step in 0..<config.steps {
        // this worker's batch: consecutive rows of a per-pass shuffle of its shard
        var idx: [Int] = []
        idx.reserveCapacity(config.batchSize)
        while idx.count < config.batchSize {
            if cursor == shard.count {
                batchRNG.shuffle(&shard)
                cursor = 0
            }
            let take = min(config.batchSize - idx.count, shard.count - cursor)
            idx += shard[cursor..<(cursor + take)]
            cursor += take
        }
        let (x, y) = local.batch(idx)
        // Local work may fail on one worker only (its batch's loss overflows, say). It then sends an empty
        // message, which no codec produces, so that every worker learns of it at the same collective and all stop
        // together instead of the others waiting forever at the next one.
        var message: [UInt8] = []
        var localError: (any Error)?
        do {
            model.zeroGradients()
            let out = model.forward(x)
            let loss = try softmaxCrossEntropy(logits: out, labels: y)
            model.backward(loss.gradient, inputGradient: false)
            message = try codec.encode(UnsafeBufferPointer(model.gradientBuffer), rng: &codecRNG)
            precondition(!message.isEmpty, "a gradient codec produced an empty message")
        } catch {
            localError = error
        }
        let all = comm.allgather(message)
        if let localError { throw localError }
        if let failed = all.firstIndex(where: \.isEmpty) {
            throw FjordError.data("step \(step): worker \(failed) failed (its loss or gradient was not finite); all workers stop")
        }
        report.gradientTraffic.sent += message.count
        report.gradientTraffic.received += all.enumerated().reduce(0) { $0 + ($1.offset == rank ? 0 : $1.element.count) }
        let rows = stack.withUnsafeMutableBufferPointer { $0.baseAddress! }  // stack is uniquely owned here
        for r in 0..<n { try codec.decode(all[r], into: UnsafeMutableBufferPointer(start: rows + r * d, count: d)) }
        var stepRNG = base.substream(0x3000 &+ UInt64(step))
        if var a = attack, !byzantine.isEmpty {
            try a.corrupt(&stack, byzantine: byzantine.sorted(), step: step, rng: &stepRNG)
            attack = a
        }
        let direction = try rule.aggregate(stack, rng: &stepRNG)
        guard nonFiniteCount(direction) == 0 else { throw FjordError.data("step \(step): the aggregated gradient has NaN or infinite values (diverged)") }
        direction.withUnsafeBufferPointer { optimizer.step(model.parameterBuffer, $0) }

        let last = step == config.steps - 1
        if rank == 0 && (last || (config.evaluateEvery > 0 && (step + 1) % config.evaluateEvery == 0)) {
            report.history.append(try evaluate(model, train: train, test: test, step: step + 1))
        }
    }
    if config.steps == 0 && rank == 0 { report.history.append(try evaluate(model, train: train, test: test, step: 0)) }
    report.transportTraffic = comm.traffic
    report.parameters = model.parameterValues
    report.seconds = monotonicSeconds() - start
    return report
}

/// Runs ``trainDataParallel(_:train:test:setup:config:)`` on `workers` threads of one process.
/// Returns every worker's report in rank order (rank 0's carries the evaluation history).
public func trainLocal(workers: Int, train: Dataset, test: Dataset?, setup: TrainingSetup,
                       config: TrainingConfig) throws -> [TrainingReport] {
    try LocalCommunicator.run(workers: workers) { comm in
        try trainDataParallel(comm, train: train, test: test, setup: setup, config: config)
    }
}

/// Loss and accuracy of a model on a data set, in batches of 1024 rows. A diverged model evaluates to an
/// infinite loss rather than an error (only rank 0 evaluates; an error there would strand the other workers).
public func evaluate(_ model: Sequential, on data: Dataset) throws(FjordError) -> (loss: Double, accuracy: Double) {
    var lossSum = 0.0
    var correct = 0
    var lo = 0
    while lo < data.count {
        let hi = min(data.count, lo + 1024)
        let (x, y) = data.batch(lo..<hi)
        let z = model.forward(x)
        lossSum += ((try? softmaxCrossEntropy(logits: z, labels: y).loss) ?? .infinity) * Double(hi - lo)
        correct += zip(argmax(z), y).filter { $0 == $1 }.count
        lo = hi
    }
    return (lossSum / Double(max(data.count, 1)), Double(correct) / Double(max(data.count, 1)))
}

func evaluate(_ model: Sequential, train: Dataset, test: Dataset?, step: Int) throws(FjordError) -> TrainingRecord {
    let tr = try evaluate(model, on: train)
    let te = try test.map { (t) throws(FjordError) in try evaluate(model, on: t).accuracy }
    return TrainingRecord(step: step, trainLoss: tr.loss, trainAccuracy: tr.accuracy, testAccuracy: te)
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}
