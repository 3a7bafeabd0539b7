import ArgumentParser
import FjordCLI
import Kernel

struct Split: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Split each array along its first axis into several arrays.",
        discussion: """
            Default: one array per row, the first axis removed ((n, S) → n arrays of shape S). \
            --parts k: k pieces of nearly equal size (as numpy.array_split); --size m: pieces of m rows.
            Example: tensor rand --shape 4,10 | tensor split | tensor info
            """)

    @OptionGroup var input: InputOptions
    @Option(help: "Number of pieces (keeps the first axis).") var parts: Int?
    @Option(help: "Rows per piece (keeps the first axis).") var size: Int?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if parts != nil && size != nil { throw ValidationError("give --parts or --size, not both") }
        if let p = parts, p < 1 { throw ValidationError("--parts must be ≥ 1") }
        if let s = size, s < 1 { throw ValidationError("--size must be ≥ 1") }
    }

    func run() throws {
        try runTool("tensor split") {
            try output.write { sink in
                let w = NpyWriter(sink)
                try input.forEach { i, a in
                    guard a.shape.count >= 1 else {
                        throw FjordError.data("\(input.name): array \(i) is a scalar; nothing to split")
                    }
                    let n = a.shape[0]
                    if parts == nil && size == nil {
                        for r in 0..<n { try w.write(try a.sliced([.index(r)])) }
                        return
                    }
                    var bounds: [(Int, Int)] = []
                    if let m = size {
                        bounds = stride(from: 0, to: n, by: m).map { ($0, min(n, $0 + m)) }
                    } else if let k = parts {
                        let q = n / k, r = n % k
                        var lo = 0
                        for j in 0..<k {
                            let len = q + (j < r ? 1 : 0)
                            bounds.append((lo, lo + len))
                            lo += len
                        }
                    }
                    for (lo, hi) in bounds { try w.write(try a.sliced([.range(start: lo, stop: hi, step: 1)])) }
                }
            }
        }
    }
}
