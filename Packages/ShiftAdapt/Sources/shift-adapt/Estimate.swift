import ArgumentParser
import FjordCLI
import Kernel
import ShiftAdapt

struct Estimate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Estimate label-shift weights w_y = q(y)/p(y), or a density ratio p_test(x)/p_train(x) on features.",
        discussion: """
            Writes the m weights as a float32 .npy vector; stderr (or --json FILE) gets the method, the source prior \
            p the weights are against (--prior for mlls; BBSE and RLLS are against the hold-out label frequencies by \
            construction), the target prior q = w ⊙ p, Σ w_y p_y, EM's iterations and clipped weights. Posteriors are \
            n×m probabilities (or logits with --logits, softmaxed); labels a vector of class numbers. Calibrate first \
            (shift-adapt calibrate) for mlls: EM assumes calibrated posteriors.
            The density ratios (ulsif, kliep, classifier, nnbd) take --train and --test features (n×d) instead and \
            write r̂ at --at (default: the train rows), a vector; the summary names what was chosen (σ, λ, the bound C).
            Example: shift-adapt estimate --method mlls --holdout val-p.npy --labels val-y.npy --target test-p.npy -o w.npy
            Example: shift-adapt estimate --method nnbd --train train-x.npy --test test-x.npy -o r.npy
            """)

    @Option(help: "Estimator.") var method = LabelShiftMethod.mlls
    @Option(help: ArgumentHelp("Hold-out posteriors (n×m .npy).", valueName: "FILE")) var holdout: String?
    @Option(help: ArgumentHelp("Hold-out labels (n .npy).", valueName: "FILE")) var labels: String?
    @Option(help: ArgumentHelp("Target posteriors (N×m .npy).", valueName: "FILE")) var target: String?
    @Option(
        help: ArgumentHelp("Density ratios: source (train) features (n×d .npy), the denominator.", valueName: "FILE"))
    var train: String?
    @Option(help: ArgumentHelp("Density ratios: target (test) features (N×d .npy), the numerator.", valueName: "FILE"))
    var test: String?
    @Option(
        help: ArgumentHelp("Density ratios: the points to evaluate the ratio at (default: --train).", valueName: "FILE")
    )
    var at: String?
    @Option(
        help: "ulsif: kernel widths σ to choose from by leave-one-out, comma-separated (default 10^(−3…1), 9 values).")
    var sigma: String?
    @Option(
        help:
            "ulsif: regularisations λ to choose from, comma-separated (default 10^(−3…1), 9 values); classifier: its one L2 weight (default 1e-4)."
    )
    var lambda: String?
    @Option(help: "ulsif, kliep: Gaussian kernels, centred on test points.") var kernels = 100
    @Option(help: "nnbd: the upper bound C on the ratio (default: estimated by k-means on train ∪ test).")
    var bound: Double?
    @Option(help: "nnbd: clusters of the bound's estimate.") var clusters = 10
    @Option(help: "nnbd: Adam steps (batches of 128 train and 128 test rows).") var steps = 1000
    @Option(help: "nnbd: hidden units of the ratio model.") var hidden = 64
    @Option(help: "ulsif, kliep: seed of the centre choice (and of kliep's folds).") var seed: UInt64 = 0
    @Flag(help: "The posterior files hold logits (softmax is applied).") var logits = false
    @Option(help: "Source prior of mlls.") var prior = SourcePrior.meanPosterior
    @Option(help: "RLLS's α in Δ = α·3(2 ln(2m/δ)/(3n) + √(2 ln(2m/δ)/n)).") var alpha = 0.01
    @Option(help: ArgumentHelp("True weights (m .npy): report the mean squared error.", valueName: "FILE"))
    var truth: String?
    @Option(help: ArgumentHelp("Write the summary as JSON to FILE.", valueName: "FILE")) var json: String?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if !(alpha >= 0 && alpha.isFinite) { throw ValidationError("--alpha must be a finite number ≥ 0") }
        if let bound, !(bound > 0 && bound.isFinite) { throw ValidationError("--bound must be a finite number > 0") }
        if clusters < 1 || steps < 1 || hidden < 1 || kernels < 1 {
            throw ValidationError("--clusters, --steps, --hidden and --kernels must be ≥ 1")
        }
    }

    func run() throws { try runTool("shift-adapt estimate") { try execute() } }

    func execute() throws {
        if method.isDensityRatio { return try densityRatio() }
        guard let holdout, let labels, let target else {
            throw FjordError.usage("\(method.rawValue) needs --holdout, --labels and --target")
        }
        let h = try readPosteriors(holdout, logits: logits)
        let y = try classLabels(try readOneTensor(labels), classes: h.classes, name: labels)
        let e: LabelShiftEstimate
        let targetRows: Int
        if logits {
            let t = try readPosteriors(target, logits: true)
            e = try LabelShift.estimate(method, holdout: h, labels: y, target: t, prior: prior, rllsAlpha: alpha)
            targetRows = t.rows
        } else {
            let t = try readOneTensor(target)
            e = try LabelShift.estimate(
                method, holdout: h, labels: y, targetProbabilities: t, name: target, prior: prior, rllsAlpha: alpha)
            targetRows = t.shape[0]
        }
        var summary: [String: JSON] = [
            "method": .string(method.rawValue), "source_prior": .string(e.convention.rawValue),
            "weights": .array(e.weights.map { .number($0) }), "target_prior": .array(e.target.map { .number($0) }),
            "source": .array(e.source.map { .number($0) }), "normalisation": .number(e.normalisation),
            "clipped": .number(Double(e.clipped)), "holdout_rows": .number(Double(h.rows)),
            "target_rows": .number(Double(targetRows)),
        ]
        if let it = e.iterations {
            summary["iterations"] = .number(Double(it))
            summary["converged"] = .bool(e.converged)
        }
        if let truth {
            let w = try readOneTensor(truth).scalars.map(Double.init)
            guard w.count == e.weights.count else {
                throw FjordError.data("\(truth): \(w.count) true weights for \(e.weights.count) classes")
            }
            summary["mse"] = .number(e.meanSquaredError(w))
        }
        try output.write { sink in try NpyWriter(sink).write(Tensor(e.weights.map(Float.init))) }
        let text = JSON.object(summary).serialized
        if let json { try AtomicFile.write(text + "\n", to: json) } else { printError(text) }
    }

    /// uLSIF or KLIEP on features: the ratio at --at (or the train points), a vector.
    func densityRatio() throws {
        guard let train, let test else {
            throw FjordError.usage("\(method.rawValue) needs --train and --test features")
        }
        func features(_ path: String) throws(FjordError) -> (values: [Double], d: Int) {
            let t = try readOneTensor(path)
            guard t.shape.count == 2 || t.shape.count == 1 else {
                throw .data("\(path): features must be n×d (or a vector), not of shape \(t.shape)")
            }
            return (t.scalars.map(Double.init), t.shape.count == 2 ? t.shape[1] : 1)
        }
        let (y, d) = try features(train), (x, dx) = try features(test)
        guard d == dx else { throw FjordError.data("\(test): \(dx) features, \(train) has \(d)") }
        let sigmas = try sigma.map { try ListParse.doubles($0, option: "--sigma") } ?? ULSIF.defaultGrid
        let lambdas = try lambda.map { try ListParse.doubles($0, option: "--lambda") } ?? ULSIF.defaultGrid
        var settings = DensityRatio.Settings()
        (settings.sigmas, settings.lambdas, settings.kernels, settings.seed) = (sigmas, lambdas, kernels, seed)
        settings.l2 = lambdas.count == 1 ? lambdas[0] : 1e-4
        (settings.nnbd.bound, settings.nnbd.clusters, settings.nnbd.steps, settings.nnbd.hidden) = (
            bound, clusters, steps, hidden
        )
        let fit = try DensityRatio.fit(method, numerator: x, denominator: y, dimension: d, settings)
        var summary: [String: JSON] = [
            "method": .string(method.rawValue), "ratio": .string("p_test(x)/p_train(x)"),
            "evaluated_at": .string(at ?? train),
        ]
        for (name, value) in fit.parameters { summary[name] = .number(value) }
        var points = y
        if let at {
            let (p, dp) = try features(at)
            guard dp == d else { throw FjordError.data("\(at): \(dp) features, \(train) has \(d)") }
            points = p
        }
        let r = fit.ratio(points)
        try output.write { sink in try NpyWriter(sink).write(Tensor(r.map(Float.init))) }
        summary["mean_ratio"] = .number(r.reduce(0, +) / Double(max(r.count, 1)))
        let text = JSON.object(summary).serialized
        if let json { try AtomicFile.write(text + "\n", to: json) } else { printError(text) }
    }
}
