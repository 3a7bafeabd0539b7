import Kernel

/// Precision, recall and F1.
public struct PRF: Sendable, Equatable {
    public var precision: Double
    public var recall: Double
    public var f1: Double
    public init(_ p: Double, _ r: Double, _ f: Double) {
        precision = p
        recall = r
        f1 = f
    }
    /// ERASER's `_f1`: 0 when either is 0.
    public static func f1(_ p: Double, _ r: Double) -> Double { p == 0 || r == 0 ? 0 : 2 * p * r / (p + r) }
}

/// ERASER's plausibility metrics (DeYoung et al. ACL 2020, `rationale_benchmark/metrics.py`), which HateXplain and
/// SRA report: how well an explanation agrees with the human rationale.
public enum Plausibility {
    /// Token F1, `token_prf.instance_macro`: per instance P = |H∩T|/|H|, R = |H∩T|/|T| (0 when H or T is empty),
    /// F1 = 2PR/(P+R), then the **mean of the per-instance values** (each of P, R, F1). Instances with neither a
    /// predicted nor a true token do not count (ERASER has no key for them).
    public static func tokenF1(_ e: Explanations) -> PRF {
        var sp = 0.0, sr = 0.0, sf = 0.0
        var n = 0
        e.truth.withUnsafeBufferPointer { t in
            e.hard.withUnsafeBufferPointer { h in
                for i in 0..<e.count {
                    var tp = 0, nt = 0, nh = 0
                    for k in e.range(i) {
                        let a = Int(t[k]), b = Int(h[k])
                        tp += a & b
                        nt += a
                        nh += b
                    }
                    if nt == 0 && nh == 0 { continue }
                    let p = nh > 0 ? Double(tp) / Double(nh) : 0, r = nt > 0 ? Double(tp) / Double(nt) : 0
                    sp += p
                    sr += r
                    sf += PRF.f1(p, r)
                    n += 1
                }
            }
        }
        guard n > 0 else { return PRF(0, 0, 0) }
        return PRF(sp / Double(n), sr / Double(n), sf / Double(n))
    }

    /// IOU F1 at `threshold` (`partial_match_score`, reported as `iou_scores[0].macro.f1`): true spans are the
    /// maximal runs of the rationale; predicted spans come from the hard rationale by `spans`. A predicted span is a
    /// true positive when its best IoU with a true span of its instance is ≥ `threshold`. Per instance r = TP/#true
    /// spans and p = TP/#predicted spans; macro R is the mean of r over instances with true spans, macro P the mean
    /// of p over instances with predictions, and the result is **F1(mean P, mean R)** — an F1 of means, unlike
    /// ``tokenF1``.
    public static func iouF1(_ e: Explanations, threshold: Double = 0.5, spans: PredictedSpans = .tokens) -> PRF {
        var sumR = 0.0, sumP = 0.0
        var nR = 0, nP = 0
        e.truth.withUnsafeBufferPointer { t in
            e.hard.withUnsafeBufferPointer { h in
                for i in 0..<e.count {
                    let r = e.range(i)
                    let truthSpans = Span.runs(UnsafeBufferPointer(rebasing: t[r]))
                    let hb = UnsafeBufferPointer(rebasing: h[r])
                    let pred = spans == .tokens ? Span.tokens(hb) : Span.runs(hb)
                    var tp = 0
                    for p in pred {
                        var best = 0.0
                        for s in truthSpans { best = max(best, p.iou(s)) }
                        if best >= threshold { tp += 1 }
                    }
                    if !truthSpans.isEmpty {
                        sumR += Double(tp) / Double(truthSpans.count)
                        nR += 1
                    }
                    if !pred.isEmpty {
                        sumP += Double(tp) / Double(pred.count)
                        nP += 1
                    }
                }
            }
        }
        let p = nP > 0 ? sumP / Double(nP) : 0, r = nR > 0 ? sumR / Double(nR) : 0
        return PRF(p, r, PRF.f1(p, r))
    }

    /// Per-instance token IoU |H∩T|/|H∪T|, averaged (ferret's "Token IOU"; 0 for an instance with both empty).
    public static func tokenIoU(_ e: Explanations) -> Double {
        guard e.count > 0 else { return 0 }
        var s = 0.0
        for i in 0..<e.count {
            var inter = 0, union = 0
            for k in e.range(i) {
                inter += Int(e.truth[k] & e.hard[k])
                union += Int(e.truth[k] | e.hard[k])
            }
            if union > 0 { s += Double(inter) / Double(union) }
        }
        return s / Double(e.count)
    }

    /// The soft-score metrics of ERASER's `score_soft_tokens`, each a mean over instances.
    public struct Soft: Sendable, Equatable {
        /// ERASER's `auprc`: the area under scikit-learn's `precision_recall_curve` by the trapezoid rule (`auc`),
        /// over **every** instance (one without true tokens counts too; its curve gives 0.5 by that construction).
        public var auprc: Double
        /// scikit-learn's `average_precision_score` (Σ (Rₙ − Rₙ₋₁) Pₙ), over instances with both classes.
        public var averagePrecision: Double
        /// ROC AUC (ties count ½), over instances with both classes.
        public var rocAUC: Double
        /// Instances with a single class, left out of `averagePrecision` and `rocAUC`.
        public var singleClass: Int
    }

    public static func soft(_ e: Explanations) -> Soft {
        var sumAUPRC = 0.0, sumAP = 0.0, sumROC = 0.0
        var both = 0
        var order: [Int32] = []
        e.truth.withUnsafeBufferPointer { t in
            e.scores.withUnsafeBufferPointer { s in
                for i in 0..<e.count {
                    let r = e.range(i)
                    let c = Curve.precisionRecall(
                        truth: UnsafeBufferPointer(rebasing: t[r]), scores: UnsafeBufferPointer(rebasing: s[r]),
                        order: &order)
                    sumAUPRC += c.trapezoid
                    if c.positives > 0 && c.positives < r.count {
                        both += 1
                        sumAP += c.averagePrecision
                        sumROC += c.rocAUC
                    }
                }
            }
        }
        let n = Double(max(e.count, 1)), nb = Double(max(both, 1))
        return Soft(
            auprc: e.count > 0 ? sumAUPRC / n : 0, averagePrecision: both > 0 ? sumAP / nb : .nan,
            rocAUC: both > 0 ? sumROC / nb : .nan, singleClass: e.count - both)
    }
}
