import Kernel
import Learn
import Testing

@testable import XAI

#if canImport(Glibc)
    import Glibc
#endif

/// The SRA objective's gradient (cross-entropy and the alignment term together) against central differences, each
/// alignment loss's gradient, and the synthetic benchmark's structure.
@Suite struct ModelTests {
    func tiny(layers: Int) -> (AttentionClassifier, [[Int32]], [Int32], [[Float]?]) {
        var shape = ClassifierShape(vocabulary: 12, classes: 2)
        shape.dim = 4
        shape.heads = 2
        shape.layers = layers
        let c = AttentionClassifier(shape, seed: 3)
        // larger weights than the initialisation so the softmax is not flat
        var rng = RNG(seed: 9)
        for i in 0..<c.model.parameterCount { c.model.parameterBuffer[i] = 0.8 * rng.normal() }
        let ids: [[Int32]] = [[3, 4, 5], [6, 7, 8, 9, 10], [11, 3]]
        let targets: [[Float]?] = [
            AlignmentLoss.kl.target(meanMask: [0, 1, 0.5]), nil, AlignmentLoss.kl.target(meanMask: [1, 0]),
        ]
        return (c, ids, [1, 0, 1], targets)
    }

    @Test(arguments: [(AlignmentLoss.kl, 1), (.mse, 1), (.hatexplainCE, 1), (.kl, 2), (.mse, 2)])
    func objectiveGradient(loss: AlignmentLoss, layers: Int) throws {
        let (c, ids, labels, targets0) = tiny(layers: layers)
        let targets = targets0.map { $0.map { t in loss.target(meanMask: Array(t.dropFirst())) } }
        for layer in 0..<layers {
            var o = SRAObjective(
                classifier: c, ids: ids, labels: labels, targets: targets, lambda: 2, alignment: loss, layer: layer,
                head: 1)
            let worst = try objectiveGradientError(&o, at: Array(c.model.parameterBuffer), batch: [0, 1, 2])
            #expect(worst < 1e-2, "\(loss) layers \(layers) supervised \(layer): \(worst)")
        }
    }

    /// Targets: HateXplain's softmax(5·mask) over tokens, normalized masks for MSE/KL, uniform without a rationale;
    /// [CLS] always 0.
    @Test func targets() {
        let ce = AlignmentLoss.hatexplainCE.target(meanMask: [1, 0])
        #expect(ce[0] == 0 && abs(ce[1] - 1 / (1 + expf(-5))) < 1e-6)
        #expect(AlignmentLoss.kl.target(meanMask: [1, 0, 1]) == [0, 0.5, 0, 0.5])
        #expect(AlignmentLoss.mse.target(meanMask: [0, 0, 0, 0]) == [0, 0.25, 0.25, 0.25, 0.25])
    }

    /// Same seed, same corpus; toxic iff a trigger is present; planted tokens are trigger phrases; identity words
    /// follow ρ; annotators only mark toxic posts.
    @Test func syntheticStructure() throws {
        var g = SyntheticRationales()
        g.posts = 2000
        g.seed = 4
        let a = try g.generate(), b = try g.generate()
        #expect(a.posts == b.posts)
        let lex = g.lexicon
        let triggers = Set(lex.triggers)
        var mentionToxic = 0, toxic = 0, mentionClean = 0
        for p in a.posts {
            let hasTrigger = p.tokens.contains { triggers.contains($0) }
            #expect(hasTrigger == (p.label == 1), "\(p.id)")
            #expect((p.planted ?? []).contains(1) == (p.label == 1))
            #expect(p.rationales.isEmpty == (p.label == 0))
            #expect(p.tokens.count >= g.minLength && p.tokens.count <= g.maxLength)
            for (j, w) in p.tokens.enumerated() where triggers.contains(w) { #expect(p.planted![j] == 1) }
            if p.label == 1 {
                toxic += 1
                mentionToxic += p.targets.isEmpty ? 0 : 1
            } else {
                mentionClean += p.targets.isEmpty ? 0 : 1
            }
        }
        let rt = Double(mentionToxic) / Double(toxic), rc = Double(mentionClean) / Double(2000 - toxic)
        #expect(abs(rt - 0.9) < 0.03 && abs(rc - 0.1) < 0.03, "\(rt) \(rc)")
        let text = a.jsonl
        let back = try Corpus.parse(Array(text.utf8), name: "x").corpus
        #expect(back.posts == a.posts)
    }

    /// SRA on a small synthetic set (long tail of triggers): with λ = 1 the attention's token F1 and AUPRC against
    /// the planted rationale are far above plain attention's, at no loss of accuracy (`xai reproduce` measures the
    /// same on 10⁴ posts and three seeds).
    @Test func sraRaisesPlausibility() throws {
        var g = SyntheticRationales()
        g.posts = 2000
        g.seed = 1
        let train = try g.generate()
        g.posts = 500
        g.seed = 2
        let test = try g.generate()
        let vocab = try Vocabulary.build(train.posts.map(\.tokens))
        var rules = EvaluationRules()
        rules.planted = true
        rules.head = 0
        var results: [Evaluation] = []
        for lambda: Float in [0, 1] {
            var s = SRASettings()
            s.lambda = lambda
            s.epochs = 10
            var shape = ClassifierShape(vocabulary: vocab.count, classes: 2)
            shape.dim = s.dim
            shape.heads = s.heads
            let c = AttentionClassifier(shape, seed: 1)
            _ = try SRATraining.train(c, corpus: train, vocabulary: vocab, settings: s)
            results.append(try Evaluation.run(c, corpus: test, vocabulary: vocab, rules: rules))
        }
        #expect(results[0].accuracy > 0.75, "\(results.map(\.accuracy))")
        #expect(results[1].accuracy > results[0].accuracy - 0.02, "\(results.map(\.accuracy))")
        #expect(results[1].tokenF1.f1 > results[0].tokenF1.f1 + 0.1, "\(results.map(\.tokenF1))")
        #expect(results[1].soft.auprc > results[0].soft.auprc + 0.2, "\(results.map(\.soft))")
    }
}
