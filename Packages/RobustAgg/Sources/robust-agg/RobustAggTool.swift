import ArgumentParser
import DistributedCLI
import FjordCLI
import Kernel
import Learn
import RobustAgg

/// `robust-agg`: Byzantine-resilient aggregation rules, the attacks against them, and MixTailor.
@main
struct RobustAggTool: FjordTool {
    static let configuration = CommandConfiguration(
        commandName: "robust-agg",
        abstract: "Aggregate worker gradients robustly, attack them, train under attack, reproduce MixTailor.",
        discussion: """
            Examples:
              tensor rand --shape 10,1000 | robust-agg attack --kind ipm --eps 10 -f 2 | robust-agg aggregate --rule mixtailor -f 2
              robust-agg train --data digits --workers 12 -f 2 --rule krum --attack tailored
            A stack is one (n, d) array: row i is worker i's gradient. Rules output a (d,) vector.
            """,
        version: fjordVersion,
        subcommands: [Aggregate.self, Attack.self, Train.self, Reproduce.self])
}

struct Aggregate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Aggregate each (n, d) stack of a stream into one (d,) vector.",
        discussion: """
            Rules and their bounds: krum/multi-krum need n > 2f+2; bulyan n ≥ 4f+3; trimmed-mean 2b < n; mda/smea \
            2f < n and at most 10⁷ subsets C(n, f). Violations \
            exit 64 naming the bound; NaN/Inf rows exit 65. MixTailor draws its rule with --seed (stack k uses draw k) \
            and reports the draw on stderr with --verbose.

            Example: robust-agg aggregate --rule krum -f 2 stack.npy
            """)

    @OptionGroup var input: InputOptions
    @OptionGroup var ruleOptions: RuleOptions
    @Option(help: "Seed (MixTailor's draw, geometric median has none).") var seed: UInt64 = 0
    @Flag(help: "Report the rule used for each stack on stderr.") var verbose = false
    @OptionGroup var threads: ThreadOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runTool("robust-agg aggregate") {
            var options = ruleOptions.settings
            options.threads = threads.count  // median, trimmed mean, geomed: same bytes for any count
            var rule = ruleOptions.kind().make(options)
            try output.write { sink in
                let w = NpyWriter(sink)
                try input.forEach { i, a in
                    var rng = RNG(seed: seed).substream(UInt64(i))
                    let out = try rule.aggregate(a.tensor(), rng: &rng)
                    if verbose {
                        var used = rule.name
                        if let mt = rule as? MixTailorRule, let k = mt.draws.last {
                            used += " drew #\(k): \(mt.pool[k].name)"
                        }
                        printError("robust-agg aggregate: stack \(i) \(a.shape): \(used)")
                    }
                    try w.write(out)
                }
            }
        }
    }
}

struct Attack: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Append f Byzantine rows, computed from the honest (h, d) stack, giving an (h+f, d) stack.",
        discussion: """
            Kinds: sign-flip (−mean), gaussian (N(0,σ²)), ipm (−ε·mean; ipm-mixtailor: −(ε/f)·Σ), alie (μ − zσ with the \
            paper's z; alie-variant the epfml/blades z), mimic, fang-krum, fang-trmean, tailored (ε chosen against \
            --target-rule), tailored-pool (one ε against MixTailor's families together), adaptive-paper (the pool attack as \
            MixTailor's code composes it: one ε per family, summed and sign-flipped, which sends a scaled honest mean).

            Example: tensor rand --shape 10,1000 | robust-agg attack --kind alie -f 2 | robust-agg aggregate --rule median
            """)

    @OptionGroup var input: InputOptions
    @Option(help: "Attack kind.") var kind = AttackKind.ipm
    @Option(name: .customShort("f"), help: "Byzantine rows to add.") var f = 1
    @Option(help: "ε for ipm.") var eps = 0.1
    @Option(help: "σ for gaussian.") var sigma = 200.0
    @Option(help: "The rule a tailored attack targets.") var targetRule = RuleKind.krum
    @Option(help: "Seed.") var seed: UInt64 = 0
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runTool("robust-agg attack") {
            guard f >= 1 else { throw FjordError.usage("-f must be ≥ 1") }
            guard
                var attack = kind.make(epsilon: eps, sigma: sigma, f: f, target: targetRule, rules: RuleSettings(f: f)),
                attack.replacesRows
            else {
                throw FjordError.usage(
                    "--kind \(kind.rawValue) has no gradient rows (label-flip acts on training data: use robust-agg train)"
                )
            }
            try output.write { sink in
                let w = NpyWriter(sink)
                try input.forEach { i, a in
                    let h = a.tensor()
                    guard h.rank == 2, h.shape[0] >= 1 else {
                        throw FjordError.data(
                            "\(input.name): array \(i): expected an (h, d) honest stack, got \(a.shape)")
                    }
                    let nonFinite = nonFiniteCount(h)
                    guard nonFinite == 0 else {
                        throw FjordError.data(
                            "\(input.name): array \(i): the honest stack holds \(nonFinite) NaN or infinite values")
                    }
                    // the f rows, the output stack and its copy
                    try Memory.require(
                        Tensor.elementCount([h.shape[0] + f, h.shape[1], 3]),
                        for: "-f \(f) rows of \(h.shape[1]) values")
                    var rng = RNG(seed: seed).substream(UInt64(i))
                    let bad = try attack.rows(honest: h, f: f, rng: &rng)
                    try w.write(Tensor(shape: [h.shape[0] + f, h.shape[1]], values: h.scalars + bad.scalars))
                }
            }
        }
    }
}
