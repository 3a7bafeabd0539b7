import ArgumentParser
import FjordCLI
import Kernel
import XAI

struct CoExVQA: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coexvqa",
        abstract: "CoExVQA's chain of explanation on synthetic invoices: evidence → answer box → decode from the box.",
        discussion: """
            Per seed: a layout-aware reader (OCR words with boxes; --layers residual attention layers, 3 by default) \
            trained on --questions synthetic invoice questions, tested on --test-questions others. Its chain: (1) \
            evidence, the question's key and value words, as head 0 of the last-but-one layer's [CLS] attention; (2) \
            the answer box, the hull of the words holding at least half the maximum of head 1 of the last layer's \
            [CLS] attention; (3) the answer, decoded only from the words inside the box. Against the same reader's \
            tagger over the whole page (unconstrained). Scores: ANLS (strict and mp-docvqa), exact match, box IoU \
            against the true answer box, accuracy at IoU ≥ 0.5, box area over page area; and three deletions from \
            the page (the box's words, as many random words outside it, the key outside it) with the ANLS after each. \
            Tables: mean ± 95% t interval over --seeds, and every seed's ANLS. Writes the tables to stdout, and \
            tables.html, deletions.svg and pages.png to --out; --predictions writes answers for `xai anls`.
            Example: xai coexvqa --seeds 3 --out coex
            """)

    @Option(help: "Seeds (each: its own data and model initialisation).") var seeds = 3
    @Option(help: "Training questions per seed (one page each).") var questions = 4000
    @Option(help: "Test questions per seed.") var testQuestions = 500
    @Option(help: "Passes over the training questions.") var epochs = 20
    @Option(help: "Learning rate (Adam, cosine to a twentieth).") var learningRate: Float = 3e-3
    @Option(help: "Model width.") var dim = 48
    @Option(help: "Attention layers (≥ 2; evidence in the last but one, answer region in the last).") var layers = 3
    @Option(help: "Weight of the evidence term (KL to the key and value words).") var evidenceWeight: Float = 1
    @Option(help: "Weight of the answer-region term (KL to the answer words).") var regionWeight: Float = 1
    @Option(help: "Threads (one training each).") var threads = 2
    @Option(help: ArgumentHelp("Also write tables.html and the page pictures to DIR.", valueName: "DIR")) var out:
        String?
    @Option(
        help: ArgumentHelp(
            "Write seed 0's test answers as JSON Lines for `xai anls` (constrained answer and box, gold, page, the "
                + "unconstrained answer and box).", valueName: "FILE"))
    var predictions: String?
    @Flag(help: "No progress bar.") var quiet = false

    func validate() throws {
        if seeds < 1 || questions < 10 || testQuestions < 10 || epochs < 1 || threads < 1 {
            throw ValidationError("--seeds, --epochs and --threads must be ≥ 1, --questions and --test-questions ≥ 10")
        }
        if layers < 2 { throw ValidationError("--layers must be ≥ 2") }
        if dim < 4 || dim % 4 != 0 { throw ValidationError("--dim must be a multiple of 4 (four heads)") }
        if !(learningRate > 0) || !(evidenceWeight >= 0) || !(regionWeight >= 0) {
            throw ValidationError("--learning-rate must be > 0, the weights ≥ 0")
        }
    }

    func run() throws { try runTool("xai coexvqa") { try execute() } }

    func execute() throws {
        var e = CoExVQAExperiment()
        (e.seeds, e.questions, e.testQuestions, e.epochs, e.learningRate) =
            (seeds, questions, testQuestions, epochs, learningRate)
        (e.shape.dim, e.shape.layers, e.evidenceWeight, e.regionWeight, e.threads) = (
            dim, layers, evidenceWeight, regionWeight, threads
        )
        let bar = ProgressBar("xai coexvqa", total: seeds, quiet: quiet)
        let runs = try e.run { _ in bar.advance() }
        bar.finish()
        func cell(_ f: (CoExVQAExperiment.Run) -> Double, digits: Int = 3) -> String {
            intervalCell(runs.map(f), digits: digits)
        }
        let over = "mean ± 95% interval over \(seeds) seed\(seeds == 1 ? "" : "s")"
        let setup =
            "\(questions) training and \(testQuestions) test questions per seed, \(epochs) epochs, "
            + "\(runs[0].parameters) parameters, "
            + "evidence weight \(JSON.format(Double(evidenceWeight))), region weight \(JSON.format(Double(regionWeight))); \(over)"
        typealias Column = (name: String, value: (CoExVQAExperiment.Scores) -> Double)
        let tables: [(title: String, columns: [Column])] = [
            (
                "Answers and grounding (IoU against the hull of the true answer words)",
                [
                    ("ANLS", { $0.anls }), ("ANLS mp-docvqa", { $0.anlsMP }), ("exact", { $0.exact }),
                    ("box IoU", { $0.iou }), ("acc@IoU≥0.5", { $0.accuracy50 }), ("area ratio", { $0.areaRatio }),
                ]
            ),
            (
                "Masking intervention: ANLS (and share of answers changed) after deleting words from the page",
                [
                    ("none", { $0.anls }),
                    ("box's words", { $0.anlsWithoutBox }), ("changed", { $0.changedWithoutBox }),
                    ("as many random", { $0.anlsWithoutRandom }), ("changed", { $0.changedWithoutRandom }),
                    ("key", { $0.anlsWithoutKey }), ("changed", { $0.changedWithoutKey }),
                ]
            ),
        ]
        var text = setup + "\n\n"
        var html = "<p>\(SVGPlot.escape(setup)).</p>\n"
        for t in tables {
            var table = TextTable(title: t.title, header: ["decoder"] + t.columns.map(\.name), first: 30, rest: 16)
            for (name, pick) in [
                ("constrained to the box", { (r: CoExVQAExperiment.Run) in r.constrained }),
                ("unconstrained (whole page)", { $0.unconstrained }),
            ] {
                table.add([name] + t.columns.map { c in cell { c.value(pick($0)) } })
            }
            text += t.title + "\n" + table.text + "\n"
            html += table.html
        }
        let heads =
            "evidence head: \(cell { $0.evidenceMass }) of its weight on the key and value words; region head: "
            + "\(cell { $0.regionMass }) on the answer words; training \(cell({ $0.seconds }, digits: 1)) s per seed\n"
            + "ANLS per seed, constrained: "
            + runs.map { NumberFormat.fixed($0.constrained.anls, 3) }.joined(separator: " ") + "; unconstrained: "
            + runs.map { NumberFormat.fixed($0.unconstrained.anls, 3) }.joined(separator: " ") + "\n"
        text += heads
        html += heads.split(separator: "\n").map { "<p>\(SVGPlot.escape(String($0)))</p>\n" }.joined()
        try writeStdout(text)
        if let out { try makeDirectory(out) }  // first: --predictions may name a file inside it
        if let predictions {
            let lines = runs[0].examples.map { CoExVQAExperiment.record($0.0, $0.1).serialized + "\n" }
            try AtomicFile.write(lines.joined(), to: predictions)
        }
        guard let out else { return }
        var plot = SVGPlot(title: "ANLS after deleting words from the page", yLabel: "ANLS")
        plot.categories = ["none", "box's words", "random", "key"]
        for (label, pick) in [
            ("constrained to the box", { (r: CoExVQAExperiment.Run) in r.constrained }),
            ("unconstrained", { $0.unconstrained }),
        ] {
            let s = [{ $0.anls }, { $0.anlsWithoutBox }, { $0.anlsWithoutRandom }, { $0.anlsWithoutKey }].map {
                (f: (CoExVQAExperiment.Scores) -> Double) in Inference.meanInterval(runs.map { f(pick($0)) })
            }
            plot.series.append(
                SVGPlot.Series(
                    label: label, x: [0, 1, 2, 3], y: s.map(\.mean), kind: .bar,
                    yError: s.map { $0.half.isNaN ? 0 : $0.half }))
        }
        try AtomicFile.write(plot.render(), to: out + "/deletions.svg")
        html +=
            "<figure><img src=\"deletions.svg\" alt=\"ANLS after deletions\"><figcaption>ANLS of both decoders after "
            + "deleting the words inside each one's own answer box, as many random words outside it, or the field's "
            + "key; \(over).</figcaption></figure>\n"
        try AtomicFile.write(try PagePicture.png(Array(runs[0].examples.prefix(6)), columns: 3), to: out + "/pages.png")
        html +=
            "<figure><img src=\"pages.png\" alt=\"pages with boxes\"><figcaption>Seed 0, the first test pages: "
            + "evidence weight (orange background), the predicted answer box the answer was decoded from (red), the "
            + "true answer box (green); the answer above in green when it matches the gold.</figcaption></figure>\n"
        try AtomicFile.write(html, to: out + "/tables.html")
    }
}
