import Exchange
import Kernel
import Learn

/// Trains a ``WassersteinGAN`` on a ``GaussianMixture`` with K workers: each worker draws its own minibatches, its
/// critic and generator gradients pass through ``ExchangeStep`` (any codec, bytes counted, threads or MPI) and every
/// worker applies the same optimizer step to the mean, so all hold the same players.
///
/// One iteration is `criticSteps` critic steps (generator fixed) and then one generator step (critic fixed), as in the
/// WGAN-GP toy script (5 critic steps, batch 256, β = (0.5, 0.9), λ = 0.1). The defaults differ from that script's
/// where it needs 100k iterations of 512-wide players at a constant 10⁻⁴: width 64, rate 10⁻³ with cosine decay,
/// 2000 iterations (about 30 s on one core; all 8 modes, measured in the README). The methods differ in the step:
/// - `adam`: each step is one Adam step on a fresh minibatch's gradient.
/// - `extraAdam`: each step is an extra-gradient step preconditioned by Adam (Gidel et al. 2019, the optimizer of
///   the Q-GenX GAN code): an Adam step from θ with the gradient at θ gives θ½, and a second Adam step *from θ* with
///   the gradient at θ½ (a fresh minibatch) gives the new θ. Both steps update Adam's moments, as the reference does.
///   It costs two gradients and two exchanges per step.
public enum GANTrainer {
    public enum Method: String, CaseIterable, Sendable {
        case adam
        case extraAdam = "extra-adam"
    }

    public struct Options: Sendable {
        public var method: Method = .adam
        public var iterations = 2000
        public var criticSteps = 5
        public var batch = 256
        public var criticRate: Float = 1e-3
        public var generatorRate: Float = 1e-3
        public var beta1: Float = 0.5
        public var beta2: Float = 0.9
        /// The learning-rate schedule of both players over the run.
        public var schedule = ScheduleKind.cosine
        public var hidden = 64
        public var layers = 3
        public var latent = 2
        public var penalty: Float = 0.1
        public var seed: UInt64 = 0
        /// Evaluate every N iterations (and after the last).
        public var every = 100
        /// Points drawn for each evaluation (generated and real alike; the W₁ estimate is O(n³)).
        public var evaluationSamples = 512
        public init() {}

        func validate() throws(FjordError) {
            guard iterations >= 1 else { throw .usage("--iterations must be ≥ 1") }
            guard criticSteps >= 1, criticSteps <= 100 else { throw .usage("--critic-steps must be in 1…100") }
            guard batch >= 1, batch <= 65536 else { throw .usage("--batch must be in 1…65536") }
            for (r, n) in [(criticRate, "--critic-lr"), (generatorRate, "--generator-lr")] where !(r > 0 && r.isFinite)
            {
                throw .usage("\(n) must be a finite number > 0, not \(r)")
            }
            for (b, n) in [(beta1, "--beta1"), (beta2, "--beta2")] where !(b >= 0 && b < 1) {
                throw .usage("\(n) must be in [0, 1), not \(b)")
            }
            guard every >= 1 else { throw .usage("--every must be ≥ 1") }
            guard evaluationSamples >= 1, evaluationSamples <= 5000 else {
                throw .usage("--samples must be in 1…5000 (the exact W₁ is cubic in it)")
            }
        }
    }

    /// One evaluation: on fixed noise and a fixed real sample, so rows compare.
    public struct Row: Sendable {
        public var iteration: Int
        /// The critic's estimate mean D(x) − mean D(G(z)) of the Wasserstein distance.
        public var estimate: Double
        /// The exact W₁ between the generated and a real sample of ``Options/evaluationSamples`` points.
        public var wasserstein: Double
        public var coverage: GaussianMixture.Coverage
        /// Message bytes this worker has sent so far (both players, every exchange).
        public var bytesSent: Int
        public var seconds: Double
    }

    public struct Result: Sendable {
        public var rows: [Row]
        /// The last evaluation's generated points (n×2).
        public var samples: Tensor
        /// The exact W₁ between the evaluation's real sample and a second, independent one of the same size: the
        /// floor a perfect generator would show (finite samples put different numbers of points in each mode).
        public var baseline: Double
        public var parameters: (generator: Int, critic: Int)
    }

    /// This worker's codec for one player's gradient (the model tells its dimension and parameter blocks).
    public typealias CodecMaker = (_ player: Sequential) throws -> any GradientCodec

