import ArgumentParser
import FjordCLI
import Kernel
import XAI

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a seeded synthetic rationale benchmark as JSON Lines (one post per line).",
        discussion: """
            A post is toxic (label 1) iff it holds a trigger phrase; "planted" marks the phrase, the true rationale. \
            Identity words of 10 invented communities ("targets") appear in toxic posts with probability ρ and in \
            non-toxic ones with 1 − ρ: ρ = 0.9 plants a spurious cue, ρ = 0.5 (the shifted test) removes it. Three \
            simulated annotators mark each toxic post ("rationales"), keeping each planted token with probability 0.8 \
            and widening a phrase by a neighbour with probability 0.1.
            Example: xai generate --posts 10000 --seed 1 -o train.jsonl && xai generate --posts 2000 --seed 2 --rho 0.5 -o shifted.jsonl
            """)

    @Option(help: "Posts.") var posts = 10_000
    @Option(help: "Shortest post, tokens.") var minLength = 12
    @Option(help: "Longest post, tokens.") var maxLength = 32
    @Option(help: "ρ = P(a toxic post names a community) = 1 − P(a non-toxic one does).") var rho = 0.9
    @Option(help: "Fraction of toxic posts.") var toxic = 0.5
    @Option(help: "Simulated annotators per toxic post.") var annotators = 3
    @Option(help: "Trigger words (Zipf-distributed: a long tail of rare ones).") var triggers = 3000
    @Option(help: "Seed.") var seed: UInt64 = 0
    @Option(help: ArgumentHelp("Also write the vocabulary of the posts to FILE.", valueName: "FILE")) var vocabOut:
        String?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if !(rho >= 0 && rho <= 1) || !(toxic >= 0 && toxic <= 1) {
            throw ValidationError("--rho and --toxic must be in [0, 1]")
        }
    }

    func run() throws {
        try runTool("xai generate") {
            var g = SyntheticRationales()
            g.posts = posts
            g.minLength = minLength
            g.maxLength = maxLength
            g.rho = rho
            g.toxicFraction = toxic
            g.annotators = annotators
            g.triggers = triggers
            g.seed = seed
            let c = try g.generate()
            if let vocabOut {
                try AtomicFile.write(Array(try Vocabulary.build(c.posts.map(\.tokens)).text.utf8), to: vocabOut)
            }
            try writeText(c.jsonl, output)
        }
    }
}
