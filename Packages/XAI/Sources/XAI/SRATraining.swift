import Kernel
import Learn

/// Where the alignment targets of negative (class-0) posts come from.
public enum NegativeTargets: String, Sendable, CaseIterable {
    /// Uniform over the tokens (HateXplain's `aggregate_attention` for normal posts).
    case uniform
    /// No alignment term for them.
    case skip
}

/// Which rationale the alignment term is trained towards.
public enum RationaleSource: String, Sendable, CaseIterable {
    /// The mean of the annotators' masks.
    case annotators
    /// The control of Herrewijnen et al. (EACL 2026): per post, as many random positions as the annotators'
    /// union marks.
    case random
}

/// Everything `xai train` decides: the model's shape, SRA's term, the optimisation.
public struct SRASettings: Sendable {
    public var dim = 32
    public var heads = 2
    public var layers = 1
    public var lambda: Float = 1
    public var alignment = AlignmentLoss.kl
    /// 0-based; nil = the last (classifying) layer.
    public var layer: Int?
    public var head = 0
    public var negatives = NegativeTargets.uniform
    public var source = RationaleSource.annotators
    public var epochs = 20
    public var batch = 32
    public var learningRate: Float = 3e-3
    public var seed: UInt64 = 0

    public init() {}

    public func supervisedLayer(_ c: AttentionClassifier) -> Int { layer ?? c.attentionLayers.count - 1 }

    public var json: [String: JSON] {
        [
            "dim": .number(Double(dim)), "heads": .number(Double(heads)), "layers": .number(Double(layers)),
            "lambda": .number(Double(lambda)), "align": .string(alignment.rawValue),
            "align_layer": layer.map { .number(Double($0)) } ?? .string("last"), "align_head": .number(Double(head)),
            "negatives": .string(negatives.rawValue), "rationale_source": .string(source.rawValue),
            "epochs": .number(Double(epochs)), "batch": .number(Double(batch)),
            "learning_rate": .number(Double(learningRate)), "seed": .number(Double(seed)),
        ]
    }
}

/// SRA training through Learn's loop (``trainAlone``: one worker, Adam), and the encoded data it needs.
public enum SRATraining {
    /// Posts as token ids.
    public static func encode(_ c: Corpus, _ v: Vocabulary) -> [[Int32]] { c.posts.map { v.ids($0.tokens) } }

    /// Per post, the alignment target over [CLS] + tokens, or nil (a negative under `.skip`, or a toxic post whose
    /// annotators marked nothing).
    public static func targets(_ c: Corpus, _ s: SRASettings) -> [[Float]?] {
        var rng = RNG(seed: s.seed, stream: 0x7A46)
        return c.posts.map { p -> [Float]? in
            let n = p.tokens.count
            if p.label == 0 || p.rationales.isEmpty {
                return s.negatives == .skip || p.label != 0
                    ? nil : s.alignment.target(meanMask: [Float](repeating: 0, count: n))
            }
            var m = [Float](repeating: 0, count: n)
            for r in p.rationales { for j in 0..<n { m[j] += Float(r[j]) / Float(p.rationales.count) } }
            if s.source == .random {
                let marked = RationaleAggregation.union.combine(p.rationales, length: n).reduce(0) { $0 + Int($1) }
                m = [Float](repeating: 0, count: n)
                for j in rng.permutation(n).prefix(marked) { m[j] = 1 }
            }
            guard m.contains(where: { $0 > 0 }) else { return nil }
            return s.alignment.target(meanMask: m)
        }
    }

    public struct Result: Sendable {
        public var seconds: Double
        public var steps: Int
        public var finalLoss: Double
    }

    /// Trains `classifier` in place on `corpus`.
    public static func train(
        _ classifier: AttentionClassifier, corpus: Corpus, vocabulary: Vocabulary, settings s: SRASettings,
        progress: ((Int, Double) -> Void)? = nil
    ) throws -> Result {
        let layer = s.supervisedLayer(classifier)
        guard layer < classifier.attentionLayers.count else {
            throw FjordError.usage(
                "--align-layer \(layer): the model has \(classifier.attentionLayers.count) attention layers (0-based)")
        }
        guard s.head < s.heads else {
            throw FjordError.usage("--align-head \(s.head): the model has \(s.heads) heads (0-based)")
        }
        if let bad = corpus.posts.firstIndex(where: { $0.label >= classifier.shape.classes }) {
            throw FjordError.data(
                "post \(corpus.posts[bad].id): label \(corpus.posts[bad].label) ≥ \(classifier.shape.classes) classes")
        }
        let objective = SRAObjective(
            classifier: classifier, ids: encode(corpus, vocabulary), labels: corpus.posts.map { Int32($0.label) },
            targets: targets(corpus, s), lambda: s.lambda, alignment: s.alignment, layer: layer, head: s.head)
        return try trainAlone(
            classifier.model, objective: objective, epochs: s.epochs, batch: s.batch, learningRate: s.learningRate,
            seed: s.seed, progress: progress)
    }
}

/// Trains `model` in place through Learn's loop on one worker: Adam with a cosine schedule from `learningRate`
/// down to a twentieth of it, `epochs` passes over the objective's rows in batches of `batch`. The trainer every
/// XAI model uses (SRA's classifier, the document reader).
public func trainAlone<O: Objective>(
    _ model: Sequential, objective: O, epochs: Int, batch: Int, learningRate: Float, seed: UInt64,
    progress: ((Int, Double) -> Void)? = nil
) throws -> SRATraining.Result {
    let steps = max(1, epochs * objective.rowCount / batch)
    var cfg = TrainingConfig(steps: steps, batchSize: batch)
    cfg.seed = seed
    let config = cfg
    let clock = ContinuousClock()
    let start = clock.now
    let job = TrainingJob(model: model, objective: objective, progress: progress)
    _ = try LocalCommunicator.run(workers: 1) { comm -> Int in
        var objective = job.objective
        var optimizer: any Optimizer = Adam(.cosine(learningRate, total: steps, minimum: learningRate / 20))
        var exchange = try ExchangeStep(workers: 1, dimension: job.model.parameterCount)
        _ = try trainLoop(
            comm, parameters: job.model.parameterBuffer, gradient: job.model.gradientBuffer,
            objective: &objective, optimizer: &optimizer, exchange: &exchange, config: config,
            progress: { t, l in
                job.last = l
                job.progress?(t, l)
            }, evaluate: { $0 })
        return 0
    }
    let d = clock.now - start
    return SRATraining.Result(
        seconds: Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18, steps: steps,
        finalLoss: job.last)
}

/// What the training thread needs, handed across as one box (its fields are used by that thread only).
final class TrainingJob<O: Objective>: @unchecked Sendable {
    let model: Sequential
    let objective: O
    let progress: ((Int, Double) -> Void)?
    var last = Double.nan
    init(model: Sequential, objective: O, progress: ((Int, Double) -> Void)?) {
        self.model = model
        self.objective = objective
        self.progress = progress
    }
}
