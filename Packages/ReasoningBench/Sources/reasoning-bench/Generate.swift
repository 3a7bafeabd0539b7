import ArgumentParser
import FjordCLI
import Kernel
import ReasoningBench

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate puzzles as JSON Lines instance records.",
        discussion: """
            The grid is the product of --N, --d and --rho (or --grid paper: N 20,50,100,250 × ρ 5,10,25,50,75,90,95 × \
            d 1,3,5,7,10), --count instances each. Instance k of a grid point has its own seed, a hash of (--seed, N, d, ρ, k), \
            so it is the same puzzle whatever else the grid holds. Ranges: N 1…100000, d 1…12, ρ 0…100 (percent of the \
            statements that concern the person asked about). The text is the official CogniLoad generator's wording and \
            layout (--text official), needle counts rounded as its Python port does (--rounding official).
            Example: reasoning-bench generate --N 50 --d 3 --rho 10,50,90 --count 20 -o puzzles.jsonl
            """)

    @Option(help: "Preset grid: paper.") var grid: String?
    @Option(name: .customLong("N"), help: "Statement counts, comma-separated.") var n = "20"
    @Option(name: .customLong("d"), help: "Intrinsic difficulties 1…12, comma-separated.") var d = "3"
    @Option(help: "Needle percentages 0…100, comma-separated.") var rho = "50"
    @Option(help: "Instances per grid point.") var count = 10
    @Option(help: "Base seed.") var seed: UInt64 = 42
    @Flag(help: "Leave the prompt text out (consumers regenerate it from params and seed).") var noPrompt = false
    @Option(help: "Wording of the prompts.")
    var text = TextStyle.official
    @Option(help: "Needle-count rounding at halves.")
    var rounding = NeedleRounding.official
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runTool("reasoning-bench generate") {
            let points = try gridPoints()
            guard count >= 1 else { throw FjordError.usage("--count must be ≥ 1") }
            try output.write(binary: false) { sink in
                var w = RecordWriter(sink)
                for p in points {
                    for i in 0..<count {
                        let puzzle = try Generator.generate(p, baseSeed: seed, index: i, style: text)
                        try w.write(Record(puzzle: puzzle, index: i, includePrompt: !noPrompt))
                    }
                }
                try w.flush()
            }
        }
    }

    func gridPoints() throws(FjordError) -> [PuzzleParameters] {
        if let grid {
            guard grid == "paper" else { throw .usage("--grid must be \"paper\" (or give --N, --d, --rho)") }
            return PuzzleParameters.paperGrid(rounding: rounding)
        }
        var out: [PuzzleParameters] = []
        for nv in try parseList(n, option: "--N") {
            guard nv == nv.rounded() else { throw .usage("--N values must be integers, got \(nv)") }
            for r in try parseList(rho, option: "--rho") {
                for dv in try parseList(d, option: "--d") {
                    guard dv == dv.rounded() else { throw .usage("--d values must be integers, got \(dv)") }
                    guard abs(nv) < 1e9, abs(dv) < 1e9 else { throw .usage("--N and --d values are out of range") }
                    out.append(try PuzzleParameters(N: Int(nv), d: Int(dv), rho: r, rounding: rounding))
                }
            }
        }
        return out
    }
}
