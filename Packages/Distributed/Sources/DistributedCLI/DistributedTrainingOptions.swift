import ArgumentParser
import Exchange
import Kernel
import Learn
import LearnCLI
import Quant
import RobustAgg

/// One option set for distributed training with any codec, any rule and any attack together (quantized,
/// Byzantine-robust SGD): `quant train` and `robust-agg train` are this command with different defaults
/// (quant: --scheme nuq, --rule mean; robust-agg: --scheme none, --rule median).
public struct DistributedTrainingOptions: ParsableArguments {
    public init() {}

    @OptionGroup public var training: TrainingOptions
    @OptionGroup(title: "Codec") public var codec: CodecOptions
    @OptionGroup(title: "Aggregation") public var rules: RuleOptions
    @OptionGroup(title: "Byzantine workers") public var byzantine: AttackOptions

    public func validate() throws {
        if byzantine.attack != .none && rules.f == 0 {
            throw ValidationError("--attack \(byzantine.attack.rawValue) needs -f ≥ 1 Byzantine workers")
        }
    }

    /// Trains; `scheme` and `rule` are the tool's defaults when the options name none.
    public func run(tool: String, scheme defaultScheme: CodecKind, rule defaultRule: RuleKind) throws {
        let scheme = codec.scheme ?? defaultScheme
        let rule = rules.kind(default: defaultRule)
        let (cs, rs, f) = (codec.settings, rules.settings, rules.f)
        let attack = byzantine.make(f: f, rule: rule, rules: rs)
        let extra: [String: JSON] = [
            "scheme": .string(scheme.rawValue), "bits": .number(Double(codec.bits)),
            "bucket": .number(Double(codec.bucket)),
            "layerwise": .bool(codec.layerwise), "rule": .string(rule.rawValue),
            "error_feedback": .bool(codec.errorFeedback || scheme.alwaysFeedsBack),
            "clip": codec.clip.map { .number($0) } ?? .null,
            "attack": .string(byzantine.attack.rawValue),
            "f": .number(Double(f)),
        ]
        try training.run(
            tool: tool,
            customize: { setup, model, n in
                guard f < n else { throw FjordError.usage("-f \(f) must be below the number of workers \(n)") }
                if let make = try scheme.factory(
                    cs, dimension: model.parameterCount,
                    blocks: model.views.map { (offset: $0.offset, count: $0.count) },
                    types: model.views.map { layerType($0, model).rawValue })
                {
                    setup.makeCodec = make
                }
                setup.makeRule = { rule.make(rs) }
                if let attack { setup.makeByzantine = { n in .last(f, of: n, attack: attack) } }
            }, extra: extra)
    }
}

/// The type of a parameter block for per-type level learning: biases and normalization parameters, embeddings,
/// attention weights, and the rest (feed-forward weights).
public func layerType(_ v: ParameterView, _ model: Sequential) -> LayerType {
    let layer = model.layers[v.layer]
    if v.name.hasSuffix(".bias") || layer is LayerNorm { return .biasOrNorm }
    if layer is Embedding { return .embedding }
    if layer is MultiHeadAttention { return .attention }
    return .feedForward
}
