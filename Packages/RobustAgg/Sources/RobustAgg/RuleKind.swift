import Exchange
import Kernel

/// The aggregation rules by name, each with its help line and its factory: the one table that `--rule` parses,
/// `--help` lists and the tools build from.
public enum RuleKind: String, CaseIterable, Sendable {
    case mean, median, medianLower = "median-lower", trimmedMean = "trimmed-mean", krum, multiKrum = "multi-krum"
    case geomed, bulyan, centeredClipping = "centered-clipping", mda, smea, signMajority = "sign-majority"
    case mixtailor, mixtailorCode = "mixtailor-code", mixtailorSmall = "mixtailor-small"

    public var help: String {
        switch self {
        case .mean: return "coordinate-wise mean (no robustness)"
        case .median: return "coordinate-wise median (mean of the two middle values for even n)"
        case .medianLower: return "coordinate-wise lower median"
        case .trimmedMean: return "coordinate-wise mean without the --trim (default f) lowest and highest; 2·trim < n"
        case .krum: return "the row with the least sum of squared distances to its n−f−2 nearest; n > 2f+2"
        case .multiKrum: return "the mean of the -m best Krum rows; n > 2f+2"
        case .geomed: return "geometric median (smoothed Weiszfeld)"
        case .bulyan: return "θ = n−2f Krum selections, then a trimmed mean of β = θ−2f values; n ≥ 4f+3"
        case .centeredClipping: return "--iterations rounds of clipping to radius --tau around the last aggregate"
        case .mda: return "minimum-diameter subset of n−f rows, averaged; at most 10⁷ subsets"
        case .smea: return "subset of n−f rows with the smallest top eigenvalue, averaged; at most 10⁷ subsets"
        case .signMajority: return "sign of the sum of signs (signSGD with majority vote)"
        case .mixtailor: return "MixTailor: each step a rule drawn from the paper's 64-rule pool"
        case .mixtailorCode:
            return "MixTailor's pool as the paper's code builds it: lower medians, unsquared distances in Bulyan's Krum"
        case .mixtailorSmall: return "MixTailor over {krum, median, geomed, bulyan}"
        }
    }

    /// The rule, with nearest-neighbour mixing and bucketing applied around it when `o` asks.
    public func make(_ o: RuleSettings) -> any AggregationRule {
        let base: any AggregationRule
        switch self {
        case .mean: base = MeanRule()
        case .median: base = MedianRule(threads: o.threads)
        case .medianLower: base = MedianRule(lower: true, threads: o.threads)
        case .trimmedMean: base = TrimmedMeanRule(trim: o.trim ?? o.f, threads: o.threads)
        case .krum: base = KrumRule(f: o.f, neighbours: o.byzflNeighbours ? .byzfl : .paper)
        case .multiKrum: base = KrumRule(f: o.f, m: o.m, neighbours: o.byzflNeighbours ? .byzfl : .paper)
        case .geomed: base = GeometricMedianRule(threads: o.threads)
        case .bulyan: base = BulyanRule(f: o.f)
        case .centeredClipping: base = CenteredClippingRule(tau: o.tau, iterations: o.iterations)
        case .signMajority: base = SignMajorityRule()
        case .mda: base = SubsetRule(f: o.f, criterion: .diameter)
        case .smea: base = SubsetRule(f: o.f, criterion: .eigenvalue)
        case .mixtailor: base = MixTailorRule(pool: MixTailorRule.paperPool(f: o.f))
        case .mixtailorCode: base = MixTailorRule(pool: MixTailorRule.paperPool(f: o.f, code: true))
        case .mixtailorSmall:
            base = MixTailorRule(pool: [KrumRule(f: o.f), MedianRule(), GeometricMedianRule(), BulyanRule(f: o.f)])
        }
        let mixed: any AggregationRule = o.nnm ? NNMRule(f: o.f, inner: base) : base
        return o.resample > 1 ? BucketingRule(s: o.resample, inner: mixed) : mixed
    }
}
