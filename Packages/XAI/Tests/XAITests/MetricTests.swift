import Kernel
import Testing

@testable import XAI

/// Every metric on hand-made inputs whose value was worked out by hand (research/xai.md §2–4).
@Suite struct MetricTests {
    /// ERASER's worked example: 10 tokens, true spans [2,5) and [7,8), HateXplain-style single-token predictions
    /// {3}, {4}, {7}, {9}: token P = R = F1 = 0.75; IoUs 1/3, 1/3, 1, 0 → TP 1, r = 1/2, p = 1/4, IOU F1 = 1/3.
    @Test func eraserGoldenExample() throws {
        var e = Explanations()
        let truth: [UInt8] = [0, 0, 1, 1, 1, 0, 0, 1, 0, 0]
        let hard: [UInt8] = [0, 0, 0, 1, 1, 0, 0, 1, 0, 1]
        try e.append(truth: truth, scores: [Float](repeating: 0, count: 10), hard: hard)
        let t = Plausibility.tokenF1(e)
        #expect(abs(t.precision - 0.75) < 1e-12 && abs(t.recall - 0.75) < 1e-12 && abs(t.f1 - 0.75) < 1e-12)
        let iou = Plausibility.iouF1(e)
        #expect(abs(iou.recall - 0.5) < 1e-12 && abs(iou.precision - 0.25) < 1e-12)
        #expect(abs(iou.f1 - 1.0 / 3) < 1e-12)
        // the same predictions as runs: {3,4} has IoU 2/3 with [2,5), {7} 1, {9} 0 → p = 2/3, r = 1, F1 = 0.8
        let runs = Plausibility.iouF1(e, spans: .runs)
        #expect(abs(runs.f1 - 0.8) < 1e-12, "\(runs)")
        // token IoU |{3,4,7}| / |{2,3,4,7,9}| = 0.6
        #expect(abs(Plausibility.tokenIoU(e) - 0.6) < 1e-12)
    }

    /// Macro averaging: token F1 is a mean of per-instance F1s; IOU F1 an F1 of the means. An instance with no
    /// prediction and no truth does not count; one with truth only counts 0.
    @Test func macroAveraging() throws {
        var e = Explanations()
        try e.append(truth: [1, 1, 0, 0], scores: [0, 0, 0, 0], hard: [1, 1, 0, 0])  // perfect
        try e.append(truth: [1, 0, 0, 0], scores: [0, 0, 0, 0], hard: [0, 0, 0, 0])  // missed: F1 0
        try e.append(truth: [0, 0, 0], scores: [0, 0, 0], hard: [0, 0, 0])  // nothing: not counted
        #expect(abs(Plausibility.tokenF1(e).f1 - 0.5) < 1e-12)
        // IOU F1: instance 1's token spans {0}, {1} each have IoU ½ with [0, 2), so TP = 2 and r = 2/1 (ERASER does
        // not cap r at 1); instance 2 has r = 0 and no predictions. Mean r = (2 + 0)/2 = 1, mean p = 2/2 = 1.
        let i = Plausibility.iouF1(e)
        #expect(abs(i.recall - 1) < 1e-12 && abs(i.precision - 1) < 1e-12)
    }

    /// truth [1,0,1,0], scores [.9,.8,.7,.1]: the PR points (r, p) = (.5, 1), (.5, .5), (1, 2/3), (1, .5) after
    /// (0, 1): trapezoid area 0.5 + 0.5·(0.5 + 2/3)/2 = 0.791667; AP = 0.5·1 + 0.5·2/3 = 0.8333; ROC AUC 3/4.
    /// A ranking with no positive gives scikit-learn's 0.5; ties are one threshold.
    @Test func softScores() throws {
        var e = Explanations()
        try e.append(truth: [1, 0, 1, 0], scores: [0.9, 0.8, 0.7, 0.1])
        var s = Plausibility.soft(e)
        #expect(abs(s.auprc - 0.7916666666666667) < 1e-12)
        #expect(abs(s.averagePrecision - 0.8333333333333334) < 1e-12)
        #expect(abs(s.rocAUC - 0.75) < 1e-12)
        try e.append(truth: [0, 0, 0], scores: [0.3, 0.2, 0.1])
        s = Plausibility.soft(e)
        #expect(abs(s.auprc - (0.7916666666666667 + 0.5) / 2) < 1e-12 && s.singleClass == 1)
        var tie = Explanations()
        try tie.append(truth: [1, 0], scores: [0.5, 0.5])
        let t = Plausibility.soft(tie)
        // one point (r 1, p ½) after (0, 1): area 0.75; AP 0.5; AUC 0.5
        #expect(abs(t.auprc - 0.75) < 1e-12 && abs(t.averagePrecision - 0.5) < 1e-12 && abs(t.rocAUC - 0.5) < 1e-12)
    }

