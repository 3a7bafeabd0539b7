import ArgumentParser
import FjordCLI
import Kernel
import Learn
import LearnCLI
import Quant

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Data-parallel training where every worker sends its quantized, Elias-coded gradient.",
        discussion: """
        As `learn train`, with each worker's gradient quantized by the scheme (qsgd, qsgdinf, nuq, terngrad, or
        alq/amq, whose levels are refitted from the worker's recent gradients at steps 100 and 2000, then every
        10000, as in the ALQ paper) and sent as its encoded message; the report counts the bytes actually sent.
        signsgd sends (‖g‖₁/d)·sign(g) as one bit per coordinate, ef-signsgd adds error feedback, topk sends the
        --topk fraction of largest coordinates (error feedback kept locally).
        --scheme none sends float32 (the full-precision baseline). --layerwise normalises and quantizes each
        parameter block (weights, biases of each layer) on its own.
        Example: quant train --data digits --workers 4 --scheme nuq --bits 4 --epochs 30
                 mpirun -np 4 quant train --backend mpi --scheme qsgdinf --bits 4   (build with --traits MPI)
        """)

    @OptionGroup var training: TrainingOptions
    @Option(help: "none, qsgd, qsgdinf, nuq, terngrad, alq, amq, signsgd, ef-signsgd or topk.") var scheme = "nuq"
    @Option(help: "Fraction of coordinates top-k keeps.") var topk = 0.01
    @Option(help: "Bit budget b: 2^(b−1) levels including 0.") var bits = 4
    @Option(help: "Coordinates per bucket.") var bucket = 8192
    @Option(help: "Elias code: omega or gamma.") var code = "omega"
    @Flag(help: "Quantize each parameter block (layer weight, layer bias) with its own norm.") var layerwise = false

    func validate() throws {
        if !(["none", "alq", "amq", "signsgd", "ef-signsgd", "topk"] + Scheme.allCases.map(\.rawValue)).contains(scheme) {
            throw ValidationError("--scheme must be none, qsgd, qsgdinf, nuq, terngrad, alq, amq, signsgd, ef-signsgd or topk")
        }
        if !(topk > 0 && topk <= 1) { throw ValidationError("--topk must be in (0, 1]") }
        if bucket < 1 { throw ValidationError("--bucket must be ≥ 1") }
        if EliasCode(rawValue: code) == nil { throw ValidationError("--code must be omega or gamma") }
        if bits < 2 || bits > 16 { throw ValidationError("--bits must be between 2 and 16") }
    }

    func run() throws {
        let (scheme, bits, bucket, code, layerwise, topk) = (scheme, bits, bucket, EliasCode(rawValue: code)!, layerwise, topk)
        let extra: [String: JSON] = ["scheme": .string(scheme), "bits": .number(Double(bits)), "bucket": .number(Double(bucket)),
                                     "layerwise": .bool(layerwise)]
        try training.run(tool: "quant train", customize: { setup, model in
            guard scheme != "none" else { return }
            let d = model.parameterCount
            switch scheme {
            case "signsgd": setup.makeCodec = { _ in SignCodec(errorFeedback: false) }; return
            case "ef-signsgd": setup.makeCodec = { _ in SignCodec(errorFeedback: true) }; return
            case "topk": setup.makeCodec = { _ in TopKCodec(fraction: topk) }; return
            default: break
            }
            if scheme == "alq" || scheme == "amq" {
                _ = try AdaptiveLevelsCodec(method: scheme == "alq" ? .alq : .amq, bits: bits, bucketSize: bucket, dimension: d)
                setup.makeCodec = { _ in
                    try AdaptiveLevelsCodec(method: scheme == "alq" ? .alq : .amq, bits: bits, bucketSize: bucket, dimension: d)
                }
                return
            }
            let s = Scheme(rawValue: scheme)!
            let q = try s.quantizer(bits: bits, bucketSize: bucket)
            if layerwise {
                let blocks = model.views.map { (offset: $0.offset, count: $0.count, quantizer: q) }
                setup.makeCodec = { _ in QuantizedCodec(blocks: blocks, code: code, scheme: s.id) }
            } else {
                setup.makeCodec = { _ in QuantizedCodec(quantizer: q, dimension: d, code: code, scheme: s.id) }
            }
        }, extra: extra)
    }
}
