import ArgumentParser
import FjordCLI
import Kernel

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert every array of a stream to another dtype (little-endian, C order).",
        discussion: """
            Dtypes: f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1. Values pass through double: floats round to nearest \
            (ties to even), integers saturate at their range, NaN becomes 0 in an integer dtype, b1 is x ≠ 0.
            Example: tensor rand --shape 10 | tensor convert --dtype f8 > x.npy
            """)

    @OptionGroup var input: InputOptions
    @Option(help: "Target dtype.") var dtype: String
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runTool("tensor convert") {
            guard let (dt, _) = DType.parse(descr: dtype) else {
                throw FjordError.usage(
                    "--dtype '\(dtype)': expected one of \(DType.allCases.map(\.rawValue).joined(separator: " "))")
            }
            try output.write { sink in
                let w = NpyWriter(sink)
                try input.forEach { _, a in try w.write(a.converted(to: dt)) }
            }
        }
    }
}
