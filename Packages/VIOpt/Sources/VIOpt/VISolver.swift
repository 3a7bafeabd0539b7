import Exchange
import Kernel

/// Runs a ``VIMethod`` on a ``MonotoneOperator`` with K workers, each with its own noisy oracle, exchanging every
/// oracle vector through ``ExchangeStep`` (any codec, bytes counted, local threads or MPI), and records metrics.
/// Every worker holds the same iterate: they all apply the same exchanged mean.
public enum VISolver {
    public struct Options: Sendable {
        public var method: VIMethod
        public var lr: Float
        public var adaptive = false
        public var iterations: Int
        /// Record metrics every `every` iterations (and after the last).
        public var every = 1
        public var noise = NoiseModel()
        public var seed: UInt64 = 0
        /// x₁ (default 0).
        public var start: [Float]?
        public init(method: VIMethod, lr: Float, iterations: Int) {
            self.method = method
            self.lr = lr
            self.iterations = iterations
        }

        /// Refuses settings no run can use.
        public func validate(dimension d: Int) throws(FjordError) {
            guard lr > 0, lr.isFinite else { throw .usage("the step size must be finite and > 0, not \(lr)") }
            guard iterations >= 1 else { throw .usage("iterations must be ≥ 1") }
            guard every >= 1 else { throw .usage("--every must be ≥ 1") }
            guard noise.absolute >= 0, noise.relative >= 0, noise.absolute.isFinite, noise.relative.isFinite else {
                throw .usage("noise levels must be finite and ≥ 0")
            }
            if let s = start, s.count != d {
                throw .usage("the start has \(s.count) coordinates, the problem \(d)")
            }
        }
    }

    /// One row of metrics. Distances are of the half iterate x½ (the point the oracle is asked at; for gda and og,
    /// x itself) and of the running mean of half iterates; nil without a known solution.
    public struct Row: Sendable, Equatable {
        public var iteration: Int
        public var distance: Double?
        public var averageDistance: Double?
        /// ‖A(x½)‖ of the exact operator.
        public var operatorNorm: Double
        /// Message bytes this worker has sent so far (0 on one worker without a codec: nothing is exchanged).
        public var bytesSent: Int
    }

    public struct Result: Sendable {
        public var rows: [Row]
        /// The final iterate x and the running mean of half iterates.
        public var last: [Float]
        public var average: [Float]
    }

