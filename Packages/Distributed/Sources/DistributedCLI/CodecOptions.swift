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
    @Flag(help: "Pack level indices at a fixed ⌈log₂(2K−1)⌉ bits (b bits at b-bit schemes) instead of Elias codes.")
    public var fixedWidth = false
    @Flag(help: "Quantize each parameter block (layer weight, layer bias) with its own norm.") public var layerwise =
        false
    @Option(help: "Fraction of coordinates top-k keeps.") public var topk = 0.01
    @Flag(
        help:
            "Error feedback around the codec (EF-SGD): each worker adds what its earlier messages left out before encoding."
    ) public var errorFeedback = false
    @Option(
        help: ArgumentHelp(
            "Clip each layer's gradient at ±c·σ before encoding (TernGrad's paper: 2.5).", valueName: "c"))
    public var clip: Double?

    public func validate() throws {
        if !(topk > 0 && topk <= 1) { throw ValidationError("--topk must be in (0, 1]") }
        if bucket < 1 { throw ValidationError("--bucket must be ≥ 1") }
        if bits < 2 || bits > 16 { throw ValidationError("--bits must be between 2 and 16") }
        if let clip, !(clip > 0 && clip.isFinite) { throw ValidationError("--clip must be a positive number of σ") }
    }

    public var settings: CodecSettings {
        var s = CodecSettings()
        s.bits = bits
        s.bucket = bucket
        s.code = code
        s.fixedWidth = fixedWidth
        s.layerwise = layerwise
        s.topk = topk
        s.errorFeedback = errorFeedback
        s.clip = clip
        return s
    }
}
