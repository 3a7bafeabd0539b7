import ArgumentParser
import FjordCLI
import Kernel
import ReasoningBench

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read puzzles made by the official CogniLoad generator into instance records.",
        discussion: """
            PATH is an output folder of the official generator (the folder holding exp/cogniload and meta/cogniload, or \
            exp/cogniload itself), one of its <N>_<d>_<needles>_<id>_<answer>.txt files, or a JSON Lines file with a \
            prompt and an answer per line. Each puzzle is read by the exact solver and checked: its answer and needle \
            count must be the file's, and the meta/cogniload state file (when present) must agree. ρ is the --rho-grid \
            value whose needle count (rounded by --rounding) is the file's, else 100·needles/N. A puzzle that fails a \
            check is reported on stderr and left out; the rest are written, and the exit status is 65.
            Example: reasoning-bench import official/ -o puzzles.jsonl && reasoning-bench solve puzzles.jsonl
            """)

    @Argument(help: ArgumentHelp("Official output folder, .txt puzzle or JSON Lines file.", valueName: "PATH"))
    var path: String
    @Option(help: "ρ values the puzzles were made at (percent), comma-separated.") var rhoGrid = "5,10,25,50,75,90,95"
    @Option(help: "Needle-count rounding the puzzles were made with.")
    var rounding = NeedleRounding.official
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runTool("reasoning-bench import") {
            var o = Importer.Options()
            o.rhoGrid = try parseList(rhoGrid, option: "--rho-grid")
            o.rounding = rounding
            let (records, failures) = try Importer.load(path, options: o)
            for f in failures { printError("reasoning-bench import: \(f.input): \(f.message)") }
            if !records.isEmpty { try writeRecords(records, to: output) }
            printError("reasoning-bench import: \(records.count) puzzles imported, \(failures.count) refused")
            if !failures.isEmpty {
                throw FjordError.data(
                    "\(failures.count) of \(records.count + failures.count) puzzles refused (listed above)")
            }
        }
    }
}

extension NeedleRounding: Choice {
    public var help: String {
        switch self {
        case .official: "halves to even, as Python's round in cogniload.py"
        case .halfAway: "halves away from zero, as Elixir's round in cogniload.exs"
        }
    }
}

extension TextStyle: Choice {
    public var help: String {
        switch self {
        case .official: "the official generator's text and layout"
        case .fjord: "Fjord's first wording"
        }
    }
}
