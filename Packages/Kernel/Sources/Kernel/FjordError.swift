/// An error a Fjord tool reports to its user: a one-line message and the sysexits code it exits with.
///
/// Messages name the input and what was expected ("stdin: byte 6: header length 9000 runs past the end");
/// the tool prefixes its own name when it prints them.
public struct FjordError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The sysexits(3) classes Fjord uses.
    public enum Kind: Int32, Sendable {
        /// EX_USAGE: the command line is wrong.
        case usage = 64
        /// EX_DATAERR: the input is malformed (bad tensor, wrong shape, NaN where not allowed).
        case data = 65
        /// EX_NOINPUT: an input file is missing or unreadable, or stdin is empty.
        case noInput = 66
        /// EX_SOFTWARE: an internal error.
        case software = 70
        /// EX_CANTCREAT: an output file cannot be created.
        case cantCreate = 73
        /// EX_IOERR: a read or write failed.
        case io = 74
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var exitCode: Int32 { kind.rawValue }
    public var description: String { message }

    public static func usage(_ m: String) -> FjordError { FjordError(.usage, m) }
    public static func data(_ m: String) -> FjordError { FjordError(.data, m) }
    public static func noInput(_ m: String) -> FjordError { FjordError(.noInput, m) }
    public static func io(_ m: String) -> FjordError { FjordError(.io, m) }
}

/// The value of a construction that cannot fail for these arguments (a level set, a data set or a grid built
/// from constants); a failure is a programming error and stops the program with the error's message.
/// Used instead of `try!`, which the lint refuses, so that every such invariant is named where it is assumed.
public func valid<T>(_ make: () throws(FjordError) -> T) -> T {
    do {
        return try make()
    } catch {
        preconditionFailure("an invariant construction failed: \(error.message)")
    }
}
