import Kernel
import Learn

/// How an evaluation turns a model's attention into explanations and what it scores them against; every output
/// names these (research/xai.md §9).
public struct EvaluationRules: Sendable {
    /// Ground truth: the annotators' masks combined by `aggregation`, or the planted rationale (synthetic data).
    public var aggregation = RationaleAggregation.union
    public var planted = false
    public var hard = HardRationaleRule.topK(5)
    public var spans = PredictedSpans.tokens
    public var iouThreshold = 0.5
    /// The attention layer (nil: the last) and head (nil: the mean over heads, HateXplain's soft rationale).
    public var layer: Int?
    public var head: Int?
    public var bins = Faithfulness.eraserBins
    /// Bias AUCs over posts with some target only (HateXplain's background) or over every post.
    public var targetedBackground = true
    public var communities = 10

    public init() {}

    public var json: [String: JSON] {
        [
            "truth": .string(planted ? "planted" : aggregation.rawValue), "hard_rationale": .string(hard.description),
            "predicted_spans": .string(spans.rawValue), "iou_threshold": .number(iouThreshold),
            "explanation": .string(
                "[CLS] attention of layer \(layer.map(String.init) ?? "last"), \(head.map { "head \($0)" } ?? "mean over heads")"
            ),
            "aopc_bins": .array(bins.map(JSON.number)), "faithfulness": .string("deletion, predicted class"),
            "token_f1_macro": .string("mean of per-instance F1"), "iou_f1_macro": .string("F1 of mean P and mean R"),
            "bias_background": .string(targetedBackground ? "posts with a target" : "all posts"),
            "gmb_power": .number(-5),
        ]
    }
}

/// One model on one test set: accuracy, plausibility, faithfulness, bias.
public struct Evaluation: Sendable {
    public var accuracy: Double
    public var macroF1: Double
    public var explained: Int
    public var tokenF1: PRF
    public var iouF1: PRF
    public var tokenIoU: Double
    public var soft: Plausibility.Soft
    public var faithfulness: Faithfulness
    public var bias: BiasAUC?
    public var communities: [String]

    public var json: JSON {
        var o: [String: JSON] = [
            "accuracy": .number(accuracy), "macro_f1": .number(macroF1), "explained_posts": .number(Double(explained)),
            "token_f1": .number(tokenF1.f1), "token_precision": .number(tokenF1.precision),
            "token_recall": .number(tokenF1.recall), "iou_f1": .number(iouF1.f1), "token_iou": .number(tokenIoU),
            "auprc": .number(soft.auprc), "average_precision": .number(soft.averagePrecision),
            "roc_auc": .number(soft.rocAUC),
            "comprehensiveness": .number(faithfulness.comprehensiveness),
            "sufficiency": .number(faithfulness.sufficiency),
            "aopc_comprehensiveness": .number(faithfulness.aopcComprehensiveness),
            "aopc_sufficiency": .number(faithfulness.aopcSufficiency),
        ]
        if let b = bias {
            o["gmb_subgroup"] = .number(b.gmbSubgroup)
            o["gmb_bpsn"] = .number(b.gmbBPSN)
            o["gmb_bnsp"] = .number(b.gmbBNSP)
            o["communities"] = .array(communities.map(JSON.string))
            o["bias_undefined_communities"] = .number(Double(b.undefined))
        }
        return .object(o)
    }

    /// HateXplain's protocol on `corpus` through ``records(_:corpus:vocabulary:rules:)`` and ``score(_:rules:)``.
    public static func run(
        _ c: AttentionClassifier, corpus: Corpus, vocabulary: Vocabulary, rules: EvaluationRules
    ) throws(FjordError) -> Evaluation {
        try score(try records(c, corpus: corpus, vocabulary: vocabulary, rules: rules), rules: rules)
    }

    /// Explains every post: probabilities and the prediction; for posts whose gold label is not class 0 (the ones
    /// HateXplain explains) the [CLS] attention as scores, the hard rationale by `rules.hard`, and the predicted
    /// class's probability with the hard rationale deleted, alone, and per AOPC bin (top ⌈b·n⌉ tokens).
    public static func records(
        _ c: AttentionClassifier, corpus: Corpus, vocabulary: Vocabulary, rules: EvaluationRules
    ) throws(FjordError) -> [ExplanationRecord] {
        let layer = rules.layer ?? c.attentionLayers.count - 1
        guard layer < c.attentionLayers.count, rules.head ?? 0 < c.shape.heads else {
            throw .usage("explanation layer \(layer) / head \(rules.head ?? 0) does not exist in this model")
        }
        if let bad = corpus.posts.first(where: { $0.label >= c.shape.classes }) {
            throw .data("post \(bad.id): label \(bad.label), the model has \(c.shape.classes) classes")
        }
        let ids = SRATraining.encode(corpus, vocabulary)
        let probs = c.probabilities(ids)
        var out: [ExplanationRecord] = corpus.posts.enumerated().map { i, p in
            var r = ExplanationRecord(id: p.id)
            r.tokens = p.tokens
            r.label = p.label
            r.probabilities = probs[i]
            r.predicted = probs[i].indices.max { probs[i][$0] < probs[i][$1] }!
            r.rationales = p.rationales
            r.planted = p.planted
            r.targets = p.targets
            return r
        }
        let chosen = corpus.posts.indices.filter { corpus.posts[$0].label != 0 }
        let rows = chosen.map { ids[$0] }
        let soft = c.clsAttention(rows, layer: layer, head: rules.head)
        var without: [[Int32]] = [], only: [[Int32]] = [], binWithout: [[Int32]] = [], binOnly: [[Int32]] = []
        for (r, i) in chosen.enumerated() {
            let tokens = rows[r]
            let hard = rules.hard.select(soft[r])
            out[i].scores = soft[r]
            out[i].hard = hard
            without.append(zip(tokens, hard).filter { $0.1 == 0 }.map(\.0))
            only.append(zip(tokens, hard).filter { $0.1 != 0 }.map(\.0))
            for f in rules.bins {
                var keep = [Bool](repeating: false, count: tokens.count)
                for j in HardRationaleRule.topIndices(soft[r], count: HardRationaleRule.fraction(f).keep(tokens.count))
                {
                    keep[j] = true
                }
                binWithout.append(tokens.indices.filter { !keep[$0] }.map { tokens[$0] })
                binOnly.append(tokens.indices.filter { keep[$0] }.map { tokens[$0] })
            }
        }
        let pw = c.probabilities(without), po = c.probabilities(only)
        let pbw = c.probabilities(binWithout), pbo = c.probabilities(binOnly)
        let nb = rules.bins.count
        for (r, i) in chosen.enumerated() {
            let y = out[i].predicted!
            out[i].full = probs[i][y]
            out[i].without = pw[r][y]
            out[i].only = po[r][y]
            out[i].withoutBins = (0..<nb).map { pbw[r * nb + $0][y] }
            out[i].onlyBins = (0..<nb).map { pbo[r * nb + $0][y] }
        }
        return out
    }

