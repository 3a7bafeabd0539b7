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
        --scheme none sends float32 (the full-precision baseline). --layerwise normalises and quantizes each
        parameter block (weights, biases of each layer) on its own.
        Example: quant train --data digits --workers 4 --scheme nuq --bits 4 --epochs 30
                 mpirun -np 4 quant train --backend mpi --scheme qsgdinf --bits 4   (build with --traits MPI)
        """)

    @OptionGroup var training: TrainingOptions
    @Option(help: "none, qsgd, qsgdinf, nuq, terngrad, alq or amq.") var scheme = "nuq"
    @Option(help: "Bit budget b: 2^(b−1) levels including 0.") var bits = 4
    @Option(help: "Coordinates per bucket.") var bucket = 8192
    @Option(help: "Elias code: omega or gamma.") var code = "omega"
    @Flag(help: "Quantize each parameter block (layer weight, layer bias) with its own norm.") var layerwise = false

    func validate() throws {
        if !(["none", "alq", "amq"] + Scheme.allCases.map(\.rawValue)).contains(scheme) {
            throw ValidationError("--scheme must be none, qsgd, qsgdinf, nuq, terngrad, alq or amq")
        }
        if bucket < 1 { throw ValidationError("--bucket must be ≥ 1") }
        if EliasCode(rawValue: code) == nil { throw ValidationError("--code must be omega or gamma") }
        if bits < 2 || bits > 16 { throw ValidationError("--bits must be between 2 and 16") }
    }

    func run() throws {
        let (scheme, bits, bucket, code, layerwise) = (scheme, bits, bucket, EliasCode(rawValue: code)!, layerwise)
        let extra: [String: JSON] = ["scheme": .string(scheme), "bits": .number(Double(bits)), "bucket": .number(Double(bucket)),
                                     "layerwise": .bool(layerwise)]
        try training.run(tool: "quant train", customize: { setup, model in
            guard scheme != "none" else { return }
            let d = model.parameterCount
            if scheme == "alq" || scheme == "amq" {
                _ = try AdaptiveLevelsCodec(method: scheme == "alq" ? .alq : .amq, bits: bits, bucketSize: bucket, dimension: d)
                setup.makeCodec = { _ in
                    try! AdaptiveLevelsCodec(method: scheme == "alq" ? .alq : .amq, bits: bits, bucketSize: bucket, dimension: d)
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
