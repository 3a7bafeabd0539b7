import ArgumentParser
import FjordCLI
import Kernel
import Learn
import Quant

struct Gradients: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write real minibatch gradients of an MLP training on bundled data, as a tensor stream.",
        discussion:
            "Example: quant gradients --data digits --samples 10 | quant fit-levels --method alq --bits 3 -o alq.npy")

    @Option(help: "digits, breast-cancer, wine or iris.") var data = "digits"
    @Option(help: "Hidden widths, comma-separated.") var hidden = "32"
    @Option(help: "Gradients to write.") var samples = 10
    @Option(help: "Training steps between samples.") var every = 20
    @Option(help: "Seed.") var seed: UInt64 = 0
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runTool("quant gradients") {
            guard let b = BundledData(rawValue: data) else {
                throw FjordError.usage(
                    "--data must be one of \(BundledData.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let widths = try hidden.split(separator: ",").map { (s) throws(FjordError) -> Int in
                guard let w = Int(s), w > 0 else { throw FjordError.usage("--hidden: '\(s)' is not a positive width") }
                return w
            }
            guard samples >= 1, every >= 1 else { throw FjordError.usage("--samples and --every must be ≥ 1") }
            var d = b.load()
            let m = d.featureMoments()
            d = d.standardized(mean: m.mean, std: m.std)
            // streamed: each gradient is written as soon as it is made (`| head -c 100` returns at once)
            try output.write { sink in
                let w = NpyWriter(sink)
                try GradientSamples.mlp(d, hidden: widths, samples: samples, every: every, seed: seed) {
                    (g) throws(FjordError) in try w.write(g)
                }
            }
        }
    }
}

struct FitLevels: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit-levels",
        abstract:
            "Learn a level set from gradient samples: ALQ (coordinate descent) or AMQ (multiplier by gradient descent).",
        discussion: """
            Minimises the quantizer's exact expected variance over the samples (L2-normalised buckets, weighted by \
            squared bucket norms). ALQ updates one level at a time to its exact minimiser between its neighbours \
            (the empirical form of Faghri et al.'s Eq. 8) from three starts (exponential, uniform, quantiles), keeping the best. \
            AMQ fits levels 0, p^s, …, p, 1 by normalised gradient descent on dV/dp from p ∈ {0.1, 0.3, …, 0.9}. \
            Writes the magnitudes (0 … 1) as a float32 .npy that `quant encode --levels` and `quant variance --levels` read.
            Example: quant gradients | quant fit-levels --method alq --bits 3 -o alq.npy
            """)

    @OptionGroup var input: InputOptions
    @Option(help: "Level-fitting method.") var method = AdaptiveLevelsCodec.Method.alq
    @Option(help: "Bit budget b: 2^(b−1) levels including 0.") var bits = 3
    @Option(help: "Bucket size the levels are for.") var bucket = 8192
    @Option(help: "ALQ sweeps over all levels.") var sweeps = 30
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if bits < 2 || bits > 10 { throw ValidationError("--bits must be between 2 and 10") }
        if bucket < 1 { throw ValidationError("--bucket must be ≥ 1") }
        if sweeps < 1 { throw ValidationError("--sweeps must be ≥ 1") }
    }

    func run() throws {
        try runTool("quant fit-levels") {
            let samples = try input.readAll().map { $0.tensor() }
            let fit = try input.attributed { try LevelFitting(samples: samples, bucketSize: bucket) }
            let s = LevelSet.levelCount(bits: bits) - 2
            let start = LevelFitting.amqLevels(p: 0.5, s: s)
            let levels: [Double]
            if method == .alq {
                levels = fit.alqBest(interior: s, sweeps: sweeps)
            } else {
                levels = LevelFitting.amqLevels(p: fit.amq(s: s), s: s)
            }
            let set = try LevelFitting.floatLevels(levels)
            printError(
                "quant fit-levels: \(method.rawValue) \(bits) bits: levels \(set.magnitudes.map { formatNumber(Double($0)) }.joined(separator: " ")); "
                    + "variance \(formatNumber(fit.objective(start))) at the start (NUQ-like p=0.5) → \(formatNumber(fit.objective(levels)))"
            )
            try output.write { try NpyWriter($0).write(Tensor(set.magnitudes)) }
        }
    }
}
