import FjordTestSupport
import Foundation
import Testing

/// The `tensor` executable as a user runs it: exit codes, messages, atomic output, determinism.
@Suite struct TensorCLITests {
    /// `-o` onto a device or a named pipe writes into it instead of renaming a regular file over it (which, run as
    /// root, once replaced this machine's /dev/null with a plain file).
    @Test func outputToADeviceOrPipeWritesThrough() throws {
        let r = try Shell.run(
            """
            tensor rand --shape 3 --seed 1 -o /dev/null && test -c /dev/null && echo device kept
            mkfifo pipe && (tensor info < pipe > info.txt &) && tensor rand --shape 4 --seed 1 -o pipe && sleep 0.5 && cat info.txt
            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("device kept") && r.text.contains("(4,)"), "\(r.text)")
    }

    @Test func helpAndVersion() throws {
        let h = try Shell.run("tensor --help")
        #expect(h.status == 0 && h.text.contains("Example") && h.text.contains("rand"))
        let r = try Shell.run("tensor rand --help")
        #expect(r.status == 0 && r.text.contains("--seed") && r.text.contains("Example"))
        #expect(try Shell.run("tensor --version").text.hasPrefix("0."))
        let bad = try Shell.run("tensor rand --shape 3 --dist cauchy")
        #expect(bad.status == 64 && bad.stderr.contains("--dist"))
        #expect(try Shell.run("tensor frobnicate").status == 64)
    }

    @Test func badInputGetsItsExitCodeAndOneLine() throws {
        let cases: [(String, Int32, String)] = [
            ("printf 'garbage bytes here' | tensor info", 65, "not a .npy stream"),
            ("tensor rand --shape 100 | head -c 300 | tensor cat > /dev/null", 65, "truncated array data"),
            ("printf '\\x93NUMPY\\x01\\x00\\xff\\x7f{' | tensor info", 65, "runs past the end"),
            ("tensor info < /dev/null", 66, "empty input"),
            ("tensor unpack - < /dev/null", 66, "empty input"),
            ("tensor rand --shape 100000000000,100000 > /dev/null", 64, "would need 35.5 PiB"),
            ("tensor rand --shape 200000,100000 > /dev/null", 64, "would need 74.5 GiB"),
            ("printf '1,2\\n3,1e39\\n' | tensor from-csv > /dev/null", 65, "line 2, column 2: 1e39 is beyond"),
            ("printf '1\\n1e400\\n' | tensor from-csv --dtype f8 > /dev/null", 65, "line 2, column 1: 1e400 is beyond"),
            ("printf '\\n  \\n\\n' | tensor from-csv > /dev/null", 66, "no rows"),
            ("tensor diff - - < /dev/null", 64, "only once"),
            ("tensor info /no/such/file.npy", 66, "cannot open"),
            ("tensor info /", 66, "directory"),
            (
                "python3 -c \"import sys; h=b\\\"{'descr': '|O', 'fortran_order': False, 'shape': (1,), }\\\"; sys.stdout.buffer.write(b'\\\\x93NUMPY\\\\x01\\\\x00'+bytes([len(h),0])+h)\" | tensor info",
                65, "object dtype"
            ),
            (
                "python3 -c \"import sys; h=b\\\"{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }\\\"; sys.stdout.buffer.write(b'\\\\x93NUMPY\\\\x01\\\\x00'+bytes([len(h),0])+h)\" | tensor info",
                65, "more elements"
            ),
            ("tensor rand --shape 3 | tensor select --index 5 > /dev/null", 64, "out of range"),
            (
                "tensor rand --shape 2,2 --count 2 | tensor stack --concat | tensor stack > /dev/null; printf '1,2\\n3\\n' | tensor from-csv > /dev/null",
                65, "line 2 has 1 fields"
            ),
            ("printf '1,x\\n' | tensor from-csv > /dev/null", 65, "line 1, column 2"),
        ]
        try Shell.expectFailures(cases, prefix: "tensor ")
    }

    @Test func brokenPipeIsQuietAndClosedStdoutIsAnIOError() throws {
        let piped = try Shell.run(
            "set -o pipefail; tensor rand --shape 10000000 | head -c 10 > /dev/null; echo ${PIPESTATUS[0]}")
        #expect(piped.text.trimmingCharacters(in: .whitespacesAndNewlines) == "141")
        #expect(piped.stderr.isEmpty)
        let closed = try Shell.run("tensor rand --shape 10 >&-")
        #expect(closed.status == 74 && closed.stderr.contains("write error"))
    }

    @Test func failedOutputLeavesNoFile() throws {
        let dir = Shell.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Shell.run("printf '\\x93NUMPY\\x01\\x00\\x10\\x00junk' | tensor cat -o out.npy", in: dir)
        #expect(r.status == 65)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { !$0.hasPrefix(".std") }.isEmpty)
        // an existing file is not clobbered by a failed run
        try Shell.run("tensor rand --shape 4 -o keep.npy", in: dir)
        let before = try Data(contentsOf: URL(fileURLWithPath: dir + "/keep.npy"))
        #expect(try Shell.run("printf 'bad' | tensor cat -o keep.npy", in: dir).status == 65)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/keep.npy")) == before)
        #expect(try Shell.run("tensor rand --shape 4 -o /no/such/dir/x.npy").status == 73)
    }

    @Test func sameSeedSameBytesWhateverTheThreads() throws {
        let a = try Shell.run("tensor rand --shape 3,300000 --count 2 --seed 5 --threads 1")
        let b = try Shell.run("tensor rand --shape 3,300000 --count 2 --seed 5 --threads 2")
        let c = try Shell.run("tensor rand --shape 3,300000 --count 2 --seed 6")
        #expect(a.status == 0 && a.stdout == b.stdout && a.stdout != c.stdout)
        #expect(a.stdout.count == 2 * (128 + 3 * 300000 * 4))
    }

    @Test func infoReportsEveryArray() throws {
        let r = try Shell.run("tensor rand --shape 2,3 --count 2 | tensor info --json")
        let lines = r.text.split(separator: "\n")
        #expect(lines.count == 2 && lines[1].contains("\"index\":1") && lines[0].contains("\"shape\":[2,3]"))
    }

    @Test func sliceSplitStackSelectCompose() throws {
        let r = try Shell.run(
            """
            tensor rand --shape 6,4 --seed 1 -o a.npy
            tensor split --parts 3 a.npy | tensor stack --concat | tensor diff a.npy - && echo same1
            tensor split a.npy | tensor select --index 2:4 | tensor stack | tensor diff - <(tensor slice --slice 2:4 a.npy) && echo same2
            tensor slice --slice '::-1,1' a.npy | tensor info --json
            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("same1") && r.text.contains("same2") && r.text.contains("\"shape\":[6]"))
    }

