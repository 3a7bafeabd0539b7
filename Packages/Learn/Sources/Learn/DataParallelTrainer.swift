import Kernel

/// What a classification run is made of. Factories are called once per worker (models, optimizers, codecs and
/// attacks hold per-worker state); every worker builds the same model from the same seed. A factory that
/// throws (a bad option) stops the run with its error.
public struct TrainingSetup: @unchecked Sendable {
    public var makeModel: () throws -> Sequential
    public var makeOptimizer: () throws -> any Optimizer
    public var makeCodec: (_ rank: Int) throws -> any GradientCodec = { _ in Float32Codec() }
    public var makeRule: () throws -> any AggregationRule = { MeanRule() }
    /// The Byzantine workers of a run on `workers` workers and what they do (nil: all honest).
    public var makeByzantine: ((_ workers: Int) throws -> ByzantineWorkers)?
    /// Worker `rank`'s objective on its rows `local` through `model` (nil: unweighted softmax cross-entropy).
    /// Importance weighting passes ``ModelObjective/crossEntropy(_:data:weights:)`` with the rows' weights; any
    /// other ``Objective`` of the model's parameters works too.
    public var makeObjective: ((_ rank: Int, _ model: Sequential, _ local: Dataset) throws -> any Objective)?
    /// Called on rank 0 after every step with its batch loss (a progress bar; nil: nothing).
    public var progress: ((_ step: Int, _ loss: Double) -> Void)?

    public init(model: @escaping () throws -> Sequential, optimizer: @escaping () throws -> any Optimizer) {
        makeModel = model
        makeOptimizer = optimizer
    }
}

public struct TrainingConfig: Sendable {
    public var steps: Int
    /// Rows per worker per step.
    public var batchSize: Int
    /// How ``trainDataParallel(_:train:test:setup:config:)`` splits the training rows among workers.
    public var partition: Partition = .iid
    public var seed: UInt64 = 0
    /// Evaluate every this many steps; 0 = at the end only.
    public var evaluateEvery = 0
    /// Worker momentum β: each worker sends m = β m + (1 − β) g instead of g (nil: off).
    public var workerMomentum: Float?
    /// A resumed run: the first `resumeAt` of the `steps` were taken before (θ and the optimizer's state come from a
    /// checkpoint). Their batches are drawn and skipped, so step t sees the batch it would have seen in one run;
    /// exact for deterministic codecs (float32), while a stochastic codec's rounding draws start afresh.
    public var resumeAt = 0

    public init(steps: Int, batchSize: Int) {
        self.steps = steps
        self.batchSize = batchSize
    }
}

/// One evaluation point of a classification run.
public struct TrainingRecord: Sendable, Equatable {
    public var step: Int
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var testAccuracy: Double?
}

public struct TrainingReport: Sendable {
    public var history: [TrainingRecord] = []
    /// Gradient bytes this worker handed to the communicator (counted by the exchange step).
    public var gradientTraffic = Traffic()
    /// What the communicator itself counted during this run.
    public var transportTraffic = Traffic()
    public var seconds = 0.0
    /// Where this worker's exchanges spent their time (the rest of `seconds`: setup and rank 0's evaluations).
    public var exchangeTimes = ExchangeTimes()
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

/// Data-parallel classification, the convenience built from the three parts of ``trainLoop``: the training rows
/// are partitioned among the workers (`config.partition`, seeded), worker r's objective is softmax cross-entropy
/// of the model on its rows (a Byzantine worker of a data attack trains on its poisoned labels), the exchange
/// step uses the setup's codec, rule and Byzantine workers, and rank 0 evaluates train loss, train accuracy and
/// test accuracy. All workers hold the same parameters throughout, under ``LocalCommunicator`` and
/// ``MPICommunicator`` alike.
public func trainDataParallel(
    _ comm: any Communicator, train: Dataset, test: Dataset?, setup: TrainingSetup,
    config: TrainingConfig
) throws -> TrainingReport {
    precondition(config.batchSize > 0 && config.steps >= 0)
    let start = monotonicSeconds()
    let before = comm.traffic  // what this run's collectives carry, not earlier ones (a settings check, say)
    let n = comm.size, rank = comm.rank
    let model = try setup.makeModel()
    var optimizer = try setup.makeOptimizer()
    let byzantine = try setup.makeByzantine?(n)
    var exchange = try ExchangeStep(
        workers: n, dimension: model.parameterCount, codec: try setup.makeCodec(rank),
        rule: try setup.makeRule(), byzantine: byzantine)
    let shards = config.partition.assign(labels: train.labels, classes: train.classes, workers: n, seed: config.seed)
    // every worker computes the same partition, so all of them refuse an empty shard together
    if let empty = shards.firstIndex(where: \.isEmpty) {
        throw FjordError.data("worker \(empty) of \(n) got no training rows (\(config.partition))")
    }
    var local = train.subset(shards[rank])
    if let b = byzantine, b.contains(rank), !b.attack.replacesRows {
        let classes = train.classes
        local = try Dataset(
            name: local.name, features: local.features,
            labels: local.labels.map { b.attack.poisonedLabel($0, classes: classes) }, classes: classes)
    }
    var objective: any Objective =
        try setup.makeObjective?(rank, model, local) ?? ModelObjective.crossEntropy(model, data: local)
    var report = TrainingReport()
    report.history = try trainLoop(
        comm, parameters: model.parameterBuffer, gradient: model.gradientBuffer,
        objective: &objective, optimizer: &optimizer, exchange: &exchange, config: config, progress: setup.progress
    ) {
        step throws(FjordError) in try evaluate(model, train: train, test: test, step: step)
    }
    report.gradientTraffic = exchange.traffic
    report.exchangeTimes = exchange.times
    report.transportTraffic = Traffic(
        sent: comm.traffic.sent - before.sent, received: comm.traffic.received - before.received)
    report.parameters = model.parameterValues
    report.seconds = monotonicSeconds() - start
    return report
}

/// Runs ``trainDataParallel(_:train:test:setup:config:)`` on `workers` threads of one process.
/// Returns every worker's report in rank order (rank 0's carries the evaluation history).
public func trainLocal(
    workers: Int, train: Dataset, test: Dataset?, setup: TrainingSetup,
    config: TrainingConfig
) throws -> [TrainingReport] {
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
