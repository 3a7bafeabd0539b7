import ArgumentParser
import FjordCLI
import Kernel

struct Stack: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stack the arrays of a stream into one array.",
        discussion: """
            Default: along a new first axis (n arrays of shape S → shape (n, S)). With --concat, join along the \
            existing first axis. Arrays must share a dtype (use tensor convert first).
            Example: tensor rand --shape 100 --count 12 | tensor stack | tensor info      # (12, 100)
            """)

    @OptionGroup var input: InputOptions
    @Flag(help: "Join along the existing first axis instead of a new one.") var concat = false
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runTool("tensor stack") {
            let s = try NpyArray.stack(try input.readAll(), concatenate: concat)
            try output.write { try NpyWriter($0).write(s) }
        }
    }
}
