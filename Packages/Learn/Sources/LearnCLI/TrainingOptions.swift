import ArgumentParser
import FjordCLI
import Kernel
import Learn

/// The options and the run of a data-parallel training, shared by `learn train` and the tools that train
/// through Learn with their own codecs, rules or attacks (`quant train`, `robust-agg train`).
public struct TrainingOptions: ParsableArguments {
    public init() {}

    @OptionGroup public var dataOptions: DataOptions
    @OptionGroup public var modelOptions: ModelOptions
    @Option(help: "Optimizer.") var optimizer = OptimizerKind.adam
    @Option(help: "Learning rate (default 0.01 for adam and adamw, 0.1 for sgd).") var lr: Float?
    @Option(help: "Momentum μ for sgd.") var momentum: Float = 0
    @Option(help: "SGDEM: keep momentum only for the first E steps.") var earlyMomentum: Int?
    @Option(help: "Weight decay λ.") var weightDecay: Float = 0
    @Option(help: "Learning-rate schedule.") var schedule = ScheduleKind.constant
    @Option(
        help: ArgumentHelp(
            "Worker momentum β: each worker sends m ← βm + (1−β)g instead of its gradient (Karimireddy et al. 2021).",
            valueName: "beta")) var workerMomentum: Float?
    @Option(help: "Rows per worker per step.") var batch = 32
    @Option(help: "Optimizer steps (overrides --epochs).") var steps: Int?
    @Option(help: "Passes over the training data (all workers together).") var epochs = 20.0
    @Option(help: "Workers.") var workers = 1
    @Option(help: ArgumentHelp("Data partition across workers: \(Partition.syntax).", valueName: "partition"))
    var partition = Partition.iid
    @Option(help: "Where the workers run.") var backend = Backend.local
    @Option(
        help: ArgumentHelp(
            "With --backend mpi: seconds a collective waits for a silent rank before every rank stops (exit 69).",
            valueName: "seconds")) var mpiTimeout = 300.0
    @Option(help: "Evaluate every N steps (0: at the end).") var evalEvery = 0
    @Option(help: "Seed for the split, initialisation, batches and partitions.") var seed: UInt64 = 0
    @Option(help: ArgumentHelp("Save the final model as safetensors.", valueName: "FILE")) var save: String?
    @Option(
        help: ArgumentHelp(
            "Write the run's summary as JSON; with {rank} in the name every MPI rank writes its own.",
            valueName: "FILE")) var report: String?
    @Option(
        help: ArgumentHelp(
            "Write the evaluation history as a .npy of rows step, train loss, train accuracy, test accuracy.",
            valueName: "FILE")) var history: String?
    @Flag(help: "No summary on stderr.") var quiet = false

    public func validate() throws {
        if workers < 1 || workers > 256 { throw ValidationError("--workers must be between 1 and 256") }
        if batch < 1 { throw ValidationError("--batch must be ≥ 1") }
        if let s = steps, s < 0 { throw ValidationError("--steps must be ≥ 0") }
        if !(epochs > 0 && epochs.isFinite) { throw ValidationError("--epochs must be a finite number > 0") }
        if let l = lr, !(l > 0 && l.isFinite) { throw ValidationError("--lr must be a positive number") }
        if !(momentum >= 0 && momentum < 1) { throw ValidationError("--momentum must be in [0, 1)") }
        if let b = workerMomentum, !(b >= 0 && b < 1) { throw ValidationError("--worker-momentum must be in [0, 1)") }
        if !(mpiTimeout > 0 && mpiTimeout.isFinite) {
            throw ValidationError("--mpi-timeout must be a finite number > 0")
        }
    }

    /// Runs the training. `customize` may install codecs, rules or Byzantine workers on the setup; it gets a model
    /// of the run (for its parameter count and views) and the number of workers. `extra` goes into the JSON report.
    public func run(
        tool: String, customize: (inout TrainingSetup, Sequential, _ workers: Int) throws -> Void = { _, _, _ in },
        extra: [String: JSON] = [:]
    ) throws {
        try runTool(tool) {
            let (train, test) = try dataOptions.load(seed: seed)
            let comm = try makeCommunicator()
            if let comm { try checkSameSettings(comm) }
            let n = comm?.size ?? workers
            let totalSteps = steps ?? Int((epochs * Double(train.count) / Double(n * batch)).rounded(.up))
            let sched = schedule.make(lr ?? optimizer.defaultRate, total: totalSteps)
            let sizes = modelOptions.sizes(input: train.dimension, classes: train.classes)
            // per worker: parameters, gradients, two optimizer moments and the (n, d) exchange stack
            let parameters = modelOptions.parameterCount(input: train.dimension, classes: train.classes)
            let kind = modelOptions.conv.isEmpty ? "an MLP" : "a CNN (conv \(modelOptions.conv)) with dense"
            try Memory.require(
                parameters.flatMap { Tensor.elementCount([$0, 4 + n, n]) },
                for: "\(kind) \(sizes.map(String.init).joined(separator: "-")) on \(n) worker\(n == 1 ? "" : "s")")
            let (opt, mu, early, wd, s, shape) = (optimizer, momentum, earlyMomentum, weightDecay, seed, modelOptions)
            let (input, classes) = (train.dimension, train.classes)
            var setup = TrainingSetup(
                model: { shape.model(input: input, classes: classes, seed: s) },
                optimizer: { opt.make(sched, momentum: mu, earlyMomentum: early, weightDecay: wd) })
            try customize(&setup, try setup.makeModel(), n)
            let bar = ProgressBar(tool, total: totalSteps, quiet: quiet || (comm?.rank ?? 0) != 0)
            setup.progress = { _, loss in bar.advance(note: "loss \(NumberFormat.rounded(loss, 4))") }
            var config = TrainingConfig(steps: totalSteps, batchSize: batch)
            config.partition = partition
            config.seed = seed
            config.evaluateEvery = evalEvery
            config.workerMomentum = workerMomentum
            let reports: [TrainingReport]
            if let comm {
                reports = [try trainDataParallel(comm, train: train, test: test, setup: setup, config: config)]
            } else {
                reports = try trainLocal(workers: n, train: train, test: test, setup: setup, config: config)
            }
            bar.finish()
            try finish(
                tool: tool, reports: reports, rank: comm?.rank ?? 0, sizes: sizes, train: train, test: test,
                steps: totalSteps,
                workers: n, extra: extra)
            finalizeCommunicator(comm)
        }
    }

