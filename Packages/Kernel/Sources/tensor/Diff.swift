import ArgumentParser
import FjordCLI
import Kernel

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two tensor streams array by array; exit 1 if they differ beyond tolerance.",
        discussion: """
            Per array: the largest |a-b| and the largest |a-b|/max(|a|,|b|), in double. Arrays are equal within \
            tolerance when max_abs ≤ --tol or max_rel ≤ --rtol. Shapes and counts must match. \
            NaN equals NaN; NaN against a number is an infinite difference.
            Example: tensor diff expected.npy <(tensor rand --shape 4 --seed 1) --tol 1e-6
            """)

    @Argument(help: ArgumentHelp("First stream.", valueName: "A")) var a: String
    @Argument(help: ArgumentHelp("Second stream (- for stdin).", valueName: "B")) var b: String = "-"
    @Option(help: "Absolute tolerance.") var tol: Double = 0
    @Option(help: "Relative tolerance.") var rtol: Double = 0
    @Flag(help: "Print nothing; report only through the exit status.") var quiet = false

    func run() throws {
        var differs = false
        try runTool("tensor diff") {
            if a == "-" && b == "-" { throw FjordError.usage("stdin (-) may be named only once") }
            let ra = try NpyReader(path: a), rb = try NpyReader(path: b)
            let out = ByteSink(fd: 1, name: "stdout")
            var k = 0
            while true {
                let x = try ra.next(), y = try rb.next()
                if x == nil && y == nil { break }
                guard let x, let y else {
                    differs = true
                    if !quiet {
                        try out.write(
                            "\(k): only in \(x == nil ? b : a) (the streams hold different numbers of arrays)\n")
                    }
                    break
                }
                if x.shape != y.shape {
                    differs = true
                    if !quiet { try out.write("\(k): shapes differ: \(x.shape) vs \(y.shape)\n") }
                } else {
                    let (ma, mr) = maxDifference(x.doubles(), y.doubles())
                    let ok = ma <= tol || mr <= rtol
                    if !ok { differs = true }
                    if !quiet { try out.write("\(k): max_abs=\(ma) max_rel=\(mr)\(ok ? "" : "  DIFFERS")\n") }
                }
                k += 1
            }
        }
        if differs { throw ExitCode(1) }
    }
}