    /// Scores explanation records from any model. Accuracy and macro F1 over records with a label and a
    /// prediction; plausibility and faithfulness over records with scores whose label is not 0 (all records with
    /// scores when they carry no label, or with `allPosts`); bias AUCs over records with probabilities, a label and
    /// the communities of `rules.communities` most named.
    public static func score(
        _ records: [ExplanationRecord], rules: EvaluationRules, allPosts: Bool = false
    ) throws(FjordError) -> Evaluation {
        var correct = 0, labelled = 0
        let k = max(
            2, (records.compactMap { $0.label }.max() ?? 0) + 1, (records.compactMap { $0.predicted }.max() ?? 0) + 1)
        var tp = [Int](repeating: 0, count: k), fp = tp, fn = tp
        for r in records {
            guard let y = r.label, let yh = r.predicted else { continue }
            labelled += 1
            if y == yh {
                correct += 1
                tp[y] += 1
            } else {
                fp[yh] += 1
                fn[y] += 1
            }
        }
        let present = (0..<k).filter { tp[$0] + fn[$0] > 0 }
        let f1s = present.map {
            PRF.f1(Double(tp[$0]) / Double(max(tp[$0] + fp[$0], 1)), Double(tp[$0]) / Double(max(tp[$0] + fn[$0], 1)))
        }
        var e = Explanations()
        var full: [Double] = [], w: [Double] = [], o: [Double] = [], bw: [[Double]] = [], bo: [[Double]] = []
        var allBins = true
        for r in records {
            guard let scores = r.scores, allPosts || (r.label ?? 1) != 0 else { continue }
            let truth: [UInt8]
            if rules.planted {
                guard let p = r.planted else {
                    throw .data("\(r.id): --truth planted, but the record has no \"planted\" mask")
                }
                truth = p
            } else {
                truth = rules.aggregation.combine(r.rationales, length: scores.count)
            }
            try e.append(truth: truth, scores: scores, hard: r.hard, rule: rules.hard, name: r.id)
            if let f = r.full, let wo = r.without, let on = r.only {
                full.append(f)
                w.append(wo)
                o.append(on)
                if let a = r.withoutBins, let b = r.onlyBins {
                    bw.append(a)
                    bo.append(b)
                } else {
                    allBins = false
                }
            }
        }
        let faith = try Faithfulness.score(
            full: full, without: w, only: o, binWithout: allBins ? bw : [], binOnly: allBins ? bo : [])
        // bias
        let scored = records.filter { $0.toxicScore != nil && $0.label != nil }
        var counts: [String: Int] = [:]
        for r in scored { for t in Set(r.targets) { counts[t, default: 0] += 1 } }
        let names = Array(
            counts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.map(\.key).prefix(
                rules.communities))
        var bias: BiasAUC?
        if !names.isEmpty {
            var groups = [UInt8](repeating: 0, count: scored.count * names.count)
            for (i, r) in scored.enumerated() {
                for (g, name) in names.enumerated() where r.targets.contains(name) { groups[i * names.count + g] = 1 }
            }
            bias = try BiasAUC.compute(
                scores: scored.map { Float($0.toxicScore!) }, toxic: scored.map { $0.label! != 0 }, groups: groups,
                groupCount: names.count, background: rules.targetedBackground ? scored.map { !$0.targets.isEmpty } : nil
            )
        }
        return Evaluation(
            accuracy: labelled > 0 ? Double(correct) / Double(labelled) : .nan,
            macroF1: f1s.isEmpty ? .nan : f1s.reduce(0, +) / Double(f1s.count), explained: e.count,
            tokenF1: Plausibility.tokenF1(e),
            iouF1: Plausibility.iouF1(e, threshold: rules.iouThreshold, spans: rules.spans),
            tokenIoU: Plausibility.tokenIoU(e), soft: Plausibility.soft(e), faithfulness: faith, bias: bias,
            communities: names)
    }
}
