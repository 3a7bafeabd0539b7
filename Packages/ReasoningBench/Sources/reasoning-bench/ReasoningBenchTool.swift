import ArgumentParser
import FjordCLI
import Kernel
import ReasoningBench

/// `reasoning-bench`: CogniLoad puzzles, model runs, scoring and the reasoning-efficiency decomposition.
@main
struct ReasoningBenchTool: FjordTool {
    static let configuration = CommandConfiguration(
        commandName: "reasoning-bench",
        abstract: "Generate CogniLoad logic puzzles, run models on them, score and decompose reasoning efficiency.",
        discussion: """
            Every subcommand reads and writes JSON Lines records (schema in the package README), so they chain:
              reasoning-bench generate --grid paper --count 10 | reasoning-bench simulate --preset all | reasoning-bench analyze
              reasoning-bench generate --grid paper -o puzzles.jsonl
              reasoning-bench run --endpoint http://localhost:8000/v1 --model qwen3-8b puzzles.jsonl -o results.jsonl
              reasoning-bench analyze results.jsonl --figures figs/
            """,
        version: fjordVersion,
        subcommands: [
            Generate.self, Import.self, Describe.self, Solve.self, Simulate.self, Run.self, Tokens.self, Score.self,
            Analyze.self,
            Reproduce.self,
        ])
}

/// A JSONL input: a FILE argument or stdin.
struct RecordInput: ParsableArguments {
    @Argument(help: ArgumentHelp("Input JSON Lines records (default: stdin).", valueName: "FILE"))
    var input: String = "-"

    func read() throws(FjordError) -> [Record] {
        let records = try RecordFile.read(path: input)
        if records.isEmpty { throw .noInput("\(input == "-" ? "stdin" : input): no records") }
        return records
    }
}

/// Writes records as JSON Lines.
func writeRecords(_ records: [Record], to output: OutputOptions) throws {
    try output.write(binary: false) { sink in
        var w = RecordWriter(sink)
        for r in records { try w.write(r) }
        try w.flush()
    }
}

/// Parses a comma-separated list of numbers for a grid axis.
func parseList(_ s: String, option: String) throws(FjordError) -> [Double] {
    try ListParse.doubles(s, option: option)
}
