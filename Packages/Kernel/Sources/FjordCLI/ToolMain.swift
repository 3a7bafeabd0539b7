import ArgumentParser
import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a tool's body: a ``FjordError`` becomes one line `tool: message` on stderr and the error's
/// sysexits code; uncommitted `-o` files are removed first, so a failed run leaves no partial file.
/// Errors of the argument parser (usage, `--help`) pass through to it.
public func runTool(_ tool: String, _ body: () throws -> Void) throws {
    installSignalCleanup()
    do {
        try body()
    } catch let e as FjordError {
        AtomicFile.removeAllPending()
        printError("\(tool): \(e.message)")
        throw ExitCode(e.exitCode)
    }
}

/// Writes one line to stderr.
public func printError(_ line: String) {
    writeStderr(line.hasSuffix("\n") ? line : line + "\n")
}

nonisolated(unsafe) private var cleanupInstalled = false

/// On SIGINT, SIGTERM, SIGHUP or SIGQUIT (Ctrl-\\), remove the temporary files of uncommitted outputs, then die of
/// the signal. (Without a handler of ours, the Swift runtime's backtracer catches SIGQUIT and the tool runs on.)
private func installSignalCleanup() {
    guard !cleanupInstalled else { return }
    cleanupInstalled = true
    // A parent may start us with these signals blocked (Foundation's Process on Linux does): unblock them, or a
    // kill would wait forever in the pending set.
    let handled = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]
    var set = sigset_t()
    sigemptyset(&set)
    for sig in handled { sigaddset(&set, sig) }
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
    for sig in handled {
        signal(sig) { s in
            AtomicFile.removeAllPending()
            signal(s, SIG_DFL)
            raise(s)
        }
    }
}

/// The core count, the default for `--threads`.
public var coreCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

/// Creates the folder `dir` unless it exists already (one level, like `mkdir`), or fails with an I/O error naming it.
public func makeDirectory(_ dir: String) throws(FjordError) {
    if mkdir(dir, 0o755) != 0 && errno != EEXIST {
        throw .io("\(dir): cannot create the directory: \(String(cString: strerror(errno)))")
    }
}