    /// Runs on this worker (SPMD: every worker of `comm` with the same arguments); `codec` makes this worker's codec
    /// for each player (nil: float32 with several workers, no exchange on one).
    public static func run(
        _ data: GaussianMixture, _ o: Options, comm: any Communicator, codec: CodecMaker?
    ) throws -> Result {
        try o.validate()
        let gan = try WassersteinGAN(
            hidden: o.hidden, layers: o.layers, latent: o.latent, penalty: o.penalty, seed: o.seed)
        let (g, d) = (gan.generator, gan.critic)
        let workers = comm.size, rank = comm.rank
        var criticX = try ExchangeStep(
            workers: workers, dimension: d.parameterCount, codec: try codec?(d) ?? Float32Codec())
        var generatorX = try ExchangeStep(
            workers: workers, dimension: g.parameterCount, codec: try codec?(g) ?? Float32Codec())
        let exchanging = workers > 1 || codec != nil
        var dataRNG = RNG(seed: o.seed).substream(UInt64(rank) + 1)
        var codecRNG = RNG(seed: o.seed ^ 0xC0DEC).substream(UInt64(rank))
        var sharedRNG = RNG(seed: o.seed ^ 0x5EED)
        var label = 0

        /// The mean over workers of the gradient `local` leaves in `model`, written back into its gradient buffer.
        func exchanged(_ step: inout ExchangeStep, _ model: Sequential, _ local: () -> Void) throws {
            guard exchanging else { return local() }
            let mean = try step.exchange(comm, step: label, codecRNG: &codecRNG, sharedRNG: &sharedRNG) {
                local()
                return UnsafeBufferPointer(model.gradientBuffer)
            }
            label += 1
            mean.withUnsafeBufferPointer { m in
                let out = model.gradientBuffer
                for i in 0..<out.count { out[i] = m[i] }
            }
        }
        func noise(_ n: Int) -> Tensor { dataRNG.tensor([n, o.latent]) }
        func criticOracle() throws {
            try exchanged(&criticX, d) {
                let real = data.sample(o.batch, rng: &dataRNG)
                let fake = gan.generate(noise(o.batch))
                let alpha = (0..<o.batch).map { _ in dataRNG.uniform() }
                gan.criticGradient(real: real, fake: fake, alpha: alpha)
            }
        }
        func generatorOracle() throws {
            try exchanged(&generatorX, g) { gan.generatorGradient(noise(o.batch)) }
        }

        // Adam counts its steps (an extra-gradient step is two): the schedules run over all of them.
        let calls = o.iterations * (o.method == .extraAdam ? 2 : 1)
        var criticOpt = Adam(
            o.schedule.make(o.criticRate, total: calls * o.criticSteps), beta1: o.beta1, beta2: o.beta2)
        var generatorOpt = Adam(o.schedule.make(o.generatorRate, total: calls), beta1: o.beta1, beta2: o.beta2)
        // extra-adam's θ, kept while the gradient at θ½ is taken (allocated once per player)
        let extra = o.method == .extraAdam
        var criticAnchor = [Float](repeating: 0, count: extra ? d.parameterCount : 0)
        var generatorAnchor = [Float](repeating: 0, count: extra ? g.parameterCount : 0)
        /// One step of the method on `model` with `oracle` filling its gradient.
        func step(_ model: Sequential, _ opt: inout Adam, _ anchor: inout [Float], _ oracle: () throws -> Void) throws {
            let p = model.parameterBuffer
            try oracle()
            if extra {
                for i in 0..<p.count { anchor[i] = p[i] }
                opt.step(p, UnsafeBufferPointer(model.gradientBuffer))
                try oracle()
                for i in 0..<p.count { p[i] = anchor[i] }
            }
            opt.step(p, UnsafeBufferPointer(model.gradientBuffer))
            for i in 0..<p.count where !p[i].isFinite {
                throw FjordError.data("the \(model === d ? "critic" : "generator") diverged (try smaller rates)")
            }
        }

        // Evaluation on fixed draws, the same on every worker and every row.
        var evalRNG = RNG(seed: o.seed ^ 0xE7A1)
        let evalZ = evalRNG.tensor([o.evaluationSamples, o.latent])
        let evalReal = data.sample(o.evaluationSamples, rng: &evalRNG)
        let baseline = try Wasserstein.distance(data.sample(o.evaluationSamples, rng: &evalRNG), evalReal)
        let start = monotonicSeconds()
        var rows: [Row] = []
        var samples = Tensor(zeros: [0, 2])
        func evaluate(_ t: Int) throws {
            samples = gan.generate(evalZ)
            let dReal = d.forward(evalReal), dFake = d.forward(samples)
            let estimate = gan.mean(dReal) - gan.mean(dFake)
            guard nonFiniteCount(samples) == 0 else {
                throw FjordError.data("iteration \(t): the generator's samples are not finite (diverged)")
            }
            rows.append(
                Row(
                    iteration: t, estimate: estimate, wasserstein: try Wasserstein.distance(samples, evalReal),
                    coverage: data.coverage(samples), bytesSent: criticX.traffic.sent + generatorX.traffic.sent,
                    seconds: monotonicSeconds() - start))
        }
        try evaluate(0)
        for t in 1...o.iterations {
            for _ in 0..<o.criticSteps { try step(d, &criticOpt, &criticAnchor, criticOracle) }
            try step(g, &generatorOpt, &generatorAnchor, generatorOracle)
            if t % o.every == 0 || t == o.iterations { try evaluate(t) }
        }
        return Result(
            rows: rows, samples: samples, baseline: baseline, parameters: (g.parameterCount, d.parameterCount))
    }

    /// K workers as threads; every worker's result is the same (element 0 is rank 0's).
    public static func simulate(
        _ data: GaussianMixture, _ o: Options, workers: Int,
        codec: ((_ rank: Int, _ player: Sequential) throws -> any GradientCodec)? = nil
    ) throws -> [Result] {
        let factory = Handed(codec)
        return try LocalCommunicator.run(workers: workers) { comm in
            try run(data, o, comm: comm, codec: factory.value.map { make in { try make(comm.rank, $0) } })
        }
    }
}
