import ArgumentParser
import FjordCLI
import Quant
import RobustAgg

extension CodecKind: ExpressibleByArgument, Choice {}
extension RuleKind: ExpressibleByArgument, Choice {}
extension AttackKind: ExpressibleByArgument, Choice {}

extension Scheme: ExpressibleByArgument, Choice {
    public var help: String { CodecKind(rawValue: rawValue)?.help ?? rawValue }
}

extension EliasCode: ExpressibleByArgument, Choice {
    public var help: String {
        switch self {
        case .omega: return "Elias ω (recursive; shorter for large values)"
        case .gamma: return "Elias γ (2⌊log₂ n⌋ + 1 bits)"
        }
    }
}

extension NormKind: ExpressibleByArgument, Choice {
    public var help: String {
        switch self {
        case .l2: return "‖v‖₂ (QSGD, NUQSGD, ALQ, AMQ)"
        case .linf: return "‖v‖∞ (QSGDinf, TernGrad)"
        }
    }
}

/// Krum's neighbour count.
public enum KrumNeighbours: String, Choice {
    case paper, byzfl
    public var help: String { self == .paper ? "n − f − 2, as Blanchard et al." : "n − f − 1, as byzfl" }
}

extension AdaptiveLevelsCodec.Method: ExpressibleByArgument, Choice {
    public var help: String {
        self == .alq
            ? "ALQ: coordinate descent on the levels (Faghri et al. 2020)"
            : "AMQ: exponential levels p^k with the multiplier p fitted"
    }
}

extension DistanceAttack.Deviation: ExpressibleByArgument, Choice {
    public var help: String {
        switch self {
        case .unit: return "μ/‖μ‖, the unit mean (the paper's code)"
        case .std: return "the honest rows' standard deviation per coordinate (blades)"
        case .sign: return "sign(μ)"
        }
    }
}
