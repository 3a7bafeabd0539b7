import ArgumentParser
import FjordCLI
import Kernel
import XAI

extension AlignmentLoss: ExpressibleByArgument, Choice {
    public var help: String {
        switch self {
        case .hatexplainCE:
            return "HateXplain's masked cross-entropy on softmax(5·mean mask), log-softmax over α as its code"
        case .mse: return "Σ (α − m/Σm)²"
        case .kl: return "KL(m/Σm ‖ α)"
        }
    }
}

extension NegativeTargets: ExpressibleByArgument, Choice {
    public var help: String {
        switch self {
        case .uniform: return "align class-0 posts to the uniform distribution (HateXplain)"
        case .skip: return "no alignment term for class-0 posts"
        }
    }
}

extension RationaleSource: ExpressibleByArgument, Choice {
    public var help: String {
        switch self {
        case .annotators: return "the mean of the annotators' masks"
        case .random: return "control: as many random positions as the annotators' union marks"
        }
    }
}

extension PredictedSpans: ExpressibleByArgument, Choice {
    public var help: String {
        switch self {
        case .tokens: return "each selected token is a span (HateXplain)"
        case .runs: return "maximal runs of selected tokens are spans"
        }
    }
}

extension ANLSConvention: ExpressibleByArgument, Choice {
    public var help: String {
        switch self {
        case .strict: return "the anls package: whitespace collapsed, NL < τ"
        case .mpDocVQA: return "the MP-DocVQA evaluator: stripped only, similarity ≥ τ, empty prediction 0"
        }
    }
}

/// The ground truth an evaluation scores against.
enum TruthChoice: String, Choice {
    case union, majority, mean, planted
    var help: String {
        switch self {
        case .union: return "any annotator (HateXplain's evaluation)"
        case .majority: return "more than half of the annotators"
        case .mean: return "at least half of the annotators"
        case .planted: return "the planted rationale of synthetic posts"
        }
    }
}

/// How explanations are scored: shared by explain, metrics and train.
struct RuleOptions: ParsableArguments {
    @Option(help: "Ground truth rationale.") var truth = TruthChoice.union
    @Option(
        help: ArgumentHelp(
            "Hard rationale from the scores: top-k:K (HateXplain: top-k:5), threshold:T or fraction:F.",
            valueName: "RULE"))
    var hard = "top-k:5"
    @Option(help: "Predicted spans for IOU F1.") var spans = PredictedSpans.tokens
    @Option(help: "IoU a predicted span needs to count (ERASER: 0.5).") var iou = 0.5

    func validate() throws {
        _ = try rule()
        if !(iou > 0 && iou <= 1) { throw ValidationError("--iou must be in (0, 1]") }
    }

    func rule() throws(FjordError) -> HardRationaleRule {
        let parts = hard.split(separator: ":", maxSplits: 1).map(String.init)
        if parts.count == 2, let v = Double(parts[1]) {
            switch parts[0] {
            case "top-k" where v >= 1 && v == v.rounded(): return .topK(Int(v))
            case "threshold" where v.isFinite: return .threshold(Float(v))
            case "fraction" where v > 0 && v <= 1: return .fraction(v)
            default: break
            }
        }
        throw .usage("--hard '\(hard)': expected top-k:K (K ≥ 1), threshold:T or fraction:F (0 < F ≤ 1)")
    }

    var rules: EvaluationRules {
        get throws(FjordError) {
            var r = EvaluationRules()
            r.planted = truth == .planted
            r.aggregation = RationaleAggregation(rawValue: truth.rawValue) ?? .union
            r.hard = try rule()
            r.spans = spans
            r.iouThreshold = iou
            return r
        }
    }
}

/// Reads a whole input (a path, or `-` for stdin).
func readInput(_ path: String) throws(FjordError) -> [UInt8] {
    let bytes = try ByteSource.open(path: path).readAll()
    if bytes.isEmpty { throw .noInput("\(path == "-" ? "stdin" : path): empty input") }
    return bytes
}

func writeText(_ text: String, _ output: OutputOptions) throws {
    try output.write(binary: false) { sink in try sink.write(Array(text.utf8)) }
}

func writeReport(_ json: JSON, to path: String?) throws {
    let text = json.serialized + "\n"
    if let path { try AtomicFile.write(Array(text.utf8), to: path) } else { printError(text) }
}

/// "mean ± half-width" of the 95 % t interval of `values` (the mean alone for one value), times `scale`.
func intervalCell(_ values: [Double], scale: Double = 1, digits: Int = 3) -> String {
    let s = Inference.meanInterval(values)
    return NumberFormat.fixed(scale * s.mean, digits)
        + (s.half.isNaN ? "" : " ± " + NumberFormat.fixed(scale * s.half, digits))
}
