import Exchange
import Kernel

/// The attacks by name, each with its help line and its factory (the one table of `--attack` and `--kind`).
public enum AttackKind: String, CaseIterable, Sendable {
    case none, signFlip = "sign-flip", gaussian, ipm, ipmMixtailor = "ipm-mixtailor", alie, alieVariant = "alie-variant"
    case mimic, fangKrum = "fang-krum", fangTrmean = "fang-trmean", labelFlip = "label-flip", tailored
    case tailoredPool = "tailored-pool", adaptivePaper = "adaptive-paper", minMax = "min-max", minSum = "min-sum"

    public var help: String {
        switch self {
        case .none: return "all workers honest"
        case .signFlip: return "−mean of the honest rows"
        case .gaussian: return "N(0, σ²) rows (--sigma)"
        case .ipm: return "inner-product manipulation, −ε·mean (--eps)"
        case .ipmMixtailor: return "MixTailor's ε-reverse, −(ε/f)·Σ honest"
        case .alie: return "a little is enough, μ − zσ with the paper's z"
        case .alieVariant: return "a little is enough with the epfml/blades z"
        case .mimic: return "copies of one honest row"
        case .fangKrum: return "Fang et al.'s attack on Krum"
        case .fangTrmean: return "Fang et al.'s attack on the trimmed mean"
        case .labelFlip: return "Byzantine workers train on labels y → C−1−y (training only)"
        case .tailored: return "IPM with ε chosen against --target-rule"
        case .tailoredPool: return "one ε against MixTailor's families together"
        case .adaptivePaper: return "the pool attack as MixTailor's code composes it"
        case .minMax: return "μ − γp, γ largest with max distance to honest ≤ theirs (--deviation)"
        case .minSum: return "μ − γp, γ largest with summed squared distances ≤ theirs (--deviation)"
        }
    }

    /// The attack (nil for `none`); `target` is the rule a tailored attack optimises against, built with `rules`.
    public func make(
        epsilon: Double, sigma: Double, f: Int, target: RuleKind, rules: RuleSettings,
        deviation: DistanceAttack.Deviation = .std
    ) -> (any ByzantineAttack)? {
        switch self {
        case .none: return nil
        case .signFlip: return SignFlipAttack()
        case .gaussian: return GaussianAttack(sigma: sigma)
        case .ipm: return IPMAttack(epsilon: epsilon)
        case .ipmMixtailor: return IPMAttack(epsilon: epsilon, mixtailor: true)
        case .alie: return ALIEAttack()
        case .alieVariant: return ALIEAttack(variant: .variant)
        case .mimic: return MimicAttack()
        case .fangKrum: return FangKrumAttack()
        case .fangTrmean: return FangTrimmedMeanAttack()
        case .labelFlip: return LabelFlipAttack()
        case .tailored: return TailoredAttack(targets: [target.make(rules)])
        case .tailoredPool:
            return TailoredAttack(targets: [KrumRule(f: f), MedianRule(), GeometricMedianRule(), BulyanRule(f: f)])
        case .adaptivePaper:
            return PaperAdaptiveAttack(targets: [KrumRule(f: f), MedianRule(), GeometricMedianRule(), BulyanRule(f: f)])
        case .minMax: return DistanceAttack(.minMax, deviation: deviation)
        case .minSum: return DistanceAttack(.minSum, deviation: deviation)
        }
    }
}
