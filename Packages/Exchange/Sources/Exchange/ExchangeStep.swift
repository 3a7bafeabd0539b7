import Kernel

/// One synchronous exchange of a vector among all workers: encode → allgather → decode → attack → aggregate.
///
///     message_r = encode_r(v_r)                     (each worker r, its own codec and rounding stream)
///     all       = allgather(message_0 … message_{n−1})
///     stack     = [decode(all_0); …; decode(all_{n−1})]            (n, d), identical on every worker
///     stack_B   = attack.rows(stack_H)                (Byzantine ranks B, honest H; omitted without an attack)
///     result    = rule.aggregate(stack)                              (d), identical on every worker
///
/// It works on any vector of `dimension` coordinates: a gradient, a worker momentum, an operator value of an
/// extra-gradient method (which exchanges twice per iteration, each call with its own `step` label and streams).
/// Every call costs each worker one collective, in the same order on every worker (SPMD).
///
/// Failure: the vector is produced by `local`, which may throw on one worker only (its loss overflowed, say).
/// That worker then sends the empty message, which no codec produces, so every worker learns of the failure
/// at the same collective and all throw together instead of the others waiting forever at the next one.
///
/// Bytes: `traffic` counts the messages this worker contributed (`sent`) and the others' messages it received
/// (`received`), step by step, as the sum of encoded message lengths; the communicator counts its transport.
public struct ExchangeStep {
    public var codec: any GradientCodec
    public var rule: any AggregationRule
    public var byzantine: ByzantineWorkers?
    public let workers: Int
    public let dimension: Int
    /// Message bytes this worker has passed through ``exchange(_:step:codecRNG:sharedRNG:local:)``.
    public private(set) var traffic = Traffic()
    /// Exchanges done so far.
    public private(set) var count = 0
    /// Seconds spent in each part of the exchanges so far.
    public private(set) var times = ExchangeTimes()
    var stack: Tensor

    /// Throws `.usage` when a Byzantine rank is outside 0..<workers or no worker would be honest.
    public init(
        workers: Int, dimension: Int, codec: any GradientCodec = Float32Codec(),
        rule: any AggregationRule = MeanRule(), byzantine: ByzantineWorkers? = nil
    ) throws(FjordError) {
        guard workers >= 1, dimension >= 0 else {
            throw .usage("exchange: \(workers) workers of dimension \(dimension)")
        }
        if let b = byzantine, b.ranks.count >= workers {
            throw .usage("-f \(b.ranks.count) must be below the number of workers \(workers)")
        }
        for b in byzantine?.ranks ?? [] where b < 0 || b >= workers {
            throw .usage("Byzantine rank \(b) is outside 0..<\(workers)")
        }
        self.codec = codec
        self.rule = rule
        self.byzantine = byzantine
        self.workers = workers
        self.dimension = dimension
        stack = Tensor(zeros: [workers, dimension])
    }

    /// Exchanges the vector `local` returns and gives the aggregate, identical on every worker.
    ///
    /// `codecRNG` is this worker's rounding stream; `sharedRNG` is the same stream on every worker for this call
    /// (the attack draws from it first, then the rule). `step` labels error messages.
    public mutating func exchange(
        _ comm: any Communicator, step: Int, codecRNG: inout RNG, sharedRNG: inout RNG,
        local: () throws -> UnsafeBufferPointer<Float>
    ) throws -> Tensor {
        precondition(comm.size == workers, "exchange step built for \(workers) workers, communicator has \(comm.size)")
        var message: [UInt8] = []
        var localError: (any Error)?
        var clock = monotonicSeconds()
        func lap() -> Double {
            let now = monotonicSeconds()
            defer { clock = now }
            return now - clock
        }
        do {
            let v = try local()
            times.local += lap()
            guard v.count == dimension else {
                throw FjordError.data(
                    "step \(step): a vector of \(v.count) coordinates for an exchange of \(dimension)")
            }
            message = try codec.encode(v, rng: &codecRNG)
            times.encode += lap()
            precondition(!message.isEmpty, "a gradient codec produced an empty message")
        } catch {
            localError = error
        }
        _ = lap()
        let all = comm.allgather(message)
        times.communicate += lap()
        if let localError { throw localError }
        if let failed = all.firstIndex(where: \.isEmpty) {
            throw FjordError.data(
                "step \(step): worker \(failed) failed (its loss or gradient was not finite); all workers stop")
        }
        let rank = comm.rank
        traffic.sent += message.count
        traffic.received += all.enumerated().reduce(0) { $0 + ($1.offset == rank ? 0 : $1.element.count) }
        let d = dimension
        let rows = stack.withUnsafeMutableBufferPointer { $0.baseAddress! }  // stack is uniquely owned here
        for r in 0..<workers {
            try codec.decode(all[r], into: UnsafeMutableBufferPointer(start: rows + r * d, count: d))
        }
        times.decode += lap()
        if var b = byzantine, b.attack.replacesRows, !b.ranks.isEmpty {
            let honest = (0..<workers).filter { !b.contains($0) }
            let bad = try b.attack.rows(honest: selectRows(stack, honest), f: b.ranks.count, rng: &sharedRNG)
            guard bad.shape == [b.ranks.count, d] else {
                throw FjordError.data(
                    "\(b.attack.name): \(bad.shape) Byzantine rows for \(b.ranks.count) ranks of \(d)")
            }
            stack.withUnsafeMutableBufferPointer { s in
                bad.withUnsafeBufferPointer { x in
                    for (k, r) in b.ranks.enumerated() {
                        (s.baseAddress! + r * d).update(from: x.baseAddress! + k * d, count: d)
                    }
                }
            }
            byzantine = b
        }
        let direction = try rule.aggregate(stack, rng: &sharedRNG)
        times.aggregate += lap()
        guard nonFiniteCount(direction) == 0 else {
            throw FjordError.data("step \(step): the aggregated gradient has NaN or infinite values (diverged)")
        }
        count += 1
        return direction
    }
}
