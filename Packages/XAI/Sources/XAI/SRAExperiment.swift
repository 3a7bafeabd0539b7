import Kernel
import Learn
import Synchronization

/// Plain attention against SRA on the synthetic rationale benchmark (``SyntheticRationales``), several seeds: per
/// seed s a training set (ρ = `rho`), an in-distribution test set (same ρ) and a shifted one (ρ = `shiftedRho`, the
/// identity cue carries no label information), all from data seed 1000·s + {1, 2, 3}; every arm trains from model
/// seed s on the same data, so arms differ only in their objective. Evaluation against the planted rationale.
public struct SRAExperiment: Sendable {
    /// One arm: a model and its objective.
    public struct Arm: Sendable {
        public var name: String
        /// A short label for figures.
        public var short: String
        public var lambda: Float
        public var alignment = AlignmentLoss.kl
        public var source = RationaleSource.annotators
        public var layers = 1
        public init(
            _ name: String, short: String, lambda: Float, source: RationaleSource = .annotators, layers: Int = 1
        ) {
            (self.name, self.short, self.lambda, self.source, self.layers) = (name, short, lambda, source, layers)
        }
    }

    public var arms: [Arm] = [
        Arm("plain (λ = 0)", short: "plain", lambda: 0), Arm("SRA λ = 0.1", short: "SRA 0.1", lambda: 0.1),
        Arm("SRA λ = 1", short: "SRA 1", lambda: 1), Arm("SRA λ = 10", short: "SRA 10", lambda: 10),
        Arm("random rationale λ = 1", short: "random", lambda: 1, source: .random),
        Arm("2 layers, plain", short: "2L plain", lambda: 0, layers: 2),
        Arm("2 layers, SRA λ = 1", short: "2L SRA 1", lambda: 1, layers: 2),
    ]
    public var seeds = 3
    public var posts = 10_000
    public var testPosts = 2000
    public var triggers = 3000
    public var rho = 0.9
    public var shiftedRho = 0.5
    public var alignment = AlignmentLoss.kl
    public var epochs = 20
    public var dim = 32
    public var heads = 2
    public var threads = 2
    public var rules: EvaluationRules = {
        var r = EvaluationRules()
        r.planted = true
        r.head = 0
        return r
    }()

    public init() {}

    /// One trained arm on one seed: its scores on both test sets, and the records of the in-distribution one.
    public struct Run: Sendable {
        public var arm: Int
        public var seed: Int
        public var seconds: Double
        public var inDistribution: Evaluation
        public var shifted: Evaluation
        public var records: [ExplanationRecord]
    }

    /// Trains every arm on every seed (in parallel over `threads`, one BLAS thread each) and returns the runs in
    /// arm-major order. `progress` is called after each run from the worker that finished it.
    public func run(progress: (@Sendable (Int) -> Void)? = nil) throws -> [Run] {
        guard seeds >= 1, posts >= 10, testPosts >= 10, !arms.isEmpty else {
            throw FjordError.usage("the experiment needs ≥ 1 seed, ≥ 10 posts and ≥ 1 arm")
        }
        var data: [(train: Corpus, test: Corpus, shifted: Corpus, vocabulary: Vocabulary)] = []
        for s in 0..<seeds {
            func corpus(_ n: Int, _ rho: Double, _ k: UInt64) throws(FjordError) -> Corpus {
                var g = SyntheticRationales()
                (g.posts, g.rho, g.triggers, g.seed) = (n, rho, triggers, 1000 * UInt64(s) + k)
                return try g.generate()
            }
            let train = try corpus(posts, rho, 1)
            data.append(
                (
                    train, try corpus(testPosts, rho, 2), try corpus(testPosts, shiftedRho, 3),
                    try Vocabulary.build(train.posts.map(\.tokens))
                ))
        }
        let jobs = arms.count * seeds
        let box = RunBox<Run>(jobs)
        let (arms, alignment, epochs, dim, heads, rules) = (arms, alignment, epochs, dim, heads, rules)
        let shared = data
        let saved = BLAS.threads
        BLAS.threads = 1
        defer { BLAS.threads = saved }
        forEachChunk(count: jobs, width: 1, threads: threads) { j, _ in
            let a = arms[j / shared.count], seed = j % shared.count
            let d = shared[seed]
            do {
                var s = SRASettings()
                (s.dim, s.heads, s.layers, s.lambda, s.alignment) = (dim, heads, a.layers, a.lambda, alignment)
                (s.source, s.epochs, s.seed, s.layer, s.head) = (a.source, epochs, UInt64(seed), nil, 0)
                var shape = ClassifierShape(vocabulary: d.vocabulary.count, classes: 2)
                (shape.dim, shape.heads, shape.layers) = (dim, heads, a.layers)
                let c = AttentionClassifier(shape, seed: UInt64(seed))
                let t = try SRATraining.train(c, corpus: d.train, vocabulary: d.vocabulary, settings: s)
                // Explanations are the supervised head of the classifier's own [CLS] row (the last layer).
                var r = rules
                (r.layer, r.head) = (nil, 0)
                let records = try Evaluation.records(c, corpus: d.test, vocabulary: d.vocabulary, rules: r)
                let id = try Evaluation.score(records, rules: r)
                let sh = try Evaluation.run(c, corpus: d.shifted, vocabulary: d.vocabulary, rules: r)
                box.set(
                    j,
                    .success(
                        Run(
                            arm: j / shared.count, seed: seed, seconds: t.seconds, inDistribution: id, shifted: sh,
                            records: seed == 0 ? records : [])))
            } catch {
                box.set(j, .failure(error as? FjordError ?? .data("\(error)")))
            }
            progress?(j)
        }
        return try box.results()
    }
}

/// Results written by the experiment's workers, one slot each.
final class RunBox<Run: Sendable>: Sendable {
    private let slots: Mutex<[Result<Run, FjordError>?]>
    init(_ n: Int) { slots = Mutex(Array(repeating: nil, count: n)) }
    func set(_ i: Int, _ r: Result<Run, FjordError>) { slots.withLock { $0[i] = r } }
    func results() throws(FjordError) -> [Run] {
        try slots.withLock { $0 }.map { s throws(FjordError) in try s!.get() }
    }
}
