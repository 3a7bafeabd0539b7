import ArgumentParser
import FjordCLI
import Kernel

struct Slice: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Slice every array of a stream with numpy basic indexing.",
        discussion: """
            --slice takes one entry per axis, comma-separated, as inside numpy's brackets: 0:10 , ::2 , -1 , 3:0:-1 . \
            A single integer removes its axis; missing trailing axes are kept whole.
            Example: tensor rand --shape 64,64 | tensor slice --slice '0:8,::-1' | tensor info
            """)

    @OptionGroup var input: InputOptions
    @Option(name: .customLong("slice"), help: "The index, e.g. '0:10,::2'.") var spec: String
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runTool("tensor slice") {
            var specs: [AxisSlice] = []
            for part in spec.split(separator: ",", omittingEmptySubsequences: false) {
                guard let s = AxisSlice.parse(String(part)) else {
                    throw FjordError.usage("--slice '\(spec)': '\(part)' is not an index or start:stop:step (step ≠ 0)")
                }
                specs.append(s)
            }
            try output.write { sink in
                let w = NpyWriter(sink)
                try input.forEach { _, a in try w.write(try a.sliced(specs)) }
            }
        }
    }
}
