import Exchange
import Kernel

/// The settings a training codec may take (each ``CodecKind`` reads the ones it needs).
public struct CodecSettings: Sendable {
    /// Bit budget b: 2^(b−1) levels including 0 (quantizers).
    public var bits = 4
    /// Coordinates per bucket, each with its own norm (quantizers).
    public var bucket = 8192
    public var code = EliasCode.omega
    /// Fixed-width packing of the level indices (``EncodedGradient/fixedWidth``) instead of the shortest body.
    public var fixedWidth = false
    /// Quantize each parameter block (`blocks` of ``CodecKind/factory(_:dimension:blocks:)``) with its own norm.
    public var layerwise = false
    /// Fraction of coordinates top-k keeps.
    public var topk = 0.01
    /// ALQ/AMQ refits at these steps, then every `adaptivePeriod` (the paper: 100, 2000, then every 10000).
    public var adaptiveSchedule = [100, 2000]
    public var adaptivePeriod = 10000

    /// The message-body settings (`code`, `fixedWidth`) on a codec that builds the messages.
    func configure(_ c: inout QuantizedCodec) { (c.code, c.fixedWidth) = (code, fixedWidth) }
    /// Wrap the codec in ``ErrorFeedback`` (always on for `ef-signsgd` and `topk`).
    public var errorFeedback = false
    /// Clip each block at ±c·σ before encoding (``ClippingCodec``; TernGrad's c = 2.5); nil: no clipping.
    public var clip: Double?
    public init() {}
}

/// The codecs a worker can send its vector with, by name, each with its help line and its factory: the one table
/// that `--scheme` parses and `--help` lists.
public enum CodecKind: String, CaseIterable, Sendable {
    case none, qsgd, qsgdinf, nuq, terngrad, alq, amq, signsgd, efSignsgd = "ef-signsgd", topk

    public var help: String {
        switch self {
        case .none: return "float32, 32 bits per coordinate (the full-precision baseline)"
        case .qsgd: return "QSGD: uniform levels, L2 norm"
        case .qsgdinf: return "QSGDinf: uniform levels, L∞ norm"
        case .nuq: return "NUQSGD: exponential levels, L2 norm"
        case .terngrad: return "TernGrad: {−1, 0, 1}·L∞"
        case .alq: return "ALQ: levels refitted from the worker's recent gradients (coordinate descent)"
        case .amq: return "AMQ: exponential levels with a refitted multiplier"
        case .signsgd: return "(‖g‖₁/d)·sign(g), one bit per coordinate"
        case .efSignsgd: return "signsgd with error feedback (EF-signSGD)"
        case .topk: return "the --topk fraction of largest coordinates, with error feedback"
        }
    }

    /// The quantizer scheme behind this codec, if it is one of the four fixed-level schemes.
    public var scheme: Scheme? { Scheme(rawValue: rawValue) }

    /// Whether this codec always runs inside ``ErrorFeedback`` (the biased ones named for it).
    public var alwaysFeedsBack: Bool { self == .efSignsgd || self == .topk }

    /// A per-worker codec factory for vectors of `dimension` coordinates (nil: send float32), checked once here so
    /// that a bad setting fails before training starts. `blocks` tile the vector for layer-wise quantization and
    /// for clipping (one σ per block; none given: one block).
    ///
    /// With `layerwise`, ALQ and AMQ learn one level set per layer type (`types`, one per block: embedding,
    /// attention, feed-forward, bias/norm as ``LayerType`` numbers them; ``LayerTypeLevelsCodec``); without types every
    /// block is its own type. `clip` puts ``ClippingCodec`` in front, `errorFeedback` puts ``ErrorFeedback`` around
    /// both: e is what the clipped, quantized message left out.
    public func factory(
        _ s: CodecSettings, dimension d: Int,
        blocks: [(offset: Int, count: Int)] = [], types: [Int]? = nil
    ) throws(FjordError) -> ((_ rank: Int) throws -> any GradientCodec)? {
        if let c = s.clip, !(c > 0 && c.isFinite) { throw .usage("--clip must be a positive number of σ, not \(c)") }
        guard let base = try baseFactory(s, dimension: d, blocks: blocks, types: types) else {
            if s.errorFeedback || s.clip != nil {
                throw .usage("--error-feedback and --clip need a codec to wrap (--scheme is none)")
            }
            return nil
        }
        let feedback = s.errorFeedback || alwaysFeedsBack, clip = s.clip, clipBlocks = blocks
        if clip == nil && !feedback { return base }
        return { rank in
            var codec = try base(rank)
            if let clip { codec = ClippingCodec(codec, sigmas: Float(clip), blocks: clipBlocks) }
            return feedback ? ErrorFeedback(codec) : codec
        }
    }

