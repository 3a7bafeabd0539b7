import ArgumentParser
import FjordCLI
import Kernel
import ReasoningBench

struct Solve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Answer every instance with the exact solver (reads only the prompt text) and score it.",
        discussion: """
            Writes result records with model "exact-solver"; the summary on stderr must say 100%. Reads prompts of \
            either wording (the official generator's or Fjord's older one) with any vocabulary. A prompt the solver \
            cannot read becomes a record with an "error" naming the line; the rest are still solved, and the exit \
            status is then 65, naming the records.
            Example: reasoning-bench generate --grid paper --count 5 | reasoning-bench solve > solved.jsonl
            """)

    @OptionGroup var input: RecordInput
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runTool("reasoning-bench solve") {
            var records = try input.read()
            var correct = 0
            var unreadable: [String] = []
            for i in records.indices {
                records[i].model = "exact-solver"
                do throws(FjordError) {
                    let reading = try Solver.read(try records[i].promptText())
                    let s = reading.solution
                    records[i].completion = s.sentence
                    records[i].finishReason = "stop"
                    records[i].tokenizer = "words"
                    records[i].completionTokens = s.sentence.split(separator: " ").count
                    records[i].score(values: reading.answerValues)
                    if records[i].correct == true { correct += 1 }
                } catch {
                    records[i].error = error.message
                    unreadable.append(records[i].id)
                    printError("reasoning-bench solve: \(records[i].id): \(error.message)")
                }
            }
            try writeRecords(records, to: output)
            printError(
                "reasoning-bench solve: \(correct)/\(records.count) correct (\(NumberFormat.fixed(100 * Double(correct) / Double(records.count), 1))%)"
            )
            if !unreadable.isEmpty {
                let shown = unreadable.prefix(5).joined(separator: ", ") + (unreadable.count > 5 ? ", …" : "")
                throw FjordError.data("\(unreadable.count) prompts could not be read: \(shown)")
            }
        }
    }
}

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Answer every instance with a simulated model of known verbosity, budget and error rate.",
        discussion: """
            The model writes T = α·W^κ·e^{σz} words (W = needles), stops at the budget B with finish_reason "length", loops \
            with probability --loop, and answers correctly given completion with probability \
            1/(1 + exp(−(base − length·ln(N/20) − difficulty·(d−1) + curvature·((ρ−50)/50)²))). Presets (sim-careful, \
            sim-terse, sim-looper, sim-capped, or all) are the models `reproduce` uses; the options below override a preset.
            Example: reasoning-bench generate --grid paper --count 5 | reasoning-bench simulate --preset all > results.jsonl
            """)

    @OptionGroup var input: RecordInput
    @Option(help: "Preset: \(SimulatedModel.presets.map(\.name).joined(separator: ", ")) or all.") var preset: String?
    @Option(help: "Model name (default: the preset's, or sim).") var name: String?
    @Option(help: "Overhead α: words per work unit at W = 1.") var overhead: Double?
    @Option(help: "Coupling κ.") var coupling: Double?
    @Option(help: "Log-normal noise σ of the length.") var noise: Double?
    @Option(help: "Token budget B.") var budget: Int?
    @Option(help: "Probability of a repetition loop (always truncated).") var loop: Double?
    @Option(help: "Accuracy logit intercept.") var base: Double?
    @Option(help: "Accuracy logit slope per ln(N/20).") var length: Double?
    @Option(help: "Accuracy logit slope per unit of d.") var difficulty: Double?
    @Option(help: "Accuracy logit curvature in ρ (positive: U-shape).") var curvature: Double?
    @Option(help: "Share of trace lines copied from the prompt.") var echo: Double?
    @Option(help: "Share of trace lines naming nothing from the puzzle.") var filler: Double?
    @Option(help: "Seed.") var seed: UInt64 = 0
    @OptionGroup var output: OutputOptions

    func models() throws(FjordError) -> [SimulatedModel] {
        var ms: [SimulatedModel]
        switch preset {
        case nil: ms = [SimulatedModel(name: name ?? "sim")]
        case "all": ms = SimulatedModel.presets
        case let p?:
            guard let m = SimulatedModel.presets.first(where: { $0.name == p }) else {
                throw .usage(
                    "--preset must be one of \(SimulatedModel.presets.map(\.name).joined(separator: ", ")), all")
            }
            ms = [m]
        }
        for i in ms.indices {
            if let name, preset != "all" { ms[i].name = name }
            if let overhead {
                guard overhead > 0 else { throw .usage("--overhead must be > 0") }
                ms[i].overhead = overhead
            }
            if let coupling { ms[i].coupling = coupling }
            if let noise {
                // a log-normal σ beyond 10 makes lengths of e^±30 and more: no model's, and it overflows the counts
                guard noise > 0 && noise <= 10 else { throw .usage("--noise must be in (0, 10]") }
                ms[i].noise = noise
            }
            if let budget {
                guard budget >= SimulatedModel.minimumTokens else {
                    throw .usage("--budget must be ≥ \(SimulatedModel.minimumTokens)")
                }
                ms[i].budget = budget
            }
            for (v, n) in [(loop, "--loop"), (echo, "--echo"), (filler, "--filler")] {
                if let v, !(0...1).contains(v) { throw .usage("\(n) must be a probability in 0…1") }
            }
            if let loop { ms[i].loop = loop }
            if let echo { ms[i].echo = echo }
            if let filler { ms[i].filler = filler }
            if let base { ms[i].base = base }
            if let length { ms[i].length = length }
            if let difficulty { ms[i].difficulty = difficulty }
            if let curvature { ms[i].curvature = curvature }
            ms[i].seed = seed
        }
        return ms
    }

    func run() throws {
        try runTool("reasoning-bench simulate") {
            let ms = try models()
            let records = try input.read()
            try output.write(binary: false) { sink in
                var w = RecordWriter(sink)
                for m in ms {
                    for r in records { try w.write(try simulated(r, model: m)) }
                }
                try w.flush()
            }
        }
    }
}

/// One simulated answer as a scored result record.
func simulated(_ r: Record, model m: SimulatedModel) throws(FjordError) -> Record {
    let p = try r.puzzle()
    let resp = m.respond(to: p)
    var out = r
    out.prompt = nil
    out.model = m.name
    out.completion = resp.completion
    out.finishReason = resp.finishReason
    out.completionTokens = resp.tokens
    out.tokenizer = "words"
    out.score()
    return out
}
