import Kernel

/// Synchronous distributed training from its three parts, one call per worker (SPMD):
///
///     for t in 0..<steps:
///         B   = next batch of this worker's rows        (a per-pass shuffle of 0..<objective.rowCount)
///         g   = ∇ℓ_B(θ)                                  (part 1: the objective fills `gradient`)
///         m   = β m + (1 − β) g,  send m  instead of g   (worker momentum β, optional; m₀ = 0)
///         u   = exchange(g or m)                         (part 2: encode, allgather, decode, attack, aggregate)
///         θ   = optimizer.step(θ, u)                     (part 3)
///
/// Worker momentum is the setting of Karimireddy, He and Jaggi (ICML 2021, "Learning from history for Byzantine
/// robust optimization"): each worker sends its own exponential average of gradients, which shrinks the honest
/// spread by about √((1−β)/(1+β)) and is what centered clipping's guarantee assumes; the optimizer then
/// usually runs without momentum of its own.
///
/// Randomness: with `base = RNG(seed: config.seed)`, worker r draws its batches from `base.substream(r + 0x1000)`
/// and its codec's rounding from `base.substream(r + 0x2000)`; step t's attack and rule share
/// `base.substream(0x3000 + t)` on every worker. Same seed, same bytes, under any ``Communicator``.
///
/// With `config.resumeAt` = s > 0 the loop continues a run stopped after step s (see ``TrainingConfig/resumeAt``).
///
/// `evaluate(t)` runs on rank 0 only (every worker holds the same θ), after step t when t is a multiple of
/// `config.evaluateEvery` and after the last step (at step 0 when there are no steps); its records are returned
/// in order. `progress(t, loss)` runs on rank 0 after every step with that worker's batch loss (a progress bar).
/// `parameters` and `gradient` are the caller's buffers of the exchange's dimension.
public func trainLoop<Record>(
    _ comm: any Communicator, parameters: UnsafeMutableBufferPointer<Float>,
    gradient: UnsafeMutableBufferPointer<Float>,
    objective: inout some Objective, optimizer: inout any Optimizer, exchange: inout ExchangeStep,
    config: TrainingConfig, progress: ((_ step: Int, _ loss: Double) -> Void)? = nil,
    evaluate: (_ step: Int) throws -> Record
) throws -> [Record] {
    precondition(config.batchSize > 0 && config.steps >= 0 && config.resumeAt >= 0)
    precondition(parameters.count == exchange.dimension && gradient.count == exchange.dimension, "buffer sizes")
    let rank = comm.rank
    let rows = objective.rowCount
    // A worker without rows fails at the first exchange, so that every worker stops there with it.
    let noRows = rows > 0 ? nil : FjordError.data("worker \(rank) of \(comm.size) has no rows to train on")
    if let b = config.workerMomentum, !(b >= 0 && b < 1) {
        throw FjordError.usage("worker momentum \(b) is not in [0, 1)")
    }
    let base = RNG(seed: config.seed)
    var batchRNG = base.substream(UInt64(rank) &+ 0x1000)
    var codecRNG = base.substream(UInt64(rank) &+ 0x2000)
    var order = Array(0..<rows)
    batchRNG.shuffle(&order)
    var cursor = 0
    let momentum = UnsafeMutableBufferPointer<Float>.allocate(
        capacity: config.workerMomentum == nil ? 0 : exchange.dimension)
    momentum.initialize(repeating: 0)
    defer { momentum.deallocate() }
    var history: [Record] = []
    for step in 0..<config.steps {
        // this worker's batch: consecutive rows of a per-pass shuffle of its rows
        var batch: [Int] = []
        batch.reserveCapacity(config.batchSize)
        while noRows == nil && batch.count < config.batchSize {
            if cursor == order.count {
                batchRNG.shuffle(&order)
                cursor = 0
            }
            let take = min(config.batchSize - batch.count, order.count - cursor)
            batch += order[cursor..<(cursor + take)]
            cursor += take
        }
        if step < config.resumeAt { continue }
        var shared = base.substream(0x3000 &+ UInt64(step))
        var loss = 0.0
        let direction = try exchange.exchange(comm, step: step, codecRNG: &codecRNG, sharedRNG: &shared) {
            if let noRows { throw noRows }
            loss = try objective.loss(batch: batch, parameters: UnsafeBufferPointer(parameters), gradient: gradient)
            guard let beta = config.workerMomentum else { return UnsafeBufferPointer(gradient) }
            let keep = 1 - beta
            for j in 0..<momentum.count { momentum[j] = beta * momentum[j] + keep * gradient[j] }
            return UnsafeBufferPointer(momentum)
        }
        direction.withUnsafeBufferPointer { optimizer.step(parameters, $0) }
        if rank == 0 { progress?(step + 1, loss) }
        let last = step == config.steps - 1
        if rank == 0 && (last || (config.evaluateEvery > 0 && (step + 1) % config.evaluateEvery == 0)) {
            history.append(try evaluate(step + 1))
        }
    }
    if config.steps <= config.resumeAt && rank == 0 { history.append(try evaluate(config.steps)) }
    return history
}

/// ``trainLoop`` on one worker of its own (a thread of ``LocalCommunicator``): a model fitted inside some larger
/// computation (a classifier whose posteriors an estimator reads, a density-ratio model), with the same batches,
/// seeds and optimizer semantics as every distributed run. `model`'s buffers are trained in place.
public func trainAlone(
    _ model: Sequential, objective: some Objective, optimizer: any Optimizer, config: TrainingConfig
) throws {
    let job = Handed((model, objective, optimizer))
    _ = try LocalCommunicator.run(workers: 1) { comm -> Int in
        var (model, objective, optimizer) = job.value
        var exchange = try ExchangeStep(workers: 1, dimension: model.parameterCount)
        _ = try trainLoop(
            comm, parameters: model.parameterBuffer, gradient: model.gradientBuffer, objective: &objective,
            optimizer: &optimizer, exchange: &exchange, config: config, evaluate: { $0 })
        return 0
    }
}
