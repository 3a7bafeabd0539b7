import ArgumentParser
import Kernel

/// One input tensor stream: a FILE argument, or `-`/nothing for stdin.
public struct InputOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("Input .npy stream (default: stdin).", valueName: "FILE"))
    public var input: String = "-"

    public init() {}

    /// A reader over the input.
    public func reader() throws(FjordError) -> NpyReader { try NpyReader(path: input) }

    /// Every array of the input.
    public func readAll() throws(FjordError) -> [NpyArray] { try reader().readAll() }

    /// Calls `body` for each array of the input as it arrives, with its index.
    public func forEach(_ body: (Int, NpyArray) throws -> Void) throws {
        let r = try reader()
        while let a = try r.next() { try body(r.index - 1, a) }
    }

    /// The input's name in messages.
    public var name: String { input == "-" ? "stdin" : input }
}
