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

    /// Calls `body` for each array of the input as it arrives, with its index. A data error the body throws is
    /// attributed to the input and the array (`in.npy: array 2: …`).
    public func forEach(_ body: (Int, NpyArray) throws -> Void) throws {
        let r = try reader()
        while let a = try r.next() {
            let index = r.index - 1
            try attributed(array: index) { try body(index, a) }
        }
    }

    /// Runs `body`; a data error it throws whose message does not name the input gets the input's name (and the
    /// array's index, when given) in front, so every message says which input was wrong, however deep in a
    /// library the check was made.
    public func attributed<T>(array: Int? = nil, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as FjordError where e.kind == .data && !e.message.hasPrefix(name + ":") {
            let at = array.map { "array \($0): " } ?? ""
            let message = e.message.hasPrefix("array ") ? e.message : at + e.message
            throw FjordError(.data, "\(name): \(message)")
        }
    }

    /// The input's name in messages.
    public var name: String { input == "-" ? "stdin" : input }
}
