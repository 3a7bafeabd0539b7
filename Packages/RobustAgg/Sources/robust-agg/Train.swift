import ArgumentParser
import FjordCLI
import Kernel
import Learn
import LearnCLI
import RobustAgg

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Byzantine training: the last f of --workers are Byzantine, the rule aggregates, the attack corrupts.",
        discussion: """
        As `learn train`, with the workers' gradients aggregated by --rule and the last f workers' rows replaced \
        each step by --attack (computed from that step's honest gradients: an omniscient attacker), or, for \
        label-flip, the Byzantine workers training on labels y → C−1−y. --partition one-class gives MixTailor's \
        non-iid setting. With --backend mpi the same runs one process per worker.

        Example: robust-agg train --data digits --workers 12 -f 2 --rule mixtailor --attack tailored-pool --partition one-class
        """)

    @OptionGroup var training: TrainingOptions
    @OptionGroup var ruleOptions: RuleOptions
    @Option(help: "Attack: \(RobustAggFactory.attackNames.joined(separator: ", ")).") var attack = "none"
    @Option(help: "ε for ipm.") var eps = 0.1
    @Option(help: "σ for gaussian.") var sigma = 200.0
    @Option(help: "The rule a tailored attack targets (default: --rule).") var targetRule: String?

    func validate() throws {
        if !RobustAggFactory.attackNames.contains(attack) { throw ValidationError("--attack must be one of \(RobustAggFactory.attackNames.joined(separator: ", "))") }
    }

    func run() throws {
        let (ro, attack, eps, sigma, target, f) = (ruleOptions, attack, eps, sigma, targetRule ?? ruleOptions.rule, ruleOptions.f)
        _ = try ro.make()  // fail early on a bad rule
        try training.run(tool: "robust-agg train", customize: { setup, _ in
            setup.makeRule = { try ro.make() }
            if let a = try RobustAggFactory.attack(attack, epsilon: eps, sigma: sigma, f: f, targetRule: target, ruleOptions: ro.factoryOptions) {
                setup.makeByzantine = { n throws(FjordError) in
                    guard f < n else { throw .usage("-f \(f) must be below the number of workers \(n)") }
                    return .last(f, of: n, attack: a)
                }
            }
        }, extra: ["rule": .string(ro.rule), "attack": .string(attack), "f": .number(Double(f))])
    }
}
