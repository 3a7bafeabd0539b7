import ArgumentParser
import DistributedCLI
import FjordCLI
import Kernel
import Learn
import LearnCLI
import NeuralOp
import Quant

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a Fourier neural operator on trajectories (relative L2, Adam with step decay).",
        discussion: """
            DATA is a .npy of trajectories [samples, frames, fields, grid…] (what simulate writes). The last \
            --validation fraction of the samples is held out. Pairs are every window of --frames-in frames and the \
            --frames-out after it; fields are standardised per field (the scaling is saved). --workers N trains \
            data-parallel (each worker a share of the windows) through the exchange step, with any --scheme codec. \
            --save writes a safetensors checkpoint with Adam's state; --resume continues one exactly (its settings \
            win over the flags), and --stop-after stops early as an interruption would.
            Examples:
              neural-op simulate --system navier-stokes --grid 64 --samples 100 --frames 20 -o ns.npy
              neural-op train ns.npy --arch fno --frames-in 10 --modes 12 --width 32 --steps 2000 --save ns.safetensors
              neural-op train swe.npy --arch fnotd --frames-in 8 --frames-out 8 --modes 8,8,5 --steps 1000 --save td.st
            """)

    @Argument(help: "Trajectories (.npy; - for stdin).") var data = "-"
    @OptionGroup(title: "Model") var model: ModelOptions
    @Option(help: "Optimizer steps in all (default 1000; with --resume, the saved run's).") var steps: Int?
    @Option(help: "Windows per worker per step.") var batch = 20
    @Option(help: "Adam learning rate.") var lr: Float = 1e-3
    @Option(help: "Adam weight decay (L2, as the original scripts).") var weightDecay: Float = 1e-4
    @Option(help: "Multiply the rate by --gamma every N steps (default: a quarter of --steps).") var decayEvery: Int?
    @Option(help: "Rate decay factor.") var gamma: Float = 0.5
    @Option(help: "Fraction of the samples held out for validation.") var validation = 0.1
    @Option(help: "Evaluate on the validation windows every N steps (0: at the end).") var evalEvery = 0
    @Option(help: "Seed for the initialisation and the batches.") var seed: UInt64 = 0
    @Option(help: "Data-parallel workers.") var workers = 1
    @Option(help: "Where the workers run.") var backend = Backend.local
    @OptionGroup(title: "Codec") var codec: CodecOptions
    @OptionGroup var threads: ThreadOptions
    @OptionGroup var planning: FFTOptions
    @Option(help: ArgumentHelp("Save the checkpoint (safetensors).", valueName: "FILE")) var save: String?
    @Option(help: ArgumentHelp("Continue the run saved in FILE.", valueName: "FILE")) var resume: String?
    @Option(help: "Stop after this many steps in all (an interruption; --resume continues).") var stopAfter: Int?
    @Option(help: ArgumentHelp("Write the summary as JSON.", valueName: "FILE")) var json: String?
    @Flag(help: "No progress bar or summary.") var quiet = false

    func validate() throws {
        if let steps, steps < 0 || steps > 10_000_000 { throw ValidationError("--steps must be in 0…10^7") }
        if batch < 1 || batch > 100_000 { throw ValidationError("--batch must be in 1…100000") }
        if !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be a positive number") }
        if !(validation >= 0 && validation < 1) { throw ValidationError("--validation must be in [0, 1)") }
        if workers < 1 || workers > 256 { throw ValidationError("--workers must be in 1…256") }
        if let d = decayEvery, d < 0 { throw ValidationError("--decay-every must be ≥ 0") }
        if let s = stopAfter, s < 0 { throw ValidationError("--stop-after must be ≥ 0") }
    }

    func run() throws { try runTool("neural-op train") { try planning.run { try execute() } } }

    func execute() throws {
        Memory.keepFreedMemory()
        let trajectories = try Trajectories(readOneTensor(data), name: data)
        var config: FNOConfig, settings: OperatorTrainingSettings, scaling: FieldScaling, start = 0
        var saved: (params: [Float], state: OptimizerState?)?
        if let resume {
            let (c, m, state) = try OperatorCheckpoint.load(resume)
            (config, settings, scaling, start) = (c.config, c.settings, c.scaling, c.step)
            if let steps { settings.steps = steps }
            saved = (m.parameterValues, state)
        } else {
            config = try model.config(fields: trajectories.fields, grid: trajectories.grid)
            settings = OperatorTrainingSettings(steps: steps ?? 1000, batch: batch)
            settings.rate = lr
            settings.weightDecay = weightDecay
            settings.decayEvery = decayEvery ?? max(1, settings.steps / 4)
            settings.gamma = gamma
            settings.seed = seed
            settings.evaluateEvery = evalEvery
            scaling = FieldScaling.fit(trajectories)
        }
        let held = Int((Double(trajectories.samples) * validation).rounded())
        guard trajectories.samples - held >= 1 else { throw FjordError.data("\(data): no samples left to train on") }
        var standardized = trajectories.values
        scaling.apply(&standardized, fieldAxis: 2)
        let z = try Trajectories(standardized, name: data)
        let all = try OperatorData(z, config: config)
        let trainSamples = trajectories.samples - held
        let validationRows = all.starts.indices.filter { all.starts[$0].sample >= trainSamples }
        let trainData = try OperatorData(z, config: config, samples: 0..<trainSamples)
        let until = min(stopAfter ?? settings.steps, settings.steps)
        var runSettings = settings
        runSettings.steps = until
        let probe = config.makeModel()
        let make = try (codec.scheme ?? .none).factory(
            codec.settings, dimension: probe.parameterCount,
            blocks: probe.views.map { (offset: $0.offset, count: $0.count) },
            types: probe.views.map { layerType($0, probe).rawValue })
        let n = backend == .mpi ? 1 : workers
        let perWorkerThreads = max(1, threads.count / n)
        let bar = ProgressBar("train", total: max(until - start, 0), quiet: quiet)
        let job = TrainInputs(
            train: trainData, all: all, validationRows: validationRows, saved: saved, bar: bar, make: make)
        let (fixedConfig, fixedSettings, resumeAt, loopSettings) = (config, settings, start, runSettings)
        let began = monotonicSeconds()
        let body: @Sendable (any Communicator) throws -> TrainOutcome = { comm in
            let (config, settings) = (fixedConfig, fixedSettings)
            let m = config.makeModel(seed: settings.seed, threads: perWorkerThreads)
            var adam = settings.makeOptimizer()
            if let saved = job.saved {
                _ = m.parameterBuffer.update(fromContentsOf: saved.params)
                if let s = saved.state { try adam.restore(s, dimension: m.parameterCount) }
            }
            let history = try OperatorTraining.train(
                comm, model: m, optimizer: &adam, data: job.train, validation: [], settings: loopSettings,
                codec: try job.make?(comm.rank), resumeAt: resumeAt,
                progress: { _, loss in job.bar.advance(note: "loss \(NumberFormat.rounded(loss, 4))") })
            let v =
                comm.rank == 0 && !job.validationRows.isEmpty
                ? try OperatorTraining.evaluate(m, data: job.all, rows: job.validationRows) : nil
            return TrainOutcome(
                parameters: m.parameterValues, state: adam.state, history: history, validation: v,
                parameterCount: m.parameterCount)
        }
        let (outcome, rank) = try backend.run(
            spmd: body,
            local: { try LocalCommunicator.run(workers: n) { try body($0) }[0] })
        bar.finish()
        if rank != 0 { return }
        let seconds = monotonicSeconds() - began
        let taken = max(until - start, 0)
        if let save {
            let m = config.makeModel()
            _ = m.parameterBuffer.update(fromContentsOf: outcome.parameters)
            let c = OperatorCheckpoint(config: config, scaling: scaling, settings: settings, step: max(until, start))
            var adam = settings.makeOptimizer()
            try adam.restore(outcome.state, dimension: m.parameterCount)
            try c.save(m, optimizer: adam, to: save)
        }
        let last = outcome.history.last
        var report: [String: JSON] = [
            "architecture": .string(config.architecture.rawValue),
            "parameters": .number(Double(outcome.parameterCount)),
            "steps": .number(Double(max(until, start))), "steps_run": .number(Double(taken)),
            "seconds": .number(seconds), "ms_per_step": .number(taken > 0 ? 1000 * seconds / Double(taken) : 0),
            "train_windows": .number(Double(trainData.count)),
            "validation_windows": .number(Double(validationRows.count)),
            "workers": .number(Double(n)),
        ]
        if let l = last?.trainLoss, l.isFinite { report["train_loss"] = .number(l) }
        if let v = outcome.validation { report["validation_relative_l2"] = .number(v) }
        let text = JSON.object(report).serialized
        if let json { try AtomicFile.write(text + "\n", to: json) } else if !quiet { printError(text) }
    }
}

/// What rank 0 hands back from a training run.
struct TrainOutcome: Sendable {
    var parameters: [Float]
    var state: OptimizerState
    var history: [OperatorRecord]
    var validation: Double?
    var parameterCount: Int
}

/// What every worker of a run reads (data and the codec factory); the workers only read it.
struct TrainInputs: @unchecked Sendable {
    let train: OperatorData
    let all: OperatorData
    let validationRows: [Int]
    let saved: (params: [Float], state: OptimizerState?)?
    let bar: ProgressBar
    let make: ((Int) throws -> any GradientCodec)?
}
