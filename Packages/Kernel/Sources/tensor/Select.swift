import ArgumentParser
import FjordCLI
import Kernel

struct Select: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Keep the arrays of a stream at the given positions.",
        discussion: """
            Positions are 0-based, comma-separated, with Python ranges and negatives: 0,2  1:  -1  0:10.
            Example: tensor rand --shape 8 --count 10 | tensor select --index 0,-1 | tensor info
            """)

    @OptionGroup var input: InputOptions
    @Option(help: "Positions to keep, e.g. 0,3:5,-1.") var index: String
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runTool("tensor select") {
            let arrays = try input.readAll()
            let keep = try ListParse.indices(index, count: arrays.count, option: "--index")
            try output.write { sink in
                let w = NpyWriter(sink)
                for k in keep { try w.write(arrays[k]) }
            }
        }
    }
}
