import Testing

extension Shell {
    /// Runs each script and expects its exit status and a stderr containing `fragment`. With `prefix`, stderr must
    /// also be exactly one line starting with it (the tool's name, as every Fjord error message does).
    public static func expectFailures(
        _ cases: [(script: String, status: Int32, fragment: String)], prefix: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        for (script, status, fragment) in cases {
            let r = try run(script)
            #expect(
                r.status == status, "\(script): status \(r.status), stderr \(r.stderr)", sourceLocation: sourceLocation)
            #expect(r.stderr.contains(fragment), "\(script): \(r.stderr)", sourceLocation: sourceLocation)
            if let prefix {
                #expect(
                    r.stderr.split(separator: "\n").count == 1 && r.stderr.hasPrefix(prefix), "\(script): \(r.stderr)",
                    sourceLocation: sourceLocation)
            }
        }
    }
}