    /// The codec itself, without the wrappers.
    func baseFactory(
        _ s: CodecSettings, dimension d: Int, blocks: [(offset: Int, count: Int)], types: [Int]?
    ) throws(FjordError) -> ((_ rank: Int) throws -> any GradientCodec)? {
        if let scheme {  // the four fixed-level quantizers
            let q = try scheme.quantizer(bits: s.bits, bucketSize: s.bucket)
            if s.layerwise && !blocks.isEmpty {
                let b = blocks.map { (offset: $0.offset, count: $0.count, quantizer: q) }
                return { _ in
                    var c = QuantizedCodec(blocks: b, scheme: scheme.id)
                    s.configure(&c)
                    return c
                }
            }
            return { _ in
                var c = QuantizedCodec(quantizer: q, dimension: d, scheme: scheme.id)
                s.configure(&c)
                return c
            }
        }
        if s.fixedWidth && (self == .none || self == .signsgd || self == .efSignsgd || self == .topk) {
            throw .usage("--fixed-width packs quantizer indices; \(rawValue) has none")
        }
        switch self {
        case .none: return nil
        case .signsgd, .efSignsgd: return { _ in SignCodec() }
        case .topk:
            guard s.topk > 0 && s.topk <= 1 else { throw .usage("--topk must be in (0, 1], not \(s.topk)") }
            return { _ in TopKCodec(fraction: s.topk) }
        // (a `where` binds to one pattern only: each pattern carries its own)
        case .alq where s.layerwise && !blocks.isEmpty, .amq where s.layerwise && !blocks.isEmpty:
            let method: AdaptiveLevelsCodec.Method = self == .alq ? .alq : .amq
            let t = types ?? Array(blocks.indices)
            guard t.count == blocks.count else { throw .usage("layer types: \(t.count) for \(blocks.count) blocks") }
            let b = zip(blocks, t).map { (offset: $0.0.offset, count: $0.0.count, type: $0.1) }
            let make = { () throws(FjordError) in
                var c = try LayerTypeLevelsCodec(
                    method: method, bits: s.bits, bucketSize: s.bucket, blocks: b, schedule: s.adaptiveSchedule,
                    period: s.adaptivePeriod)
                s.configure(&c.inner)
                return c
            }
            _ = try make()
            return { _ in try make() }
        case .alq, .amq:
            let method: AdaptiveLevelsCodec.Method = self == .alq ? .alq : .amq
            let make = { () throws(FjordError) in
                var c = try AdaptiveLevelsCodec(
                    method: method, bits: s.bits, bucketSize: s.bucket, dimension: d,
                    schedule: s.adaptiveSchedule, period: s.adaptivePeriod)
                s.configure(&c.inner)
                return c
            }
            _ = try make()
            return { _ in try make() }
        case .qsgd, .qsgdinf, .nuq, .terngrad: preconditionFailure("handled above through `scheme`")
        }
    }
}

/// The layer types of per-type level learning (QODA's layer-wise quantization).
public enum LayerType: Int, CaseIterable, Sendable {
    case embedding, attention, feedForward, biasOrNorm
}
