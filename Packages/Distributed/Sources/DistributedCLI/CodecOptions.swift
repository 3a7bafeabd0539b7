import ArgumentParser
import Kernel
import Quant

/// How each worker encodes what it sends: the codec options of every training tool.
public struct CodecOptions: ParsableArguments {
    public init() {}

    @Option(help: "Codec each worker sends its gradient with (default: nuq in quant train, none elsewhere).")
    public var scheme: CodecKind?
    @Option(help: "Bit budget b: 2^(b−1) levels including 0.") public var bits = 4
    @Option(help: "Coordinates per bucket.") public var bucket = 8192
    @Option(help: "Elias code of the message bodies.") public var code = EliasCode.omega
    @Flag(help: "Quantize each parameter block (layer weight, layer bias) with its own norm.") public var layerwise =
        false
    @Option(help: "Fraction of coordinates top-k keeps.") public var topk = 0.01

    public func validate() throws {
        if !(topk > 0 && topk <= 1) { throw ValidationError("--topk must be in (0, 1]") }
        if bucket < 1 { throw ValidationError("--bucket must be ≥ 1") }
        if bits < 2 || bits > 16 { throw ValidationError("--bits must be between 2 and 16") }
    }

    public var settings: CodecSettings {
        var s = CodecSettings()
        s.bits = bits
        s.bucket = bucket
        s.code = code
        s.layerwise = layerwise
        s.topk = topk
        return s
    }
}
