import Exchange
import Foundation
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
        /// The problem's own measure at x½ (a matrix game's duality gap), if it has one.
        public var gap: Double? = nil
    }

    public struct Result: Sendable {
        public var rows: [Row]
        /// The final iterate x and the running mean of half iterates.
        public var last: [Float]
        public var average: [Float]
        /// Wall-clock seconds of the iterations (metrics included).
        public var seconds: Double
    }

    /// Runs on this worker (SPMD: call on every worker of `comm` with the same arguments); `codec` is this worker's
    /// codec (nil: float32 when there are several workers, no exchange on one). The loop works in buffers allocated
    /// once, with no allocation per iteration; one worker without a codec calls its oracle straight into them.
    public static func run(
        _ problem: any MonotoneOperator, _ o: Options, comm: (any Communicator)?, codec: (any GradientCodec)?
    ) throws -> Result {
        let d = problem.dimension
        try o.validate(dimension: d)
        let workers = comm?.size ?? 1
        var step: ExchangeStep? =
            (comm != nil && (workers > 1 || codec != nil))
            ? try ExchangeStep(workers: workers, dimension: d, codec: codec ?? Float32Codec()) : nil
        let rank = comm?.rank ?? 0
        var noiseRNG = RNG(seed: o.seed).substream(UInt64(rank))
        var codecRNG = RNG(seed: o.seed ^ 0xC0DEC).substream(UInt64(rank))
        var sharedRNG = RNG(seed: o.seed ^ 0x5EED)
        var label = 0, iteration = 0

        func buffer<T: Numeric>(_: T.Type) -> UnsafeMutableBufferPointer<T> {
            let b = UnsafeMutableBufferPointer<T>.allocate(capacity: max(d, 1))
            b.initialize(repeating: 0)
            return b
        }
        let x = buffer(Float.self), half = buffer(Float.self), x1 = buffer(Float.self)
        let v0 = buffer(Float.self), v1 = buffer(Float.self), prev = buffer(Float.self), local = buffer(Float.self)
        let exact = buffer(Float.self)
        let y = buffer(Double.self), avg = buffer(Double.self)
        defer {
            for p in [x, half, x1, v0, v1, prev, local, exact] { p.deallocate() }
            y.deallocate()
            avg.deallocate()
        }
        if let s = o.start { for i in 0..<d { x1[i] = s[i] } }
        for i in 0..<d { x[i] = x1[i] }
        var havePrev = false

        /// The exchanged oracle at p into `out`.
        func oracle(_ p: UnsafeMutableBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) throws {
            guard let c = comm, step != nil else {
                problem.apply(UnsafeBufferPointer(p), into: out)
                o.noise.perturb(out, rng: &noiseRNG)
                label += 1
                return
            }
            problem.apply(UnsafeBufferPointer(p), into: local)
            o.noise.perturb(local, rng: &noiseRNG)
            let mean = try step!.exchange(c, step: label, codecRNG: &codecRNG, sharedRNG: &sharedRNG) {
                UnsafeBufferPointer(local)
            }
            label += 1
            mean.withUnsafeBufferPointer { m in for i in 0..<d { out[i] = m[i] } }
        }
        /// ‖a − b‖² (or ‖a‖²), and whether every coordinate of a is finite.
        func sq(_ a: UnsafeMutableBufferPointer<Float>, _ b: UnsafeMutableBufferPointer<Float>?) throws -> Double {
            var t = 0.0
            if let b {
                for i in 0..<d {
                    let e = Double(a[i]) - Double(b[i])
                    t += e * e
                }
            } else {
                for i in 0..<d { t += Double(a[i]) * Double(a[i]) }
            }
            guard t.isFinite else {
                throw FjordError.data(
                    "iteration \(iteration + 1): the oracle value is not finite (diverged; try a smaller step)")
            }
            return t
        }

        /// Entropic (mirror) step on the simplex blocks: out_b ∝ base_b ⊙ exp(scale · dir_b), computed stably.
        let simplices = problem.simplices
        let exponents = UnsafeMutableBufferPointer<Double>.allocate(capacity: simplices == nil ? 1 : max(d, 1))
        defer { exponents.deallocate() }
        func mirror(
            _ base: UnsafeMutableBufferPointer<Float>, _ scale: Double, _ dir: (Int) -> Double,
            into out: UnsafeMutableBufferPointer<Float>
        ) throws {
            for b in simplices ?? [] {
                var top = -Double.infinity
                for i in b.offset..<(b.offset + b.count) {
                    exponents[i] = log(Double(max(base[i], 1e-30))) + scale * dir(i)
                    top = max(top, exponents[i])
                }
                var z = 0.0
                for i in b.offset..<(b.offset + b.count) {
                    let e = exp(exponents[i] - top)
                    out[i] = Float(e)
                    z += e
                }
                guard z.isFinite, z > 0 else {
                    throw FjordError.data(
                        "iteration \(iteration + 1): the mirror step is not finite (try a smaller step)")
                }
                for i in b.offset..<(b.offset + b.count) { out[i] = Float(Double(out[i]) / z) }
            }
        }

        /// The dual methods' leading vector V̂ into v0: V(x), the last half step's V, or 0.
        func leadingVector() throws {
            switch o.method {
            case .dualExtrapolation: try oracle(x, into: v0)
            case .dualOptimistic:
                if havePrev { for i in 0..<d { v0[i] = prev[i] } } else { try oracle(x, into: v0) }
            default: for i in 0..<d { v0[i] = 0 }
            }
        }

        var s = 0.0
        var rows: [Row] = []
        let solution = problem.solution
        func gamma() -> Float { o.adaptive ? Float(Double(o.lr) / (1 + s).squareRoot()) : o.lr }
        let started = monotonicSeconds()
        for t in 0..<o.iterations {
            iteration = t
            let g = gamma()
            if simplices != nil {
                let gd = Double(g)
                switch o.method {
                case .gda:
                    try oracle(x, into: v1)
                    for i in 0..<d { half[i] = x[i] }
                    try mirror(half, -gd, { Double(v1[$0]) }, into: x)
                    s += try sq(v1, nil)
                case .extragradient:
                    try oracle(x, into: v0)
                    try mirror(x, -gd, { Double(v0[$0]) }, into: half)
                    try oracle(half, into: v1)
                    try mirror(x, -gd, { Double(v1[$0]) }, into: x)
                    s += try sq(v1, v0)
                case .optimistic:
                    try oracle(x, into: v1)
                    if !havePrev { for i in 0..<d { prev[i] = v1[i] } }
                    for i in 0..<d { half[i] = x[i] }
                    try mirror(half, -gd, { 2 * Double(v1[$0]) - Double(prev[$0]) }, into: x)
                    s += try sq(v1, prev)
                    for i in 0..<d { prev[i] = v1[i] }
                    havePrev = true
                case .dualAveraging, .dualExtrapolation, .dualOptimistic:
                    try leadingVector()
                    try mirror(x, -gd, { Double(v0[$0]) }, into: half)
                    try oracle(half, into: v1)
                    s += try sq(v1, v0)
                    for i in 0..<d {
                        y[i] -= Double(v1[i])
                        prev[i] = v1[i]
                    }
                    try mirror(x1, Double(gamma()), { y[$0] }, into: x)
                    havePrev = true
                }
                for i in 0..<d { avg[i] += Double(half[i]) }
            } else {
                switch o.method {
                case .gda:
                    try oracle(x, into: v1)
                    for i in 0..<d {
                        half[i] = x[i]
                        x[i] -= g * v1[i]
                    }
                    s += try sq(v1, nil)
                case .extragradient:
                    try oracle(x, into: v0)
                    for i in 0..<d { half[i] = x[i] - g * v0[i] }
                    try oracle(half, into: v1)
                    // one pass: the step, S and the running sum of half iterates (the last is skipped below)
                    var t2 = 0.0
                    for i in 0..<d {
                        x[i] -= g * v1[i]
                        let e = Double(v1[i]) - Double(v0[i])
                        t2 += e * e
                        avg[i] += Double(half[i])
                    }
                    guard t2.isFinite else {
                        throw FjordError.data(
                            "iteration \(t + 1): the oracle value is not finite (diverged; try a smaller step)")
                    }
                    s += t2
                case .optimistic:
                    try oracle(x, into: v1)
                    if !havePrev { for i in 0..<d { prev[i] = v1[i] } }
                    for i in 0..<d {
                        half[i] = x[i]
                        x[i] += -2 * g * v1[i] + g * prev[i]
                    }
                    s += try sq(v1, prev)
                    for i in 0..<d { prev[i] = v1[i] }
                    havePrev = true
                case .dualAveraging, .dualExtrapolation, .dualOptimistic:
                    try leadingVector()
                    for i in 0..<d { half[i] = x[i] - g * v0[i] }
                    try oracle(half, into: v1)
                    s += try sq(v1, v0)
                    let g2 = Double(gamma())
                    for i in 0..<d {
                        y[i] -= Double(v1[i])
                        x[i] = x1[i] + Float(g2 * y[i])
                        prev[i] = v1[i]
                    }
                    havePrev = true
                }
                if o.method != .extragradient { for i in 0..<d { avg[i] += Double(half[i]) } }
            }
            if (t + 1) % o.every == 0 || t + 1 == o.iterations {
                let n = Double(t + 1)
                problem.apply(UnsafeBufferPointer(half), into: exact)
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
                        operatorNorm: try sq(exact, nil).squareRoot(), bytesSent: step?.traffic.sent ?? 0,
                        gap: problem.gap(UnsafeBufferPointer(half))))
            }
        }
        let n = Double(o.iterations)
        return Result(
            rows: rows, last: Array(x), average: avg.map { Float($0 / n) }, seconds: monotonicSeconds() - started)
    }

    /// Runs on `workers` simulated workers (threads) with codecs from `codec` (per rank), and returns every worker's
    /// result in rank order (all workers hold the same iterates; the tests check it).
    public static func simulate(
        _ problem: any MonotoneOperator, _ o: Options, workers: Int,
        codec: ((Int) throws -> any GradientCodec)? = nil
    ) throws -> [Result] {
        if workers == 1 && codec == nil { return [try run(problem, o, comm: nil, codec: nil)] }
        let factory = Handed(codec)
        return try LocalCommunicator.run(workers: workers) { comm in
            try run(problem, o, comm: comm, codec: try factory.value?(comm.rank))
        }
    }

}
