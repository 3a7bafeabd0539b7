import ArgumentParser
import FjordCLI
import Foundation
import Kernel
import Learn

struct Momentum: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "SGD with momentum against SGD with early momentum (SGDEM): generalization gap and uniform stability.",
        discussion: """
            On the bundled digits (64-64-10 ReLU MLP, batch 32, constant step), through Learn's trainer: \
            SGDM w ← w − α∇ℓ + μ(w − w_prev) for every step, SGDEM the same for the first --early epochs and plain SGD \
            after (Ramezani-Kebrya et al., JMLR 2024). 1. The train − test accuracy gap after --epochs, for each \
            --momentum, over --seeds seeds (mean and 95% t-interval). 2. Uniform stability: the same seed on two training \
            sets that differ in one sample; ‖w_T − w′_T‖ over epochs (the paper: SGDM's can grow without bound, SGDEM's \
            stays that of SGD after the early phase). Writes momentum-gap.svg, stability.svg, momentum-tables.html and the \
            tables to stdout.
            Example: vi-opt momentum --out out/vi-opt
            """)

    @Option(help: ArgumentHelp("Folder for the figures and tables.", valueName: "DIR")) var out = "."
    @Option(help: "Seeds per setting.") var seeds = 5
    @Option(help: "Epochs.") var epochs = 30
    @Option(help: "Step size α.") var lr: Float = 0.05
    @Option(help: "Momentum values μ, comma-separated.") var momentum = "0.5,0.9,0.99"
    @Option(help: "Epochs of momentum for SGDEM.") var early = 2
    @Option(help: "Rows per step.") var batch = 32

    func validate() throws {
        if seeds < 2 { throw ValidationError("--seeds must be ≥ 2 (the interval needs two)") }
        if epochs < 1 || early < 0 || early > epochs {
            throw ValidationError("need 0 ≤ --early ≤ --epochs, --epochs ≥ 1")
        }
        if !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be a finite number > 0") }
        if batch < 1 { throw ValidationError("--batch must be ≥ 1") }
    }

    func run() throws {
        try runTool("vi-opt momentum") {
            let mus = try ListParse.doubles(momentum, option: "--momentum").map(Float.init)
            guard mus.allSatisfy({ $0 >= 0 && $0 < 1 }) else {
                throw FjordError.usage("--momentum values must be in [0, 1)")
            }
            try makeDirectory(out)
            let (train, test) = BundledData.digits.load().standardizedSplit(testFraction: 0.25, seed: 0)
            let perEpoch = (train.count + batch - 1) / batch
            func fit(
                _ mu: Float, earlySteps: Int?, seed: UInt64, on data: Dataset, steps: Int, evaluate: Bool
            )
                throws -> TrainingReport
            {
                var setup = TrainingSetup(
                    model: { Sequential.mlp([64, 64, 10], seed: seed) },
                    optimizer: { SGD(.constant(lr), momentum: mu, momentumSteps: earlySteps) })
                setup.progress = nil
                var config = TrainingConfig(steps: steps, batchSize: batch)
                config.seed = seed
                config.evaluateEvery = evaluate ? perEpoch : 0
                return try trainLocal(
                    workers: 1, train: data, test: evaluate ? test : nil, setup: setup, config: config)[0]
            }
            var text = "", html = ""
            // 1. The generalization gap.
            var gapTable = TextTable(
                title:
                    "Train − test accuracy after \(epochs) epochs (digits, α = \(lr), \(seeds) seeds, 95% t-interval)",
                header: ["method", "μ", "gap", "interval", "test accuracy"], widths: [26, 8, 10, 20, nil])
            var plot = SVGPlot(
                title: "Generalization gap over epochs (μ = 0.9)", xLabel: "epoch", yLabel: "train − test accuracy")
            for mu in mus {
                for (name, earlySteps) in [("SGDM", nil as Int?), ("SGDEM (early \(early) epochs)", early * perEpoch)] {
                    var gaps: [Double] = [], tests: [Double] = [], curve = [Double](repeating: 0, count: epochs)
                    for s in 0..<seeds {
                        let r = try fit(
                            mu, earlySteps: earlySteps, seed: UInt64(s + 1), on: train, steps: epochs * perEpoch,
                            evaluate: true)
                        let h = r.history.filter { $0.testAccuracy != nil }
                        guard let last = h.last, let ta = last.testAccuracy else { continue }
                        gaps.append(last.trainAccuracy - ta)
                        tests.append(ta)
                        for (e, rec) in h.prefix(epochs).enumerated() {
                            curve[e] += (rec.trainAccuracy - (rec.testAccuracy ?? 0)) / Double(seeds)
                        }
                    }
                    let (m, hw) = Inference.meanInterval(gaps)
                    gapTable.add([
                        name, NumberFormat.fixed(Double(mu), 2), NumberFormat.fixed(m, 4),
                        "[" + NumberFormat.fixed(m - hw, 4) + ", " + NumberFormat.fixed(m + hw, 4) + "]",
                        NumberFormat.fixed(tests.reduce(0, +) / Double(max(1, tests.count)), 4),
                    ])
                    if abs(mu - 0.9) < 1e-6 {
                        plot.series.append(SVGPlot.Series(label: name, x: (1...epochs).map(Double.init), y: curve))
                    }
                }
            }
            try AtomicFile.write(plot.render(), to: out + "/momentum-gap.svg")
            text += gapTable.text + "\n"
            html += gapTable.html
            // 2. Uniform stability: one sample replaced (row 0 takes row 1's features and label).
            var f = train.features.scalars, l = train.labels
            let dim = train.dimension
            for k in 0..<dim { f[k] = f[dim + k] }
            l[0] = l[1]
            let neighbour = try Dataset(
                name: train.name + " (row 0 replaced)", features: Tensor(shape: train.features.shape, values: f),
                labels: l, classes: train.classes)
            let checkpoints = [1, 2, 5, 10, 20, 30].filter { $0 <= epochs }
            var stab = TextTable(
                title: "‖w_T − w′_T‖ on training sets differing in one sample (same seed, μ = 0.9)",
                header: ["method"] + checkpoints.map { "epoch \($0)" }, first: 26, rest: 12)
            var splot = SVGPlot(title: "Uniform stability (μ = 0.9)", xLabel: "epoch", yLabel: "‖w_T − w′_T‖")
            for (name, mu, earlySteps) in [
                ("SGD", Float(0), nil as Int?), ("SGDM", Float(0.9), nil),
                ("SGDEM (early \(early) epochs)", Float(0.9), early * perEpoch),
            ] {
                var row = [name]
                var ys: [Double] = []
                for e in checkpoints {
                    let a = try fit(
                        mu, earlySteps: earlySteps, seed: 1, on: train, steps: e * perEpoch, evaluate: false)
                    let b = try fit(
                        mu, earlySteps: earlySteps, seed: 1, on: neighbour, steps: e * perEpoch, evaluate: false)
                    let dist = zip(a.parameters, b.parameters).reduce(0.0) {
                        $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1)
                    }
                    .squareRoot()
                    row.append(NumberFormat.significant(dist))
                    ys.append(dist)
                }
                stab.add(row)
                splot.series.append(SVGPlot.Series(label: name, x: checkpoints.map(Double.init), y: ys))
            }
            try AtomicFile.write(splot.render(), to: out + "/stability.svg")
            text += stab.text
            html += stab.html
            try AtomicFile.write(html, to: out + "/momentum-tables.html")
            try writeStdout(text)
        }
    }
}
