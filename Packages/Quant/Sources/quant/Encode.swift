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
            the top level, or fixed width, so no bucket costs more than b bits a coordinate). With --codec sign \
            or topk, the message a training worker sends with signsgd or topk (scaled signs; the --topk largest \
            coordinates with their positions), framed with the shape and a checksum (FJQF; see the README). The \
            byte count is the communication cost. NaN or ±Inf in the input is refused (exit 65).
            Example: tensor rand --shape 16,1000000 | quant encode --scheme nuq --bits 4 > g.fjq
            Example: tensor rand --shape 1000000 | quant encode --codec topk --topk 0.001 | quant decode | tensor info
            """)

    enum MessageCodec: String, CaseIterable, ExpressibleByArgument {
        case quantized, sign, topk
    }

    @OptionGroup var input: InputOptions
    @OptionGroup var schemeOptions: SchemeOptions
    @Option(help: "Message: a quantized gradient (--scheme, --bits, …), scaled signs, or top-k.") var codec =
        MessageCodec.quantized
    @Option(help: "Fraction of coordinates --codec topk keeps.") var topk = 0.01
    @Option(help: "Seed of the stochastic rounding (array k uses stream k).") var seed: UInt64 = 0
    @Option(help: "Threads quantizing and encoding (bucket ranges; the same bytes for any count).") var threads = 1
    @Flag(help: "Print bits per coordinate of each array on stderr.") var verbose = false
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if !(topk > 0 && topk <= 1) { throw ValidationError("--topk must be in (0, 1], not \(topk)") }
        if threads < 1 || threads > 256 { throw ValidationError("--threads must be between 1 and 256") }
    }

    func run() throws {
        try runTool("quant encode") {
            let (qz, id) = try schemeOptions.quantizer()
            let code = schemeOptions.code
            try output.write { sink in
                try input.forEach { i, a in
                    let t = a.tensor()
                    let bytes: [UInt8]
                    switch codec {
                    case .quantized:
                        let q = try qz.quantize(t, seed: seed, stream: UInt64(i), threads: threads)
                        bytes = EncodedGradient(
                            quantizer: qz, code: code, fixedWidth: schemeOptions.fixedWidth, scheme: id,
                            shape: a.shape, quantized: q
                        ).encoded(threads: threads)
                    case .sign, .topk:
                        bytes = try FramedMessage(t, codec: codec == .sign ? .sign : .topk, fraction: topk).encoded()
                    }
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
        abstract: "Decode quant encode's messages back into float32 arrays of their original shapes.",
        discussion: """
            decode(encode(v)) equals dequantize(quantize(v)) bit for bit (for sign and top-k messages, the values a \
            training step would apply). A corrupt or truncated message is exit 65.
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
                while let m = try QuantMessage.read(from: src, maxElements: maxElements) {
                    try w.write(m.tensor())
                    n += 1
                }
                if n == 0 { throw FjordError.noInput("\(src.name): empty input (expected messages from quant encode)") }
            }
        }
    }
}
