import Kernel
import Learn

/// Supervised Rational Attention's objective (Eilertsen et al., AAAI 2026) for Learn's trainer:
///
///     L(θ) = (1/B) Σᵢ CE(yᵢ, ŷᵢ) + λ · (1/B) Σᵢ L_align(α_{ℓ,h}(xᵢ)[CLS], targetᵢ)
///
/// α_{ℓ,h} is the [CLS] row of head `head` of attention layer `layer` (0-based, bottom first); posts whose target is
/// nil (negatives under `--negatives skip`) add no alignment term. The alignment gradient enters through
/// ``MultiHeadAttention/attentionGradient``, so one backward pass carries both terms. λ = 0 is plain attention.
public struct SRAObjective: Objective {
    public let classifier: AttentionClassifier
    public let ids: [[Int32]]
    public let labels: [Int32]
    /// Per post, the target over [CLS] + its tokens (``AlignmentLoss/target(meanMask:)``), or nil.
    public let targets: [[Float]?]
    public var lambda: Float
    public var alignment: AlignmentLoss
    public var layer: Int
    public var head: Int
    /// The mean alignment term of the last batch (for progress reports).
    public private(set) var lastAlignment = 0.0

    public init(
        classifier: AttentionClassifier, ids: [[Int32]], labels: [Int32], targets: [[Float]?], lambda: Float,
        alignment: AlignmentLoss, layer: Int, head: Int
    ) {
        precondition(ids.count == labels.count && ids.count == targets.count, "one label and target per post")
        precondition(
            layer >= 0 && layer < classifier.attentionLayers.count && head >= 0 && head < classifier.shape.heads)
        self.classifier = classifier
        self.ids = ids
        self.labels = labels
        self.targets = targets
        self.lambda = lambda
        self.alignment = alignment
        self.layer = layer
        self.head = head
    }

    public var rowCount: Int { ids.count }

    public mutating func loss(
        batch: [Int], parameters: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>
    ) throws(FjordError) -> Double {
        let model = classifier.model
        return try model.evaluate(at: parameters, gradient: gradient) { () throws(FjordError) in
            let rows = batch.map { ids[$0] }
            let z = classifier.logits(rows)
            let ce = try softmaxCrossEntropy(logits: z, labels: batch.map { labels[$0] })
            var total = ce.loss
            if lambda != 0 {
                let (align, g) = alignment.term(
                    classifier.attention(layer: layer), head: head, targets: batch.map { targets[$0] },
                    weight: lambda)
                lastAlignment = align
                total += Double(lambda) * align
                classifier.attentionLayers[layer].attentionGradient = g
            }
            guard total.isFinite else {
                throw .data("SRA: the loss is \(total) (diverged; lower the learning rate or λ)")
            }
            _ = model.backward(ce.gradient, inputGradient: false)
            return total
        }
    }
}