    @Test func hardRules() {
        let s: [Float] = [0.1, 0.5, 0.5, 0.9, 0.2]
        #expect(HardRationaleRule.topK(2).select(s) == [0, 1, 0, 1, 0])  // tie to the earlier position
        #expect(HardRationaleRule.topK(9).select(s) == [1, 1, 1, 1, 1])
        #expect(HardRationaleRule.threshold(0.5).select(s) == [0, 1, 1, 1, 0])
        #expect(HardRationaleRule.fraction(0.2).keep(5) == 1 && HardRationaleRule.fraction(0.01).keep(32) == 1)
        #expect(HardRationaleRule.fraction(0.5).keep(5) == 3)
    }

    @Test func aggregation() {
        let m: [[UInt8]] = [[1, 1, 0, 0], [1, 0, 1, 0], [1, 0, 0, 0]]
        #expect(RationaleAggregation.union.combine(m, length: 4) == [1, 1, 1, 0])
        #expect(RationaleAggregation.majority.combine(m, length: 4) == [1, 0, 0, 0])
        #expect(RationaleAggregation.mean.combine([[1, 0], [0, 0]], length: 2) == [1, 0])
        #expect(RationaleAggregation.majority.combine([[1, 0], [0, 0]], length: 2) == [0, 0])
    }

    /// p(ŷ|x) = (.9, .6), removed (.3, .5), alone (.8, .6): comprehensiveness (.6 + .1)/2 = .35, sufficiency
    /// (.1 + 0)/2 = .05; two bins with deltas (.2, .4) and (0, .2) → AOPC comprehensiveness .2.
    @Test func faithfulness() throws {
        let f = try Faithfulness.score(
            full: [0.9, 0.6], without: [0.3, 0.5], only: [0.8, 0.6], binWithout: [[0.7, 0.5], [0.6, 0.4]],
            binOnly: [[0.9, 0.9], [0.6, 0.6]])
        #expect(abs(f.comprehensiveness - 0.35) < 1e-12 && abs(f.sufficiency - 0.05) < 1e-12)
        #expect(abs(f.aopcComprehensiveness - 0.2) < 1e-12 && abs(f.aopcSufficiency - 0) < 1e-12)
        #expect(f.binComprehensiveness.map { ($0 * 1e9).rounded() / 1e9 } == [0.1, 0.3])
        #expect(throws: FjordError.self) { try Faithfulness.score(full: [1.2], without: [0], only: [0]) }
    }

    /// HateXplain's golden power mean: m = (0.8, 0.7, 0.9), p = −5 → 0.77551. And the three AUCs on 6 posts.
    /// The one-pass bias AUCs equal the pairwise definition (P(score⁺ > score⁻) + ½ P(tie)) on random posts with
    /// many tied scores, several communities per post and a background.
    @Test func biasAUCsMatchPairwiseDefinition() throws {
        var g = RNG(seed: 3)
        let n = 400, k = 4
        let scores = (0..<n).map { _ in Float(g.int(below: 12)) / 11 }
        let toxic = (0..<n).map { _ in g.uniformDouble() < 0.5 }
        let groups = (0..<(n * k)).map { _ in UInt8(g.uniformDouble() < 0.3 ? 1 : 0) }
        let background = (0..<n).map { _ in g.uniformDouble() < 0.8 }
        let b = try BiasAUC.compute(scores: scores, toxic: toxic, groups: groups, groupCount: k, background: background)
        func pairwise(_ sel: (Int) -> Bool) -> Double {
            let idx = (0..<n).filter { background[$0] && sel($0) }
            var u = 0.0, pairs = 0.0
            for i in idx where toxic[i] {
                for j in idx where !toxic[j] {
                    u += scores[i] > scores[j] ? 1 : (scores[i] == scores[j] ? 0.5 : 0)
                    pairs += 1
                }
            }
            return u / pairs
        }
        for c in 0..<k {
            let m = { (i: Int) in groups[i * k + c] != 0 }
            #expect(abs(b.subgroup[c] - pairwise(m)) < 1e-12)
            #expect(abs(b.bpsn[c] - pairwise { toxic[$0] != m($0) }) < 1e-12)
            #expect(abs(b.bnsp[c] - pairwise { toxic[$0] == m($0) }) < 1e-12)
        }
    }

