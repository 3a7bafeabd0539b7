import ArgumentParser
import FjordCLI
import Kernel
import XAI

struct Reproduce: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Plain attention against SRA at λ ∈ {0, 0.1, 1, 10} on the synthetic rationale benchmark.",
        discussion: """
            Per seed: --posts training posts at ρ = --rho (a toxic post names a community with probability ρ, a \
            non-toxic one with 1 − ρ: a spurious cue), an in-distribution test set at the same ρ and a shifted one at \
            ρ = --shifted-rho (the cue carries no information), --triggers trigger words (Zipf: the long tail is \
            where labels alone do not teach the model which word matters). Arms, all one attention layer unless \
            named: plain attention (λ = 0), SRA with --align at λ = 0.1, 1 and 10, the random-rationale control \
            (the alignment term trains towards as many random positions as the annotators marked, λ = 1), and a \
            two-layer model plain and with SRA on its last layer. Every arm trains on the same data from the same \
            model seed; the explanation is head 0 of the last layer's [CLS] row (the supervised head), scored \
            against the planted rationale with HateXplain's rules (top-5 hard rationale, tokens as spans, IoU 0.5), \
            faithfulness by deletion of the predicted class; bias AUCs on the shifted test set. Tables: mean ± 95% \
            t interval over --seeds. Writes the tables to stdout, and tables.html, attention pictures (PNG, HTML) \
            and a figure (SVG) to --out.
            Example: xai reproduce --seeds 3 --out rep
            """)

    @Option(help: "Seeds (each: its own data and model initialisation).") var seeds = 3
    @Option(help: "Training posts per seed.") var posts = 10_000
    @Option(help: "Posts per test set.") var testPosts = 2000
    @Option(help: "Trigger words (Zipf-distributed).") var triggers = 3000
    @Option(help: "P(community | toxic) = P(no community | non-toxic) in training and the in-distribution test.")
    var rho = 0.9
    @Option(help: "ρ of the shifted test set.") var shiftedRho = 0.5
    @Option(help: "Alignment loss of the SRA arms.") var align = AlignmentLoss.kl
    @Option(help: "Passes over the training posts.") var epochs = 20
    @Option(help: "Model width.") var dim = 32
    @Option(help: "Threads (one training each).") var threads = 2
    @Option(help: ArgumentHelp("Also write tables.html and the pictures to DIR.", valueName: "DIR")) var out: String?
    @Flag(help: "No progress bar.") var quiet = false

    func validate() throws {
        if seeds < 1 || posts < 10 || testPosts < 10 || triggers < 1 || epochs < 1 || threads < 1 {
            throw ValidationError("--seeds, --epochs, --threads and --triggers must be ≥ 1, --posts ≥ 10")
        }
        if !(0...1).contains(rho) || !(0...1).contains(shiftedRho) {
            throw ValidationError("--rho and --shifted-rho must be in [0, 1]")
        }
        if dim < 2 || dim % 2 != 0 { throw ValidationError("--dim must be an even number ≥ 2 (two heads)") }
    }

    func run() throws { try runTool("xai reproduce") { try execute() } }

    func execute() throws {
        var e = SRAExperiment()
        (e.seeds, e.posts, e.testPosts, e.triggers, e.rho, e.shiftedRho) =
            (seeds, posts, testPosts, triggers, rho, shiftedRho)
        (e.alignment, e.epochs, e.dim, e.threads) = (align, epochs, dim, threads)
        let bar = ProgressBar("xai reproduce", total: e.arms.count * seeds, quiet: quiet)
        let runs = try e.run { _ in bar.advance() }
        bar.finish()
        let arms = e.arms
        func stat(_ arm: Int, _ f: (SRAExperiment.Run) -> Double) -> (mean: Double, half: Double) {
            Inference.meanInterval(runs.filter { $0.arm == arm }.map(f))
        }
        func cell(_ arm: Int, scale: Double = 1, digits: Int = 3, _ f: (SRAExperiment.Run) -> Double) -> String {
            intervalCell(runs.filter { $0.arm == arm }.map(f), scale: scale, digits: digits)
        }
        let over = "mean ± 95% interval over \(seeds) seed\(seeds == 1 ? "" : "s")"
        let setup =
            "\(posts) training posts (ρ = \(JSON.format(rho)), \(triggers) triggers), \(testPosts) test posts per set, "
            + "\(epochs) epochs, alignment \(align.rawValue); \(over)"
        typealias Column = (name: String, scale: Double, digits: Int, value: (SRAExperiment.Run) -> Double)
        let tables: [(title: String, columns: [Column])] = [
            (
                "Accuracy (%) and bias AUCs (shifted test set, ρ = \(JSON.format(shiftedRho)))",
                [
                    ("accuracy in-dist.", 100, 1, { $0.inDistribution.accuracy }),
                    ("accuracy shifted", 100, 1, { $0.shifted.accuracy }),
                    ("GMB subgroup", 1, 3, { $0.shifted.bias?.gmbSubgroup ?? .nan }),
                    ("GMB BPSN", 1, 3, { $0.shifted.bias?.gmbBPSN ?? .nan }),
                    ("GMB BNSP", 1, 3, { $0.shifted.bias?.gmbBNSP ?? .nan }),
                ]
            ),
            (
                "Plausibility against the planted rationale (in-distribution test set)",
                [
                    ("token F1", 1, 3, { $0.inDistribution.tokenF1.f1 }),
                    ("IOU F1", 1, 3, { $0.inDistribution.iouF1.f1 }),
                    ("AUPRC", 1, 3, { $0.inDistribution.soft.auprc }),
                    ("token IoU", 1, 3, { $0.inDistribution.tokenIoU }),
                ]
            ),
            (
                "Faithfulness by deletion, predicted class (in-distribution test set; higher comp., lower suff.)",
                [
                    ("comprehensiveness", 1, 3, { $0.inDistribution.faithfulness.comprehensiveness }),
                    ("sufficiency", 1, 3, { $0.inDistribution.faithfulness.sufficiency }),
                    ("AOPC comp.", 1, 3, { $0.inDistribution.faithfulness.aopcComprehensiveness }),
                    ("AOPC suff.", 1, 3, { $0.inDistribution.faithfulness.aopcSufficiency }),
                    ("train s", 1, 1, { $0.seconds }),
                ]
            ),
        ]
        var text = setup + "\n\n"
        var html = "<p>\(SVGPlot.escape(setup)).</p>\n"
        for t in tables {
            var table = TextTable(title: t.title, header: ["arm"] + t.columns.map(\.name), first: 32, rest: 19)
            for a in arms.indices {
                table.add([arms[a].name] + t.columns.map { cell(a, scale: $0.scale, digits: $0.digits, $0.value) })
            }
            text += t.title + "\n" + table.text + "\n"
            html += table.html
        }
        try writeStdout(text)
        guard let out else { return }
        try makeDirectory(out)
        var plot = SVGPlot(title: "Plausibility and faithfulness by arm (in-distribution)", yLabel: "score")
        plot.categories = arms.map(\.short)
        for (label, f) in [
            ("token F1", { (r: SRAExperiment.Run) in r.inDistribution.tokenF1.f1 }),
            ("AUPRC", { $0.inDistribution.soft.auprc }),
            ("comprehensiveness", { $0.inDistribution.faithfulness.comprehensiveness }),
        ] {
            let s = arms.indices.map { stat($0, f) }
            plot.series.append(
                SVGPlot.Series(
                    label: label, x: arms.indices.map(Double.init), y: s.map(\.mean), kind: .bar,
                    yError: s.map { $0.half.isNaN ? 0 : $0.half }))
        }
        plot.width = max(720, 110 * Double(arms.count) + 260)
        try AtomicFile.write(plot.render(), to: out + "/sra-arms.svg")
        html +=
            "<figure><img src=\"sra-arms.svg\" alt=\"bars by arm\"><figcaption>Token F1, AUPRC and comprehensiveness "
            + "per arm (2L: two layers), \(over); <code>xai reproduce</code>.</figcaption></figure>\n"
        var rules = e.rules
        rules.layer = nil
        for (a, file) in [(0, "attention-plain"), (2, "attention-sra")] where a < arms.count {
            guard let r = runs.first(where: { $0.arm == a && $0.seed == 0 }) else { continue }
            try AtomicFile.write(
                try Pictures.attentionPNG(r.records, truth: rules, count: 12), to: "\(out)/\(file).png")
            html +=
                "<h4>\(SVGPlot.escape(arms[a].name)): [CLS] attention (background) and planted rationale "
                + "(underlined), seed 0</h4>\n" + Pictures.attentionHTML(r.records, truth: rules, count: 8)
                + "<figure><img src=\"\(file).png\" alt=\"attention cells\"><figcaption>Per post: attention "
                + "(viridis, scaled to the post's maximum) above the planted rationale (orange).</figcaption></figure>\n"
        }
        try AtomicFile.write(html, to: out + "/tables.html")
    }
}
