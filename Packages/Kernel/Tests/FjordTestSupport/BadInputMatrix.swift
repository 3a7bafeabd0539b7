import Foundation
import Testing

/// The bad-input matrix every subcommand that reads a tensor stream is tested against: each kind of input is made
/// as `in.npy` in a fresh folder, the command runs on it, and the test expects the exit status, exactly one line on
/// stderr that starts with the tool's name and names the input, and no file left behind (no partial output, no
/// temporary file). Output faults (/dev/full, a closed pipe, an output folder that does not exist) are part of it.
public enum BadInput: String, CaseIterable, Sendable {
    case missing, empty, garbage, truncated, hugeShape, scalar, rank3, nan, infinity, nearFloatMax

    /// Bash that writes in.npy (tensor and python3 are on PATH in tests).
    var make: String {
        func npy(_ expr: String) -> String {
            "python3 -c \"import numpy as np; np.save('in.npy', \(expr))\""
        }
        switch self {
        case .missing: return ":"
        case .empty: return ": > in.npy"
        case .garbage: return "printf 'this is not a tensor, only text\\n' > in.npy"
        case .truncated: return "tensor rand --shape 8,64 --seed 1 | head -c 300 > in.npy"
        case .hugeShape:
            // a valid header claiming 10^16 float32 values over 64 bytes of data
            return "python3 -c \"import numpy as np; f = open('in.npy', 'wb'); np.lib.format.write_array_header_1_0(f, "
                + "{'descr': '<f4', 'fortran_order': False, 'shape': (10**8, 10**8)}); f.write(bytes(64))\""
        case .scalar: return npy("np.float32(1.5)")
        case .rank3: return npy("np.ones((4, 3, 2), 'f4')")
        case .nan: return npy("np.array([[1, 2], [np.nan, 4], [5, 6], [7, 8], [9, 10]], 'f4')")
        case .infinity: return npy("np.array([[1, 2], [np.inf, 4], [5, 6], [7, 8], [9, 10]], 'f4')")
        case .nearFloatMax: return npy("np.full((5, 4), 3e38, 'f4')")
        }
    }

    /// The status when the command has no entry for this kind: missing and empty inputs are 66, the malformed
    /// ones 65; the others depend on the command (nil: any handled status, 0 or 64–66, with no crash).
    var defaultStatus: Int32? {
        switch self {
        case .missing, .empty: return 66
        case .garbage, .truncated, .hugeShape: return 65
        case .scalar, .rank3, .nan, .infinity, .nearFloatMax: return nil
        }
    }
}

extension Shell {
    /// Runs `command` (which reads `in.npy`, named in it as `IN`) on every kind of bad input and on output faults.
    /// `expect` overrides or adds the status per kind. `output` is how the command writes to a file (`-o` by
    /// default); nil for commands that write only stdout text (the missing-folder check is then skipped).
    /// `stdout` false: the command writes nothing on stdout (the /dev/full and closed-pipe checks are skipped).
    public static func expectBadInputHandled(
        _ command: String, expect: [BadInput: Int32] = [:], output: String? = "-o", stdout: Bool = true,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let tool = String(command.split(separator: " ")[0])
        for kind in BadInput.allCases {
            let dir = temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let made = try run(kind.make, in: dir)
            #expect(made.status == 0, "making \(kind): \(made.stderr)", sourceLocation: sourceLocation)
            let before = Set((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            // a hang is a failure too (status 124), not a stuck test run
            let script = "timeout 120 " + command.replacingOccurrences(of: "IN", with: "in.npy") + " > /dev/null"
            let r = try run(script, in: dir)
            let after = Set((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            let leftover = after.subtracting(before).filter { !$0.hasPrefix(".stdout-") && !$0.hasPrefix(".stderr-") }
            let label = "\(command) on \(kind)"
            if let status = expect[kind] ?? kind.defaultStatus {
                #expect(r.status == status, "\(label): status \(r.status), \(r.stderr)", sourceLocation: sourceLocation)
            } else {
                #expect(
                    r.status == 0 || (64...66).contains(r.status), "\(label): status \(r.status), \(r.stderr)",
                    sourceLocation: sourceLocation)
            }
            if r.status != 0 {
                let lines = r.stderr.split(separator: "\n")
                #expect(
                    lines.count == 1 && lines[0].hasPrefix(tool + " "), "\(label): \(r.stderr)",
                    sourceLocation: sourceLocation)
                if r.status == 65 || r.status == 66 {
                    #expect(
                        r.stderr.contains("in.npy"), "\(label) does not name the input: \(r.stderr)",
                        sourceLocation: sourceLocation)
                }
            }
            #expect(leftover.isEmpty, "\(label) left \(leftover.sorted())", sourceLocation: sourceLocation)
        }
        // output faults, on a good input
        let good = "tensor rand --shape 5,4 --seed 2 > in.npy; "
        let cmd = command.replacingOccurrences(of: "IN", with: "in.npy")
        if stdout {
            let full = try run(good + cmd + " > /dev/full")
            #expect(
                full.status == 74, "\(command) > /dev/full: \(full.status) \(full.stderr)",
                sourceLocation: sourceLocation)
            let closed = try run("set -o pipefail; " + good + cmd + " | true")
            #expect(
                (closed.status == 0 || closed.status == 141) && !closed.stderr.contains("rror")
                    && !closed.stderr.contains("crash"),
                "\(command) | true: \(closed.status) \(closed.stderr)", sourceLocation: sourceLocation)
        }
        if let output {
            let dir = temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let r = try run(good + cmd + " \(output) no-such-folder/out", in: dir)
            #expect(
                r.status == 73, "\(command) into a missing folder: \(r.status) \(r.stderr)",
                sourceLocation: sourceLocation)
        }
    }
}
