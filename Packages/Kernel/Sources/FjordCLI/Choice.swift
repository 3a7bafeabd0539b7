import ArgumentParser

/// A value set of a command-line option: an enum whose cases are the names, each with a help line. Conforming
/// makes it an option type whose `--help` lists every name with its line, taken from the same table that
/// builds the value, and whose parse error names the choices (exit 64). No name list is kept by hand.
public protocol Choice: CaseIterable, ExpressibleByArgument, RawRepresentable where RawValue == String {
    var help: String { get }
}

extension Choice {
    public static var allValueDescriptions: [String: String] {
        Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0.help) })
    }

    /// "a, b or c", for messages.
    public static var names: String {
        let all = allCases.map(\.rawValue)
        return all.count < 2 ? all.joined() : all.dropLast().joined(separator: ", ") + " or " + all.last!
    }
}
