import Kernel
import Learn

/// The optimisation settings of an operator's training (defaults: the original FNO scripts' Adam, lr 1e-3,
/// weight decay 1e-4, step decay ×0.5, but counted in optimizer steps rather than epochs).
public struct OperatorTrainingSettings: Sendable, Equatable {
    public var steps: Int
    public var batch: Int
    public var rate: Float = 1e-3
    public var weightDecay: Float = 1e-4
    /// Multiply the rate by `gamma` every this many steps (0: constant rate).
    public var decayEvery = 0
    public var gamma: Float = 0.5
    public var seed: UInt64 = 0
    /// Evaluate on the validation windows every this many steps (0: at the end only).
    public var evaluateEvery = 0

    public init(steps: Int, batch: Int) {
        self.steps = steps
        self.batch = batch
    }

    public var schedule: Schedule {
        decayEvery > 0 ? .step(rate, gamma: gamma, every: decayEvery) : .constant(rate)
    }

    public func makeOptimizer() -> Adam { Adam(schedule, weightDecay: weightDecay) }
}

/// One evaluation point: the step, the last batch's training loss and the validation relative L2.
public struct OperatorRecord: Sendable, Equatable {
    public var step: Int
    public var trainLoss: Double
    public var validation: Double?
}

/// Operator training through Learn's three parts: the objective is the relative L2 error of the predicted window
/// (``relativeL2``) through the model's hand-written backward pass, the exchange step is any codec (so quantized,
/// data-parallel training of an FNO is the same call as for an MLP), the optimizer Adam with step decay.
public enum OperatorTraining {
    /// The objective on the listed rows of `data`.
    public static func objective(_ model: Sequential, data: OperatorData, rows: [Int]) -> ModelObjective {
        ModelObjective(
            model: model, rows: rows.count, input: { b in data.input(b.map { rows[$0] }) },
            loss: { (out, b) throws(FjordError) in try relativeL2(out, data.target(b.map { rows[$0] })) })
    }

    /// Mean one-window relative L2 error of the model on the listed rows, in batches of `batch`.
    public static func evaluate(_ model: Sequential, data: OperatorData, rows: [Int], batch: Int = 16) throws -> Double
    {
        var total = 0.0
        for start in stride(from: 0, to: rows.count, by: batch) {
            let b = Array(rows[start..<min(rows.count, start + batch)])
            let l = try relativeL2(model.forward(data.input(b)), data.target(b))
            total += l.loss * Double(b.count)
        }
        return total / Double(max(rows.count, 1))
    }

    /// SPMD: worker `comm.rank` of `comm.size` trains on every size-th training row (rows rank, rank + size, …),
    /// all workers keeping the same θ; rank 0 evaluates on `validation`. `model` and `optimizer` may come from a
    /// checkpoint taken after `resumeAt` steps: the run then continues exactly as if it had not stopped (same
    /// batches, same Adam moments, same schedule).
    public static func train(
        _ comm: any Communicator, model: Sequential, optimizer: inout Adam, data: OperatorData, validation: [Int],
        settings: OperatorTrainingSettings, codec: (any GradientCodec)? = nil, resumeAt: Int = 0,
        progress: ((Int, Double) -> Void)? = nil
    ) throws -> [OperatorRecord] {
        let mine = Array(stride(from: comm.rank, to: data.count, by: comm.size))
        var objective = objective(model, data: data, rows: mine)
        var exchange = try ExchangeStep(
            workers: comm.size, dimension: model.parameterCount, codec: codec ?? Float32Codec())
        var config = TrainingConfig(steps: settings.steps, batchSize: settings.batch)
        config.seed = settings.seed
        config.evaluateEvery = settings.evaluateEvery
        config.resumeAt = resumeAt
        var last = Double.nan
        var opt: any Optimizer = optimizer
        let history = try trainLoop(
            comm, parameters: model.parameterBuffer, gradient: model.gradientBuffer, objective: &objective,
            optimizer: &opt, exchange: &exchange, config: config,
            progress: { step, loss in
                last = loss
                progress?(step, loss)
            },
            evaluate: { step in
                OperatorRecord(
                    step: step, trainLoss: last,
                    validation: validation.isEmpty ? nil : try evaluate(model, data: data, rows: validation))
            })
        optimizer = opt as! Adam
        return history
    }

    /// ``train(_:model:optimizer:data:validation:settings:codec:resumeAt:progress:)`` on one worker of its own (a
    /// thread of ``LocalCommunicator``): the model is trained in place; returns the records.
    public static func fit(
        _ model: Sequential, data: OperatorData, validation: [Int] = [], settings: OperatorTrainingSettings
    ) throws -> [OperatorRecord] {
        let job = FitJob(model: model, data: data, validation: validation, settings: settings)
        return try LocalCommunicator.run(workers: 1) { comm -> [OperatorRecord] in
            var adam = job.settings.makeOptimizer()
            return try train(
                comm, model: job.model, optimizer: &adam, data: job.data, validation: job.validation,
                settings: job.settings)
        }[0]
    }
}

/// One worker's training job, handed to its thread (which alone uses it).
struct FitJob: @unchecked Sendable {
    let model: Sequential
    let data: OperatorData
    let validation: [Int]
    let settings: OperatorTrainingSettings
}