    func finish(
        tool: String, reports: [TrainingReport], rank: Int, sizes: [Int], train: Dataset, test: Dataset, steps: Int,
        workers: Int, extra: [String: JSON]
    ) throws {
        let r = reports[0]
        let sent = reports.map(\.gradientTraffic.sent)
        var json: [String: JSON] = [
            "rank": .number(Double(rank)), "workers": .number(Double(workers)), "steps": .number(Double(steps)),
            "parameters": .number(Double(r.parameterCount)), "seconds": .number(r.seconds),
            "model": .array(sizes.map { .number(Double($0)) }), "data": .string(train.name),
            "conv": .array(((try? modelOptions.channels()) ?? []).map { .number(Double($0)) }),
            "train_rows": .number(Double(train.count)), "test_rows": .number(Double(test.count)),
            "gradient_bytes_sent": .array(sent.map { .number(Double($0)) }),
            "transport_bytes_sent": .array(reports.map { .number(Double($0.transportTraffic.sent)) }),
            "bits_per_coordinate": .number(r.bitsPerCoordinate),
            "seconds_split": .array(
                reports.map { t in
                    .object(Dictionary(uniqueKeysWithValues: t.exchangeTimes.named.map { ($0, .number($1)) }))
                }),
            "history": .array(
                r.history.map { h in
                    .object([
                        "step": .number(Double(h.step)), "train_loss": .number(h.trainLoss),
                        "train_accuracy": .number(h.trainAccuracy),
                        "test_accuracy": h.testAccuracy.map { .number($0) } ?? .null,
                    ])
                }),
        ]
        for (k, v) in extra { json[k] = v }
        json["bytes_per_step"] = .number(steps > 0 ? Double(sent[0]) / Double(steps) : 0)
        if let f = r.final {
            json["test_accuracy"] = f.testAccuracy.map { .number($0) } ?? .null
            json["train_loss"] = .number(f.trainLoss)
        }
        if let path = report, rank == 0 || path.contains("{rank}") {
            try AtomicFile.write(
                JSON.object(json).serialized + "\n", to: path.replacingOccurrences(of: "{rank}", with: String(rank)))
        }
        if rank == 0 {
            if let path = history {
                let h = r.history
                let rows: [[Double]] = [
                    h.map { Double($0.step) }, h.map(\.trainLoss), h.map(\.trainAccuracy),
                    h.map { $0.testAccuracy ?? .nan },
                ]
                let a = NpyArray(doubles: rows.flatMap { $0 }, shape: [4, h.count], dtype: .f4)
                try AtomicFile.write(to: path) { sink throws(FjordError) in try NpyWriter(sink).write(a) }
            }
            if let path = save {
                let model = modelOptions.model(input: train.dimension, classes: train.classes)
                _ = model.parameterBuffer.update(from: r.parameters)
                try Checkpoint.save(
                    model, to: path,
                    metadata: [
                        "model": sizes.map(String.init).joined(separator: "-"), "conv": modelOptions.conv,
                        "activation": modelOptions.activation.rawValue, "fjord": fjordVersion,
                    ])
            }
            if !quiet, let f = r.final {
                var line =
                    "\(tool): \(train.name) \(modelOptions.conv.isEmpty ? "" : "conv \(modelOptions.conv) + ")\(sizes.map(String.init).joined(separator: "-")) \(optimizer.rawValue), \(workers) worker\(workers == 1 ? "" : "s"), \(steps) steps in \(NumberFormat.rounded(r.seconds, 2)) s: "
                line +=
                    "train loss \(NumberFormat.rounded(f.trainLoss, 4)), train acc \(NumberFormat.rounded(f.trainAccuracy, 4))"
                if let t = f.testAccuracy { line += ", test acc \(NumberFormat.rounded(t, 4))" }
                line +=
                    ", \(sent[0]) gradient bytes sent by worker 0 (\(NumberFormat.rounded(r.bitsPerCoordinate, 2)) bits/coordinate)"
                printError(line)
            }
        }
    }
}
