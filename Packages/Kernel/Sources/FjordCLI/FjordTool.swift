import ArgumentParser
import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// A Fjord executable's root command. Its `main` is ArgumentParser's, except for usage errors: ArgumentParser
/// prints them as three lines ("Error: …", the usage, "See '… --help'"); a Fjord tool prints one line,
/// `tool sub: what is wrong (see 'tool sub --help')`, like every other error it reports, and exits 64.
public protocol FjordTool: ParsableCommand {}

extension FjordTool {
    public static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            // an ExitCode was thrown after its message was printed (runTool); the rest are the parser's
            if !(error is ExitCode), exitCode(for: error) == .validationFailure {
                let name = configuration.commandName ?? "tool"
                let args = CommandLine.arguments.dropFirst()
                let sub = args.first.map { configuration.subcommands.map { $0._commandName }.contains($0) } == true
                let command = sub ? "\(name) \(args.first!)" : name
                printError("\(command): \(oneLine(message(for: error))) (see '\(command) --help')")
                Glibc.exit(ExitCode.validationFailure.rawValue)
            }
            exit(withError: error)
        }
    }
}

/// ArgumentParser's message as one line: without its "Error: " prefix, its lines joined.
func oneLine(_ message: String) -> String {
    var text = message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message
    text = text.split(separator: "\n").map { line in
        String(line.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }.filter { !$0.isEmpty }.joined(separator: "; ")
    // a value list ("one of the following:", then "- a", "- b" lines) as "one of the following: a, b"
    text = text.replacingAll(":; - ", with: ": ").replacingAll("; - ", with: ", ")
    return text
}

extension String {
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
