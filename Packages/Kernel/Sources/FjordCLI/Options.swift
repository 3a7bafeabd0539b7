import ArgumentParser
import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// `-o FILE` (written atomically) or stdout, and `--force` to write binary to a terminal.
public struct OutputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp("Write to FILE (atomically) instead of stdout.", valueName: "FILE"))
    public var output: String?

    @Flag(help: "Write binary data even when stdout is a terminal.")
    public var force = false

    public init() {}

    /// Opens the output, runs `body` with its sink, and commits (or, on error, discards) it.
    /// `binary` outputs refuse a terminal unless `--force`.
    public func write(binary: Bool = true, _ body: (ByteSink) throws -> Void) throws {
        if let path = output, path != "-" {
            let f = try AtomicFile(path: path)
            do {
                try body(f.sink)
                try f.commit()
            } catch {
                f.discard()
                throw error
            }
        } else {
            if binary && !force && isatty(1) == 1 {
                throw FjordError.usage(
                    "refusing to write binary tensor data to a terminal; pipe it, redirect it, or use -o FILE (--force overrides)"
                )
            }
            try body(ByteSink(fd: 1, name: "stdout"))
        }
    }
}

/// `--threads N`: worker threads for the heavy loops (default: the core count).
public struct ThreadOptions: ParsableArguments {
    @Option(help: "Worker threads (default: the number of cores).")
    public var threads: Int?

    public init() {}

    public var count: Int { max(1, threads ?? coreCount) }

    public func validate() throws {
        if let t = threads, t < 1 || t > 1024 {
            throw ValidationError("--threads must be between 1 and 1024, not \(t)")
        }
    }
}

/// Parsers for the list-valued options every tool shares.
public enum ListParse {
    /// "16,1000" or "16x1000" → [16, 1000]; "" → [] (a scalar).
    public static func shape(_ s: String, option: String = "--shape") throws(FjordError) -> [Int] {
        let t = s.trimmingSpaces
        if t.isEmpty || t == "()" { return [] }
        var dims: [Int] = []
        for part in t.split(whereSeparator: { $0 == "," || $0 == "x" }) {
            guard let d = Int(part.trimmingSpaces), d >= 0 else {
                throw .usage("\(option) '\(s)': dimensions must be non-negative integers separated by commas")
            }
            dims.append(d)
        }
        guard let n = Tensor.elementCount(dims), n <= Int.max / 8 else {
            throw .usage("\(option) '\(s)': too many elements")
        }
        return dims
    }

    /// Comma-separated numbers.
    public static func doubles(_ s: String, option: String) throws(FjordError) -> [Double] {
        var out: [Double] = []
        for part in s.split(separator: ",") {
            guard let v = Double(part.trimmingSpaces) else {
                throw .usage("\(option) '\(s)': '\(part)' is not a number")
            }
            out.append(v)
        }
        return out
    }

    /// Indices and Python-style ranges: "0,2,5:8,-1" over a length n → [0, 2, 5, 6, 7, n-1].
    public static func indices(_ s: String, count n: Int, option: String) throws(FjordError) -> [Int] {
        var out: [Int] = []
        func resolve(_ v: Int) -> Int { v < 0 ? n + v : v }
        for part in s.split(separator: ",") {
            let p = part.trimmingSpaces
            if p.contains(":") {
                let ends = p.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingSpaces }
                guard ends.count == 2 else { throw .usage("\(option): '\(p)' is not a range a:b") }
                guard let a = ends[0].isEmpty ? 0 : Int(ends[0]), let b = ends[1].isEmpty ? n : Int(ends[1]) else {
                    throw .usage("\(option): '\(p)' is not a range of integers")
                }
                let lo = max(0, min(n, resolve(a))), hi = max(0, min(n, resolve(b)))
                if lo < hi { out += Array(lo..<hi) }
            } else {
                guard let v = Int(p) else { throw .usage("\(option): '\(p)' is not an integer") }
                let r = resolve(v)
                guard r >= 0 && r < n else { throw .usage("\(option): index \(v) is out of range for \(n) items") }
                out.append(r)
            }
        }
        return out
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces and tabs.
    public var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\r" || c == "\n" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" || c == "\n" { s.removeLast() }
        return String(s)
    }
}

/// The one array of a .npy file as a tensor; a file holding several arrays is a `.data` error naming it ("expected
/// one" and `what`, e.g. "matrix").
public func readOneTensor(_ path: String, what: String? = nil) throws(FjordError) -> Tensor {
    let arrays = try NpyReader(path: path).readAll()
    guard arrays.count == 1 else {
        throw .data("\(path): \(arrays.count) arrays, expected one\(what.map { " " + $0 } ?? "")")
    }
    return arrays[0].tensor()
}
