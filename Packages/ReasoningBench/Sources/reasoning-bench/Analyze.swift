import ArgumentParser
import FjordCLI
import Kernel
import ReasoningBench

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Accuracy by N, d, ρ, the U-shape fit, the efficiency decomposition and trace measures, per model.",
        discussion: """
            Reads result records of any number of models (unscored records are scored first). Intervals are 95% percentile \
            bootstraps over instances (--resamples, --fit-resamples for the κ/α regressions). --figures DIR writes per model \
            heatmaps-<model>.svg, and u-shape.svg and tokens-workload.svg.
            Example: reasoning-bench analyze results.jsonl --json report.json --figures figs
            """)

    @OptionGroup var input: RecordInput
    @Option(help: "Bootstrap resamples for means.") var resamples = 1000
    @Option(help: "Bootstrap resamples for the regressions.") var fitResamples = 200
    @Option(help: "Seed of the bootstrap.") var seed: UInt64 = 0
    @Flag(help: "Skip trace measures (they regenerate each prompt).") var noTraces = false
    @Option(help: ArgumentHelp("Write the report as JSON to FILE.", valueName: "FILE")) var json: String?
    @Option(help: ArgumentHelp("Write SVG figures into DIR.", valueName: "DIR")) var figures: String?

    func validate() throws {
        if resamples < 2 || fitResamples < 2 { throw ValidationError("--resamples and --fit-resamples must be ≥ 2") }
    }

    func run() throws {
        try runTool("reasoning-bench analyze") {
            let records = try input.read()
            var o = Analysis.Options()
            o.resamples = resamples
            o.fitResamples = fitResamples
            o.seed = seed
            o.traces = !noTraces
            let groups = Analysis.byModel(records)
            var summaries: [ModelSummary] = []
            for (m, rs) in groups { summaries.append(try Analysis.summarize(model: m, rs, options: o)) }
            let c = Comparison(summaries)
            try writeStdout(c.text)
            if let json { try AtomicFile.write(c.json.serialized + "\n", to: json) }
            if let figures { try writeFigures(c, groups, to: figures) }
        }
    }
}

/// Writes the analysis figures into `dir` (created if needed).
func writeFigures(_ c: Comparison, _ groups: [(String, [Record])], to dir: String) throws(FjordError) {
    try makeDirectory(dir)
    for m in c.models {
        let safe = String(m.model.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
        try AtomicFile.write(Figures.heatmaps(m), to: dir + "/heatmaps-\(safe).svg")
    }
    try AtomicFile.write(Figures.uShape(c.models), to: dir + "/u-shape.svg")
    let pairs = c.models.map { m in (m, groups.first { $0.0 == m.model }!.1) }
    try AtomicFile.write(Figures.tokensVsWorkload(pairs), to: dir + "/tokens-workload.svg")
}
