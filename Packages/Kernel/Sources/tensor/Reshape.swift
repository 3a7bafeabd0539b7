import ArgumentParser
import FjordCLI
import Kernel

struct Reshape: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Give every array of a stream a new shape with the same number of elements.",
        discussion: """
            One dimension may be -1 and is then inferred, as in numpy. Elements keep their C (row-major) order.
            Example: zcat digits.csv.gz | tensor from-csv --columns :64 | tensor reshape --shape -1,8,8 | tensor png -o digits.png
            """)

    @OptionGroup var input: InputOptions
    @Option(help: "New shape, e.g. 4,-1.") var shape: String
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runTool("tensor reshape") {
            let parts = shape.split(separator: ",").map { $0.trimmingSpaces }
            let dims = parts.map { Int($0) }
            guard !dims.contains(nil), dims.allSatisfy({ $0! >= -1 }), dims.filter({ $0 == -1 }).count <= 1 else {
                throw FjordError.usage("--shape '\(shape)': integers ≥ 0, at most one -1")
            }
            try output.write { sink in
                let w = NpyWriter(sink)
                try input.forEach { i, a0 in
                    let a = a0.cOrdered()
                    var d = dims.map { $0! }
                    if let k = d.firstIndex(of: -1) {
                        let known = d.filter { $0 != -1 }.reduce(1, *)
                        guard known > 0, a.count % known == 0 else {
                            throw FjordError.data(
                                "\(input.name): array \(i) of shape \(a.shape) cannot take shape (\(shape))")
                        }
                        d[k] = a.count / known
                    }
                    guard Tensor.elementCount(d) == a.count else {
                        throw FjordError.data(
                            "\(input.name): array \(i) has \(a.count) elements; shape (\(shape)) holds \(Tensor.elementCount(d) ?? -1)"
                        )
                    }
                    var h = a.header
                    h.shape = d
                    try w.write(NpyArray(header: h, storage: a.storage))
                }
            }
        }
    }
}
