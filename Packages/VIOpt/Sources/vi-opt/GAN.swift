import ArgumentParser
import DistributedCLI
import Exchange
import FjordCLI
import Kernel
import Learn
import Quant
import VIOpt

extension GANTrainer.Method: Choice {
    public var help: String {
        switch self {
        case .adam: "Adam steps (the WGAN-GP toy script)"
        case .extraAdam: "extra-gradient steps preconditioned by Adam (two gradients per step)"
        }
    }
}

/// The target mixtures.
enum MixtureKind: String, Choice {
    case eight = "8gaussians"
    case twentyFive = "25gaussians"
    var help: String {
        switch self {
        case .eight: "8 Gaussians on a circle of radius 1.414, σ = 0.0141"
        case .twentyFive: "a 5×5 grid of Gaussians, spacing 0.707, σ = 0.0177"
        }
    }
    func make() throws(FjordError) -> GaussianMixture {
        switch self {
        case .eight: try .eightGaussians()
        case .twentyFive: try .twentyFiveGaussians()
        }
    }
}

struct GAN: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gan",
        abstract: "Train a WGAN-GP on a 2-D Gaussian mixture; write generated samples as .npy (n×2).",
        discussion: """
            The WGAN-GP toy set-up (Gulrajani et al. 2017): ReLU MLPs for generator and critic, critic loss \
            E D(fake) − E D(real) + λ E(‖∇D(x̂)‖ − 1)², --critic-steps critic steps per generator step, Adam β = (0.5, 0.9). \
            The defaults train in about 30 s on one core; the toy script's own settings are --hidden 512 --critic-lr 1e-4 \
            --generator-lr 1e-4 --schedule constant --iterations 100000. \
            With --workers K each worker draws its own minibatches and both players' gradients pass through --scheme \
            (any quant codec; --layerwise --scheme alq learns levels per layer type), bytes counted. Evaluations use \
            fixed noise and a fixed real sample: the critic's Wasserstein estimate, the exact W₁ between --samples \
            generated and real points, modes covered (≥ 0.8% of samples within 3σ of a centre) and the high-quality \
            fraction (samples within 3σ of some centre); the summary also gives W₁ between two real samples, the floor.
            --metrics FILE gets one row per evaluation: iteration, critic estimate, W₁, modes covered, high-quality \
            fraction, bytes sent per worker, seconds. --png FILE draws the last samples (blue) over a real sample and the mixture's 3σ \
            circles (grey).
            Example: vi-opt gan --iterations 2000 --png gan.png -o samples.npy
            """)

    @Option(help: "Target mixture.") var mixture = MixtureKind.eight
    @Option(help: "Method.") var method = GANTrainer.Method.adam
    @Option(help: "Generator iterations.") var iterations = 2000
    @Option(help: "Critic steps per generator step.") var criticSteps = 5
    @Option(help: "Minibatch per worker.") var batch = 256
    @Option(name: .customLong("critic-lr"), help: "Critic learning rate.") var criticRate: Float = 1e-3
    @Option(name: .customLong("generator-lr"), help: "Generator learning rate.") var generatorRate: Float = 1e-3
    @Option(help: "Learning-rate schedule of both players.") var schedule = ScheduleKind.cosine
    @Option(help: "Hidden width of both players.") var hidden = 64
    @Option(help: "Hidden layers of both players.") var layers = 3
    @Option(help: "Gradient-penalty weight λ.") var penalty: Float = 0.1
    @Option(help: "Workers (threads), each with its own minibatches.") var workers = 1
    @OptionGroup var codec: CodecOptions
    @Option(help: "Evaluate every N iterations.") var every = 100
    @Option(help: "Points per evaluation (generated and real; W₁ is exact, cubic in it).") var samples = 512
    @Option(help: ArgumentHelp("Write the metrics rows as .npy to FILE.", valueName: "FILE")) var metrics: String?
    @Option(help: ArgumentHelp("Draw the last samples as a PNG scatter to FILE.", valueName: "FILE")) var png: String?
    @Option(help: "Seed of the players, the minibatches and the codecs.") var seed: UInt64 = 0
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if workers < 1 || workers > 64 { throw ValidationError("--workers must be in 1…64") }
    }

    func run() throws { try runTool("vi-opt gan") { try execute() } }

    func execute() throws {
        let data = try mixture.make()
        var o = GANTrainer.Options()
        o.method = method
        o.iterations = iterations
        o.criticSteps = criticSteps
        o.batch = batch
        o.criticRate = criticRate
        o.generatorRate = generatorRate
        o.hidden = hidden
        o.schedule = schedule
        o.layers = layers
        o.penalty = penalty
        o.seed = seed
        o.every = every
        o.evaluationSamples = samples
        let (scheme, settings) = (codec.scheme ?? .none, codec.settings)
        let make: ((Int, Sequential) throws -> any GradientCodec)? =
            scheme == .none
            ? nil
            : { rank, model in
                guard
                    let f = try scheme.factory(
                        settings, dimension: model.parameterCount,
                        blocks: model.views.map { (offset: $0.offset, count: $0.count) },
                        types: model.views.map { layerType($0, model).rawValue })
                else { return Float32Codec() }
                return try f(rank)
            }
        // The side files are created before the run, so a bad path fails at once; all are committed at the end.
        let metricsFile = try metrics.map { path throws(FjordError) in try AtomicFile(path: path) }
        let pngFile = try png.map { path throws(FjordError) in try AtomicFile(path: path) }
        BLAS.threads = 1  // the players' matrices (≤ batch × width) are too small for BLAS threads to pay
        var run: GANTrainer.Result?
        try output.write { sink in
            let result = try GANTrainer.simulate(data, o, workers: workers, codec: make)[0]
            try NpyWriter(sink).write(result.samples)
            run = result
        }
        guard let result = run else { return }
        if let metricsFile {
            var values: [Float] = []
            for r in result.rows {
                values += [
                    Float(r.iteration), Float(r.estimate), Float(r.wasserstein), Float(r.coverage.covered),
                    Float(r.coverage.highQuality), Float(r.bytesSent), Float(r.seconds),
                ]
            }
            try NpyWriter(metricsFile.sink).write(Tensor(shape: [result.rows.count, 7], values: values))
            try metricsFile.commit()
        }
        if let pngFile {
            var rng = RNG(seed: seed ^ 0x9A7)
            let real = data.sample(result.samples.shape[0], rng: &rng)
            try pngFile.sink.write(try Self.scatter(result.samples, real: real, data).png())
            try pngFile.commit()
        }
        if let last = result.rows.last {
            printError(
                "vi-opt gan: \(method.rawValue), \(iterations) iterations, \(last.coverage.covered)/\(last.coverage.modes) modes covered, \(NumberFormat.fixed(100 * last.coverage.highQuality, 1))% of samples within 3σ, W₁ = \(NumberFormat.significant(last.wasserstein)) (two real samples: \(NumberFormat.significant(result.baseline))), critic estimate \(NumberFormat.significant(last.estimate)), \(last.bytesSent) bytes sent per worker, \(NumberFormat.fixed(last.seconds, 1)) s"
            )
        }
    }

    /// The samples over a real sample (light grey) and the mixture's 3σ circles.
    static func scatter(_ samples: Tensor, real: Tensor, _ data: GaussianMixture) -> ScatterImage {
        let extent = (data.centers.map(abs).max() ?? 1) * 1.35
        var image = ScatterImage(size: 480, extent: extent)
        image.points(real.scalars, color: (205, 205, 205), radius: 2)
        for k in 0..<data.modes {
            image.ring(data.centers[2 * k], data.centers[2 * k + 1], radius: 3 * data.std, color: (120, 120, 120))
        }
        image.points(samples.scalars, color: (31, 90, 200), radius: 1.5)
        return image
    }
}
