import ArgumentParser
import FjordCLI
import Kernel

struct Cat: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Concatenate tensor streams, passing every array through unchanged.",
        discussion: """
            Arrays keep their dtype, byte order, memory order and values; headers are rewritten in Fjord's form \
            (v1.0, data on a 64-byte boundary). Also a validator: malformed input fails with exit 65.
            Example: tensor cat a.npy b.npy - < c.npy > abc.npy
            """)

    @Argument(help: ArgumentHelp("Input streams (default: stdin; - is stdin).", valueName: "FILE"))
    var inputs: [String] = ["-"]
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runTool("tensor cat") {
            if inputs.filter({ $0 == "-" }).count > 1 { throw FjordError.usage("stdin (-) may be named only once") }
            // Open every input first so a missing file fails before anything is written.
            let readers = try inputs.map { (p) throws(FjordError) -> NpyReader in try NpyReader(path: p) }
            try output.write { sink in
                let w = NpyWriter(sink)
                for r in readers {
                    // Stream each array's data through in chunks: constant memory whatever the array size.
                    while let h = try r.nextHeader() {
                        try w.sink.write(h.encoded())
                        try r.copyData(of: h, to: w.sink)
                    }
                }
            }
        }
    }
}
