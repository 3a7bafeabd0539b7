import Exchange
import Kernel
import Learn

/// Trains the classifier the label-shift estimators read, through Learn's training loop (one worker): an MLP
/// d → hidden → classes with ReLU, Adam, minibatches, softmax cross-entropy with optional per-row importance
/// weights and the VRLS entropy term ζ·(negative entropy) (``softmaxCrossEntropy(logits:labels:weights:entropy:)``).
public enum ClassifierTraining {
    public struct Options: Sendable {
        public var hidden = 128
        public var steps = 3000
        public var batch = 64
        public var rate: Float = 1e-3
        /// ζ of VRLS's entropy term (0: plain cross-entropy, the MLLS baseline's classifier).
        public var entropy: Float = 0
        public var seed: UInt64 = 0
        public init() {}
    }

    /// The trained model; `weights` (one per row of `data`) weight each row's cross-entropy.
    public static func train(_ data: Dataset, _ o: Options, weights: [Float]? = nil) throws -> Sequential {
        guard o.hidden >= 1, o.steps >= 1, o.batch >= 1, o.rate > 0, o.rate.isFinite, o.entropy.isFinite else {
            throw FjordError.usage("training: --hidden, --steps, --batch ≥ 1, a finite --lr > 0 and a finite ζ")
        }
        let model = Sequential.mlp([data.dimension, o.hidden, data.classes], init: .he, seed: o.seed)
        var config = TrainingConfig(steps: o.steps, batchSize: min(o.batch, data.count))
        config.seed = o.seed
        try trainAlone(
            model, objective: ModelObjective.crossEntropy(model, data: data, weights: weights, entropy: o.entropy),
            optimizer: Adam(.constant(o.rate)), config: config)
        return model
    }

    /// Logits of every row (n×classes, Double).
    public static func logits(_ model: Sequential, _ data: Dataset) -> [Double] {
        model.forward(data.features).scalars.map(Double.init)
    }
}