    @Test func biasAUCs() throws {
        #expect(abs(BiasAUC.powerMean([0.8, 0.7, 0.9], -5) - 0.77551) < 5e-6)
        // posts: (score, toxic, mentions c)
        let posts: [(Float, Bool, UInt8)] = [
            (0.9, true, 1), (0.4, true, 1), (0.6, false, 1), (0.8, true, 0), (0.2, false, 0), (0.7, false, 0),
        ]
        let b = try BiasAUC.compute(
            scores: posts.map(\.0), toxic: posts.map(\.1), groups: posts.map(\.2), groupCount: 1)
        // subgroup {0.9+, 0.4+, 0.6−}: pairs 0.9>0.6, 0.4<0.6 → 1/2
        #expect(abs(b.subgroup[0] - 0.5) < 1e-12)
        // BPSN: toxic not mentioning {0.8} ∪ non-toxic mentioning {0.6} → 1
        #expect(abs(b.bpsn[0] - 1) < 1e-12)
        // BNSP: toxic mentioning {0.9, 0.4} ∪ non-toxic not mentioning {0.2, 0.7}: 0.9 beats both, 0.4 beats 0.2 → 3/4
        #expect(abs(b.bnsp[0] - 0.75) < 1e-12)
        #expect(throws: FjordError.self) {
            try BiasAUC.compute(scores: [1.5], toxic: [true], groups: [1], groupCount: 1)
        }
    }

    /// The boundary pairs where the conventions disagree, and kitten/sitting where they agree.
    @Test func anlsGoldenPairs() {
        #expect(ANLS.similarity("a", ["ab"], convention: .strict) == 0)
        #expect(ANLS.similarity("a", ["ab"], convention: .mpDocVQA) == 0.5)
        #expect(ANLS.similarity("new york", ["new  york"], convention: .strict) == 1)
        #expect(abs(ANLS.similarity("new york", ["new  york"], convention: .mpDocVQA) - 8.0 / 9) < 1e-12)
        for c in ANLSConvention.allCases {
            #expect(abs(ANLS.similarity("sitting", ["kitten"], convention: c) - 4.0 / 7) < 1e-12)
            #expect(ANLS.similarity("Kitten ", ["x", "kitten"], convention: c) == 1)  // best gold, case, strip
        }
        #expect(ANLS.similarity("", [""], convention: .strict) == 1)
        #expect(ANLS.similarity("", [""], convention: .mpDocVQA) == 0)
        #expect(ANLS.levenshtein(Array("flaw".unicodeScalars), Array("lawn".unicodeScalars)) == 2)
    }

    @Test func boxes() throws {
        let a = Box(0, 0, 2, 2), b = Box(1, 1, 3, 3)
        #expect(abs(a.iou(b) - 1.0 / 7) < 1e-12 && a.iou(a) == 1 && a.iou(Box(5, 5, 6, 6)) == 0)
        let g = try Grounding.score(predicted: [a, a], truth: [a, b], pageArea: 16)
        #expect(abs(g.meanIoU - (1 + 1.0 / 7) / 2) < 1e-12 && g.accuracy == 0.5 && g.meanAreaRatio == 0.25)
        #expect(throws: FjordError.self) { try Box(0, 0, 5, 1).validate(width: 4, height: 4, name: "box") }
        #expect(Box.hull([a, b]) == Box(0, 0, 3, 3))
    }

    @Test func badExplanations() {
        var e = Explanations()
        #expect(throws: FjordError.self) { try e.append(truth: [1, 0], scores: [0.1]) }
        #expect(throws: FjordError.self) { try e.append(truth: [2], scores: [0.1]) }
        #expect(throws: FjordError.self) { try e.append(truth: [1], scores: [.nan]) }
        #expect(e.count == 0)
    }
}
