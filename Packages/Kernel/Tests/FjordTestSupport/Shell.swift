import Foundation

/// Runs shell pipelines against the built tools, for CLI and pipeline tests.
///
/// The tools are found next to the test bundle (SwiftPM puts every product of the build in one
/// folder); that folder leads PATH, so a test writes `tensor rand … | tensor info` as a user would.
public enum Shell {
    /// The build products folder (.build/<triple>/debug).
    public static let binDir: String = {
        let exe =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // On Linux the test runner is …/debug/<Package>PackageTests.xctest; on macOS a bundle inside debug/.
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("tensor").path), url.path != "/" {
            url = url.deletingLastPathComponent()
        }
        return url.path
    }()

    /// The repository root (for Tools/ scripts).
    public static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url = url.deletingLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path),
                FileManager.default.fileExists(atPath: url.appendingPathComponent("Tools").path)
            {
                return url.path
            }
        }
        return FileManager.default.currentDirectoryPath
    }()

    public struct Result {
        public var status: Int32
        public var stdout: Data
        public var stderr: String
        public var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs `script` with bash (`set -o pipefail` off unless the script sets it), in `directory`
    /// (by default a fresh temporary folder, removed with all it holds when the script ends, whatever its status),
    /// feeding `input` on stdin. A folder the caller passes is the caller's to remove.
    @discardableResult
    public static func run(
        _ script: String, input: Data? = nil, in directory: String? = nil,
        environment: [String: String] = [:]
    ) throws -> Result {
        let dir = directory ?? temporaryDirectory()
        defer { if directory == nil { try? FileManager.default.removeItem(atPath: dir) } }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", script]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = binDir + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["FJORD_ROOT"] = repoRoot
        env["OPENBLAS_NUM_THREADS"] = "1"
        for (k, v) in environment { env[k] = v }
        p.environment = env
        // Files, not pipes: no deadlock however much a tool writes.
        let outURL = URL(fileURLWithPath: dir).appendingPathComponent(".stdout-\(UUID().uuidString)")
        let errURL = URL(fileURLWithPath: dir).appendingPathComponent(".stderr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let outH = try FileHandle(forWritingTo: outURL), errH = try FileHandle(forWritingTo: errURL)
        p.standardOutput = outH
        p.standardError = errH
        if let input {
            let inURL = URL(fileURLWithPath: dir).appendingPathComponent(".stdin-\(UUID().uuidString)")
            try input.write(to: inURL)
            p.standardInput = try FileHandle(forReadingFrom: inURL)
        } else {
            p.standardInput = FileHandle.nullDevice
        }
        try p.run()
        p.waitUntilExit()
        try outH.close()
        try errH.close()
        let status = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
        return Result(
            status: status, stdout: try Data(contentsOf: outURL),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// A new empty temporary folder.
    public static func temporaryDirectory() -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fjord-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }
}