    /// Runs on this worker (SPMD: call on every worker of `comm` with the same arguments); `codec` is this worker's
    /// codec (nil: float32 when there are several workers, no exchange on one).
    public static func run(
        _ problem: any MonotoneOperator, _ o: Options, comm: (any Communicator)?, codec: (any GradientCodec)?
    ) throws -> Result {
        let d = problem.dimension
        try o.validate(dimension: d)
        let workers = comm?.size ?? 1
        var step: ExchangeStep? =
            (workers > 1 || codec != nil)
            ? try ExchangeStep(workers: workers, dimension: d, codec: codec ?? Float32Codec()) : nil
        let rank = comm?.rank ?? 0
        var noiseRNG = RNG(seed: o.seed).substream(UInt64(rank))
        var codecRNG = RNG(seed: o.seed ^ 0xC0DEC).substream(UInt64(rank))
        var sharedRNG = RNG(seed: o.seed ^ 0x5EED)
        var label = 0, iteration = 0
        var local = [Float](repeating: 0, count: d)

        /// The exchanged oracle at p into `out`.
        func oracle(_ p: [Float], into out: inout [Float]) throws {
            p.withUnsafeBufferPointer { pb in local.withUnsafeMutableBufferPointer { problem.apply(pb, into: $0) } }
            local.withUnsafeMutableBufferPointer { o.noise.perturb($0, rng: &noiseRNG) }
            guard let c = comm, step != nil else {
                out = local
                for v in out where !v.isFinite {
                    throw FjordError.data(
                        "iteration \(iteration + 1): the oracle value is not finite (diverged; try a smaller step)")
                }
                label += 1
                return
            }
            let mean = try local.withUnsafeBufferPointer { lb in
                try step!.exchange(c, step: label, codecRNG: &codecRNG, sharedRNG: &sharedRNG) { lb }
            }
            label += 1
            mean.withUnsafeBufferPointer { out = Array($0) }
        }

        let x1 = o.start ?? [Float](repeating: 0, count: d)
        var x = x1, half = x1
        var y = [Double](repeating: 0, count: d)
        var s = 0.0
        var v0 = [Float](repeating: 0, count: d), v1 = [Float](repeating: 0, count: d)
        var prev: [Float]?
        var avg = [Double](repeating: 0, count: d)
        var rows: [Row] = []
        let solution = problem.solution
        var exact = [Float](repeating: 0, count: d)
        func gamma() -> Float { o.adaptive ? Float(Double(o.lr) / (1 + s).squareRoot()) : o.lr }
        func sq(_ a: [Float], _ b: [Float]?) -> Double {
            var t = 0.0
            if let b {
                for i in 0..<d {
                    let e = Double(a[i]) - Double(b[i])
                    t += e * e
                }
            } else {
                for v in a { t += Double(v) * Double(v) }
            }
            return t
        }

        for t in 0..<o.iterations {
            iteration = t
            let g = gamma()
            switch o.method {
            case .gda:
                try oracle(x, into: &v1)
                half = x
                for i in 0..<d { x[i] -= g * v1[i] }
                s += sq(v1, nil)
            case .extragradient:
                try oracle(x, into: &v0)
                for i in 0..<d { half[i] = x[i] - g * v0[i] }
                try oracle(half, into: &v1)
                for i in 0..<d { x[i] -= g * v1[i] }
                s += sq(v1, v0)
            case .optimistic:
                try oracle(x, into: &v1)
                half = x
                let p = prev ?? v1
                for i in 0..<d { x[i] += -2 * g * v1[i] + g * p[i] }
                s += sq(v1, p)
                prev = v1
            case .dualAveraging, .dualExtrapolation, .dualOptimistic:
                switch o.method {
                case .dualExtrapolation: try oracle(x, into: &v0)
                case .dualOptimistic:
                    if let p = prev { v0 = p } else { try oracle(x, into: &v0) }
                default: for i in 0..<d { v0[i] = 0 }
                }
                for i in 0..<d { half[i] = x[i] - g * v0[i] }
                try oracle(half, into: &v1)
                s += sq(v1, v0)
                for i in 0..<d { y[i] -= Double(v1[i]) }
                let g2 = gamma()
                for i in 0..<d { x[i] = x1[i] + Float(Double(g2) * y[i]) }
                prev = v1
            }
            for i in 0..<d { avg[i] += Double(half[i]) }
            if (t + 1) % o.every == 0 || t + 1 == o.iterations {
                let n = Double(t + 1)
                half.withUnsafeBufferPointer { h in exact.withUnsafeMutableBufferPointer { problem.apply(h, into: $0) }
                }
                var dist: Double?, adist: Double?
                if let z = solution {
                    var a = 0.0, b = 0.0
                    for i in 0..<d {
                        let e = Double(half[i]) - Double(z[i]), f = avg[i] / n - Double(z[i])
                        a += e * e
                        b += f * f
                    }
                    dist = a.squareRoot()
                    adist = b.squareRoot()
                }
                rows.append(
                    Row(
                        iteration: t + 1, distance: dist, averageDistance: adist,
                        operatorNorm: sq(exact, nil).squareRoot(),
                        bytesSent: step?.traffic.sent ?? 0))
            }
        }
        let n = Double(o.iterations)
        return Result(rows: rows, last: x, average: avg.map { Float($0 / n) })
    }

    /// Runs on `workers` simulated workers (threads) with codecs from `codec` (per rank), and returns every worker's
    /// result in rank order (all workers hold the same iterates; the tests check it).
    public static func simulate(
        _ problem: any MonotoneOperator, _ o: Options, workers: Int,
        codec: ((Int) throws -> any GradientCodec)? = nil
    ) throws -> [Result] {
        if workers == 1 && codec == nil { return [try run(problem, o, comm: nil, codec: nil)] }
        let factory = CodecFactory(make: codec)
        return try LocalCommunicator.run(workers: workers) { comm in
            try run(problem, o, comm: comm, codec: try factory.make?(comm.rank))
        }
    }

    /// A codec factory handed to the worker threads; each thread calls it once for its own codec.
    struct CodecFactory: @unchecked Sendable {
        let make: ((Int) throws -> any GradientCodec)?
    }
}
