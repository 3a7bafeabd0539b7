import ArgumentParser
import Exchange
import Kernel
import RobustAgg

/// What the Byzantine workers do in training.
public struct AttackOptions: ParsableArguments {
    public init() {}

    @Option(help: "Attack of the last f workers.") public var attack = AttackKind.none
    @Option(help: "ε for ipm.") public var eps = 0.1
    @Option(help: "σ for gaussian.") public var sigma = 200.0
    @Option(help: "The rule a tailored attack targets (default: --rule).") public var targetRule: RuleKind?
    @Option(help: "Direction p of min-max and min-sum, which send μ − γp.")
    public var deviation = DistanceAttack.Deviation.std

    public func validate() throws {
        if !eps.isFinite { throw ValidationError("--eps must be a finite number") }
        if !(sigma >= 0 && sigma.isFinite) { throw ValidationError("--sigma must be a finite number ≥ 0") }
    }

    /// The attack against `rule` with `rules`' settings (nil: none).
    public func make(f: Int, rule: RuleKind, rules: RuleSettings) -> (any ByzantineAttack)? {
        attack.make(epsilon: eps, sigma: sigma, f: f, target: targetRule ?? rule, rules: rules, deviation: deviation)
    }
}
