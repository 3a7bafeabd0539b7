import ArgumentParser
import FjordCLI
import Kernel
import Learn
import ShiftAdapt

struct Reproduce: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "On bundled digits: every label-shift estimator's weight MSE and adapted accuracy, then federated IW-ERM.",
        discussion: """
            Digits (1797 × 64) split into 900 training, 400 hold-out and 497 pool rows (seeded). An MLP 64–128–10 is \
            trained with Adam to near-zero loss (over-confident), once per --entropy ζ (ζ > 0 is VRLS's classifier), \
            calibrated (--calibration, BCTS by default) on the hold-out set; per trial a target prior q ~ Dirichlet(α) and a sample of \
            --target-size from the pool with that prior. The weights of bbse, bbse-soft, rlls and mlls are scored \
            against the drawn sample's true weights (target over hold-out label frequencies, the convention of every \
            estimate here): mean squared error with a 95% interval over --trials, and the target accuracy after the \
            Bayes-rule adaptation p(y|x) ∝ f_y(x) ŵ_y ("none": the classifier as is; "true": with the true weights). \
            Then the federated experiments (--federated): FedSGD under the 5clients and 10clients-v2 label shifts \
            (500 training and 200 test rows a client) with no weights (FedAvg), the true ratios and VRLS's estimate, \
            and under colored digits (two clients, colour flips 0.5→0.2 and 0.2→0.8, label noise 0.25) with the true \
            joint weight, the exact covariate ratio p_te(x)/p_tr(x), nnBD and the domain classifier, and under a \
            selection shift (3 clients sampling rows ∝ exp(±0.5 t_k(x)) along random directions, ratio known) with \
            the true ratio and all four density-ratio estimators; FTW-ERM's and \
            FITW-ERM's ratio; per-client test accuracy (mean, worst, best), the weights' relative error and bytes, \
            mean ± 95% interval over --federated-seeds.
            Writes the tables to stdout, and tables.html to --out.
            Example: shift-adapt reproduce --trials 20 --out rep
            """)

    @Option(help: "Dirichlet concentrations α, comma-separated.") var alphas = "0.1,0.5,1,10"
    @Option(help: "ζ values of the entropy term, comma-separated (0: MLLS's classifier).") var entropy = "0,0.1"
    @Option(help: "Trials per α.") var trials = 10
    @Option(help: "Target sample size.") var targetSize = 500
    @Option(help: "Training steps of the classifier.") var steps = 3000
    @Option(help: "Calibration on the hold-out set before estimating.") var calibration = Calibration.Kind.bcts
    @Option(help: "Seed of the split, the classifier and the trials.") var seed: UInt64 = 0
    @Option(
        help:
            "Federated set-ups, comma-separated (5clients, 10clients-v2, colored-digits, selection-digits; none: skip)."
    )
    var federated = "5clients,10clients-v2,colored-digits,selection-digits"
    @Option(help: "Seeds of the federated experiments.") var federatedSeeds = 3
    @Option(help: "FedSGD steps under the label shifts.") var federatedSteps = 2000
    @Option(help: "FedSGD steps on colored digits.") var coloredSteps = 200
    @Option(help: ArgumentHelp("Also write tables.html to DIR.", valueName: "DIR")) var out: String?

    func run() throws { try runTool("shift-adapt reproduce") { try execute() } }

    func execute() throws {
        var o = LabelShiftExperiment.Options()
        o.alphas = try ListParse.doubles(alphas, option: "--alphas")
        o.entropies = try ListParse.doubles(entropy, option: "--entropy").map(Float.init)
        guard o.alphas.allSatisfy({ $0 > 0 && $0.isFinite }), o.entropies.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw FjordError.usage("--alphas must be > 0 and --entropy ≥ 0, finite")
        }
        guard trials >= 1, targetSize >= 1, steps >= 1, federatedSeeds >= 1, federatedSteps >= 1, coloredSteps >= 1
        else {
            throw FjordError.usage("--trials, --target-size, --steps and the federated seeds and steps must be ≥ 1")
        }
        let setups: [FederatedExperiment.Setup] =
            try federated == "none"
            ? []
            : federated.split(separator: ",").map { name in
                guard let s = FederatedExperiment.Setup(rawValue: String(name)) else {
                    throw FjordError.usage(
                        "--federated: \"\(name)\" is not 5clients, 10clients-v2, colored-digits or selection-digits")
                }
                return s
            }
        o.trials = trials
        o.targetSize = targetSize
        o.training.steps = steps
        o.calibration = calibration
        o.seed = seed
        o.training.seed = seed
        let r = try LabelShiftExperiment.run(BundledData.digits.load(), o)
        let methods = ["none", "bbse", "bbse-soft", "rlls", "mlls", "true"]
        /// Mean and 95% half-width (normal approximation) over trials or seeds.
        func meanCI(_ v: [Double]) -> (mean: Double, half: Double) {
            let n = Double(v.count), mean = v.reduce(0, +) / n
            let sd = n > 1 ? (v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot() : 0
            return (mean, 1.96 * sd / n.squareRoot())
        }
        func interval(_ v: [Double], _ f: (Double) -> String) -> String {
            let (mean, half) = meanCI(v)
            return f(mean) + " ± " + f(half)
        }
        var figures: [(file: String, svg: String)] = []
        func figure(_ file: String, _ plot: SVGPlot, _ caption: String) {
            figures.append((file, plot.render()))
            html +=
                "<figure><img src=\"\(file)\" alt=\"\(SVGPlot.escape(plot.title))\"><figcaption>\(SVGPlot.escape(caption))</figcaption></figure>\n"
        }
        var text = ""
        var html = ""
        for model in r.models {
            let zeta = model.entropy
            let name = zeta == 0 ? "ζ = 0 (cross-entropy; mlls is MLLS)" : "ζ = \(zeta) (mlls is VRLS)"
            let head =
                "\(name): pool accuracy \(NumberFormat.fixed(100 * model.poolAccuracy, 1))%, hold-out NLL \(NumberFormat.significant(model.nll.before)) → \(NumberFormat.significant(model.nll.after)) after \(calibration.rawValue)"
            let mseTitle = "weight MSE × 10³ (mean ± 95% interval over \(trials) trials of \(targetSize) points)"
            let accTitle = "target accuracy, % (after the Bayes-rule adaptation with the weights)"
            var mse = TextTable(title: mseTitle, header: ["α"] + methods.dropLast(), first: 6, rest: 18)
            var acc = TextTable(title: accTitle, header: ["α"] + methods, first: 6, rest: 14)
            for alpha in o.alphas {
                let cells = r.cells.filter { $0.entropy == zeta && $0.alpha == alpha }
                func cell(_ m: String) -> LabelShiftExperiment.Cell { cells.first { $0.method == m }! }
                mse.add(
                    [JSON.format(alpha)]
                        + methods.dropLast().map {
                            interval(cell($0).mse.map { 1000 * $0 }) { NumberFormat.fixed($0, 2) }
                        })
                acc.add(
                    [JSON.format(alpha)]
                        + methods.map { interval(cell($0).accuracy.map { 100 * $0 }) { NumberFormat.fixed($0, 1) } })
            }
            text += head + "\n" + mseTitle + "\n" + mse.text + "\n" + accTitle + "\n" + acc.text + "\n"
            html += "<h4>\(SVGPlot.escape(head))</h4>\n" + mse.html + acc.html
        }
        if o.alphas.count > 1 {
            var plot = SVGPlot(
                title: "Label-shift weight MSE against the Dirichlet concentration", xLabel: "α (small: strong shift)",
                yLabel: "weight MSE")
            (plot.logX, plot.logY) = (true, true)
            for zeta in o.entropies {
                for m in zeta == o.entropies[0] ? ["bbse", "bbse-soft", "rlls", "mlls"] : ["mlls"] {
                    let stats = o.alphas.map { a in
                        meanCI(r.cells.first { $0.entropy == zeta && $0.alpha == a && $0.method == m }!.mse)
                    }
                    let label = zeta == 0 ? m : (m == "mlls" ? "vrls (ζ = \(zeta))" : "\(m) (ζ = \(zeta))")
                    plot.series.append(
                        SVGPlot.Series(
                            label: zeta == o.entropies[0] && zeta != 0 ? "\(m) (ζ = \(zeta))" : label, x: o.alphas,
                            y: stats.map { max($0.mean, 1e-12) }, yError: stats.map(\.half)))
                }
            }
            figure(
                "label-shift-mse.svg", plot,
                "Mean weight MSE over \(trials) trials (95% intervals) on digits with BCTS; rlls lies on bbse (its Δ at α = 0.01 is tiny). `shift-adapt reproduce`."
            )
        }
        if !setups.isEmpty {
            html +=
                "<h4>Federated importance-weighted training: FedSGD, one batch per client per step, through Learn's exchange</h4>\n"
            var f = FederatedExperiment.Options()
            (f.setups, f.seeds, f.steps, f.coloredSteps) = (setups, federatedSeeds, federatedSteps, coloredSteps)
            let cells = try FederatedExperiment.run(BundledData.digits.load(), f)
            for setup in setups {
                let title =
                    "\(setup.rawValue): FedSGD \(setup == .colored ? coloredSteps : federatedSteps) steps, per-client test accuracy % and weights' relative error (mean ± 95% interval over \(federatedSeeds) seeds)"
                var table = TextTable(
                    title: title,
                    header: [
                        "weights", "ratio", "mean", "worst client", "best client", "‖r̂−r‖/‖r‖", "estimation MB",
                        "gradient MB",
                    ],
                    widths: [12, 6, 14, 14, 14, 14, 15, 12])
                for c in cells where c.setup == setup {
                    let pct = { (v: [Double]) in interval(v.map { 100 * $0 }) { NumberFormat.fixed($0, 1) } }
                    let mb = { (v: [Double]) in NumberFormat.fixed(v.reduce(0, +) / Double(v.count) / 1e6, 3) }
                    table.add([
                        c.weighting.rawValue, c.weighting == .none ? "–" : (c.combined ? "ftw" : "fitw"), pct(c.mean),
                        pct(c.worst), pct(c.best), interval(c.ratioError) { NumberFormat.fixed($0, 2) },
                        mb(c.estimationBytes), mb(c.gradientBytes),
                    ])
                }
                text += title + "\n" + table.text + "\n"
                html += table.html
                var plot = SVGPlot(
                    title: "\(setup.rawValue): per-client test accuracy under FedSGD", yLabel: "test accuracy, %")
                let cs = cells.filter { $0.setup == setup }
                plot.categories = cs.map { c in
                    c.weighting == .none
                        ? "FedAvg"
                        : (c.weighting == .classifier ? "clf" : c.weighting.rawValue) + (c.combined ? " ftw" : " fitw")
                }
                for (label, pick) in [("mean over clients", \FederatedExperiment.Cell.mean), ("worst client", \.worst)]
                {
                    let stats = cs.map { meanCI($0[keyPath: pick].map { 100 * $0 }) }
                    plot.series.append(
                        SVGPlot.Series(
                            label: label, x: cs.indices.map(Double.init), y: stats.map(\.mean), kind: .bar,
                            yError: stats.map(\.half)))
                }
                plot.width = max(640, 90 * Double(cs.count) + 260)
                figure(
                    "federated-\(setup.rawValue).svg", plot,
                    "Mean and worst-client test accuracy, 95% intervals over \(federatedSeeds) seeds; `shift-adapt reproduce`."
                )
            }
        }
        try writeStdout(text)
        if let out {
            try makeDirectory(out)
            for f in figures { try AtomicFile.write(f.svg, to: out + "/" + f.file) }
            try AtomicFile.write(html, to: out + "/tables.html")
        }
    }
}
