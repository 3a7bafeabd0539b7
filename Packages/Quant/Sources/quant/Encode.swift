import ArgumentParser
import FjordCLI
import Kernel
import Quant

struct Encode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Quantize each array of a stream and write its Elias-coded message.",
        discussion: """
            Output: one framed message per array (format in the package README: header, level table, then per \
            bucket a float32 norm and the shortest of four bodies: dense or sparse Elias codes, codes counted from \
            the top level, or fixed width, so no bucket costs more than b bits a coordinate). The byte count \
            is the communication cost. NaN or ±Inf in the input is refused (exit 65).
            Example: tensor rand --shape 16,1000000 | quant encode --scheme nuq --bits 4 > g.fjq
            """)

    @OptionGroup var input: InputOptions
    @OptionGroup var schemeOptions: SchemeOptions
    @Option(help: "Seed of the stochastic rounding (array k uses stream k).") var seed: UInt64 = 0
    @Flag(help: "Print bits per coordinate of each array on stderr.") var verbose = false
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runTool("quant encode") {
            let (qz, id) = try schemeOptions.quantizer()
            let code = schemeOptions.code
            try output.write { sink in
                try input.forEach { i, a in
                    let t = a.tensor()
                    let q = try qz.quantize(t, seed: seed, stream: UInt64(i))
                    let bytes = EncodedGradient(quantizer: qz, code: code, scheme: id, shape: a.shape, quantized: q)
                        .encoded()
                    try sink.write(bytes)
                    if verbose {
                        printError(
                            "quant encode: array \(i) \(a.shape): \(bytes.count) bytes, \(Double(bytes.count * 8) / Double(max(t.count, 1))) bits/coordinate"
                        )
                    }
                }
            }
        }
    }
}

struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode Elias-coded messages back into float32 arrays of their original shapes.",
        discussion: """
            decode(encode(v)) equals dequantize(quantize(v)) bit for bit. A corrupt or truncated message is exit 65.
            Example: quant decode g.fjq | tensor info
            """)

    @Argument(help: ArgumentHelp("Encoded messages (default: stdin).", valueName: "FILE")) var input = "-"
    @Option(help: "Refuse a message claiming more coordinates (2^27: 512 MiB of float32).") var maxElements = 1 << 27
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if maxElements < 1 || maxElements > 1 << 34 {
            throw ValidationError("--max-elements must be between 1 and 2^34")
        }
    }

    func run() throws {
        try runTool("quant decode") {
            let src = try ByteSource.open(path: input)
            try output.write { sink in
                let w = NpyWriter(sink)
                var n = 0
                while let m = try EncodedGradient.read(from: src, maxElements: maxElements) {
                    try w.write(m.tensor())
                    n += 1
                }
                if n == 0 { throw FjordError.noInput("\(src.name): empty input (expected messages from quant encode)") }
            }
        }
    }
}
