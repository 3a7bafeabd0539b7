import Kernel
import Learn

/// The reader's objective for Learn's trainer, one term per link of the chain:
///
///     L = (1/W) Σ_words CE(answer word?, p_w) + λ_e · (1/B) Σᵢ KL(ê_i ‖ α_i) + λ_r · (1/B) Σᵢ KL(r̂_i ‖ β_i)
///
/// W is the number of page words in the batch, ê the uniform distribution over the true evidence words (the
/// field's key and value) and r̂ over the answer words; α and β are the [CLS] rows of the evidence and region heads
/// (``DocumentReader``). λ_e = λ_r = 0 leaves the region head unsupervised (an ablation: its box is then arbitrary).
public struct DocumentObjective: Objective {
    public let reader: DocumentReader
    public let questions: [DocumentQuestion]
    public var evidenceWeight: Float
    public var regionWeight: Float

    public init(
        reader: DocumentReader, questions: [DocumentQuestion], evidenceWeight: Float = 1, regionWeight: Float = 1
    ) {
        self.reader = reader
        self.questions = questions
        self.evidenceWeight = evidenceWeight
        self.regionWeight = regionWeight
    }

    public var rowCount: Int { questions.count }

    public mutating func loss(
        batch: [Int], parameters: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>
    ) throws(FjordError) -> Double {
        let model = reader.model
        return try model.evaluate(at: parameters, gradient: gradient) { () throws(FjordError) in
            let views = batch.map { DocumentReader.View(questions[$0]) }
            let z = reader.forward(views)
            let t = z.shape[1]
            // the tagger: cross-entropy over page-word positions only (weight 0 elsewhere; B·T/W keeps it a mean
            // over the W page words)
            var labels = [Int32](repeating: 0, count: views.count * t)
            var weights = [Float](repeating: 0, count: views.count * t)
            let wordCount = views.reduce(0) { $0 + $1.visible.count }
            for (i, v) in views.enumerated() {
                for j in 0..<v.visible.count {
                    weights[i * t + v.offset + j] = Float(views.count * t) / Float(wordCount)
                }
                for w in v.question.answerWords { labels[i * t + v.offset + w] = 1 }
            }
            let ce = try softmaxCrossEntropy(
                logits: z.reshaped([views.count * t, 2]), labels: labels, weights: weights)
            var total = ce.loss
            for (layer, head, weight, truth) in [
                (reader.evidenceLayer, DocumentReader.evidenceHead, evidenceWeight, \DocumentQuestion.evidence),
                (reader.regionLayer, DocumentReader.regionHead, regionWeight, \DocumentQuestion.answerWords),
            ] where weight != 0 {
                // the uniform distribution over the marked words, 0 on [CLS] and the question
                let targets = views.map { v -> [Float]? in
                    let marked = v.question[keyPath: truth]
                    var y = [Float](repeating: 0, count: v.length)
                    for w in marked { y[v.offset + w] = 1 / Float(marked.count) }
                    return y
                }
                let (align, g) = AlignmentLoss.kl.term(
                    reader.weights(layer: layer), head: head, targets: targets, weight: weight)
                total += Double(weight) * align
                reader.setAttentionGradient(g, layer: layer)
            }
            guard total.isFinite else {
                throw .data("reader: the loss is \(total) (diverged; lower the learning rate)")
            }
            _ = model.backward(ce.gradient.reshaped(z.shape), inputGradient: false)
            return total
        }
    }
}