    @Test func diffExitsOneOverTolerance() throws {
        let r = try Shell.run(
            """
            tensor rand --shape 100 --seed 1 -o a.npy; tensor rand --shape 100 --seed 2 -o b.npy
            tensor diff a.npy a.npy; echo "same=$?"; tensor diff a.npy b.npy --quiet; echo "other=$?"
            tensor diff a.npy <(tensor rand --shape 100 --count 2 --seed 1) --quiet; echo "count=$?"
            tensor diff a.npy <(tensor convert --dtype f2 a.npy) --rtol 1e-3 --quiet; echo "half=$?"
            """)
        #expect(
            r.text.contains("same=0") && r.text.contains("other=1") && r.text.contains("count=1")
                && r.text.contains("half=0"))
    }

    @Test func csvRoundTrip() throws {
        let r = try Shell.run(
            """
            printf 'a,b,label\\n1.5,2,0\\n-3,4e2,1\\n\\n5,nan,2\\n' > in.csv
            tensor from-csv --skip-rows 1 --columns :2 in.csv | tensor to-csv
            tensor from-csv --skip-rows 1 --columns 2 --dtype i8 in.csv | tensor info --json
            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.hasPrefix("1.5,2.0\n-3.0,400.0\n5.0,nan\n"))
        #expect(r.text.contains("\"shape\":[3]") && r.text.contains("\"dtype\":\"i8\""))
    }

    @Test func refusesBinaryOnATerminal() throws {
        // `script` gives the tool a pseudo-terminal as stdout.
        guard FileManager.default.fileExists(atPath: "/usr/bin/script") else { return }
        let r = try Shell.run("script -qec 'tensor rand --shape 3' /dev/null")
        #expect(r.text.contains("refusing to write binary"))
    }

    /// Ctrl-\\ (SIGQUIT) stops a tool like SIGTERM does, leaving no output file behind (the review found the Swift
    /// runtime's handler printing "Program crashed" while the tool kept running).
    @Test func sigquitStopsTheToolAndLeavesNoFile() throws {
        let r = try Shell.run(
            """
            mkfifo in
            tensor cat -o out.npy < in 2> err.txt & pid=$!
            exec 3> in
            # Ctrl-\\ after start-up, as a user presses it: until the tool is gone, at most five times
            for i in 1 2 3 4 5; do sleep 1; kill -QUIT $pid 2> /dev/null || break; done
            kill -TERM $pid 2> /dev/null
            wait $pid; echo "status=$?"
            exec 3>&-
            ls -A | grep -v -x -e in -e err.txt | grep -v '^[.]std' || echo "no files"
            """)
        #expect(r.text.contains("status=131"), "\(r.text) \(r.stderr)")
        #expect(r.text.contains("no files"), "\(r.text)")
    }
}

/// The bad-input matrix (FjordTestSupport's BadInput) over every tensor subcommand that reads a stream.
@Suite struct TensorBadInputMatrix {
    @Test(arguments: [
        "tensor info IN", "tensor cat IN", "tensor stack IN", "tensor select --index 0 IN",
        "tensor slice --slice 0:1 IN", "tensor reshape --shape=-1 IN", "tensor convert --dtype f8 IN",
        "tensor to-csv IN", "tensor diff IN IN",
    ])
    func streamReaders(command: String) throws {
        var expect: [BadInput: Int32] = [:]
        if command.contains("slice") { expect[.scalar] = 64 }  // the slice does not fit the array's rank
        let output: String? = command.hasPrefix("tensor info") || command.hasPrefix("tensor diff") ? nil : "-o"
        try Shell.expectBadInputHandled(command, expect: expect, output: output)
    }

    @Test(arguments: ["tensor png IN", "tensor plot IN", "tensor split IN"])
    func pictureAndSplitReaders(command: String) throws {
        try Shell.expectBadInputHandled(command, output: command.contains("split") ? nil : "-o")
    }
}

/// Usage errors are one line naming the command, like every other error (ArgumentParser's own are three lines:
/// the error, the usage and a pointer to --help), exit 64, for every tool; help and version still exit 0.
@Suite struct UsageErrorsAreOneLine {
    @Test(arguments: [
        ("tensor reshape --shape", "tensor reshape: Missing value for '--shape <shape>'"),
        ("tensor --bogus", "tensor: Unknown option '--bogus'"),
        ("quant encode --scheme foo", "quant encode: The value 'foo' is invalid"),
        ("robust-agg aggregate --rule nope", "one of the following: mean, median,"),
        ("learn train --workers x", "learn train:"),
        ("reasoning-bench analyze -o x", "reasoning-bench analyze: Unknown option '-o'"),
    ])
    func usageError(script: String, fragment: String) throws {
        let r = try Shell.run(script)
        #expect(r.status == 64, "\(script): \(r.status)")
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains(fragment), "\(script): \(r.stderr)")
        #expect(r.stderr.contains("--help')"), "\(script): \(r.stderr)")
    }

    @Test func helpAndVersionStillSucceed() throws {
        for script in ["tensor --help", "quant encode --help", "learn --version", "robust-agg help aggregate"] {
            let r = try Shell.run(script)
            #expect(r.status == 0 && !r.text.isEmpty, "\(script): \(r.status) \(r.stderr)")
        }
    }
}
