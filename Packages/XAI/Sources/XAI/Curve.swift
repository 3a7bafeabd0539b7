/// The precision–recall and ROC summaries of one ranking, computed as scikit-learn does (1.x, `_binary_clf_curve`):
/// scores sorted in decreasing order, one curve point per distinct score with tps/fps counted up to it.
public struct Curve: Sendable {
    /// Area under `precision_recall_curve` by `auc` (trapezoid): points reversed, (recall 0, precision 1) appended;
    /// with no positive at all recall is 1 everywhere (scikit-learn's convention), giving 0.5.
    public var trapezoid: Double
    /// `average_precision_score`: Σ over points (Rₖ − Rₖ₋₁) Pₖ.
    public var averagePrecision: Double
    /// `roc_auc_score`: P(score₊ > score₋) + ½ P(tie).
    public var rocAUC: Double
    public var positives: Int

    /// `order` is scratch (reused across calls; no allocation once it is large enough).
    public static func precisionRecall(
        truth: UnsafeBufferPointer<UInt8>, scores: UnsafeBufferPointer<Float>, order: inout [Int32]
    ) -> Curve {
        let n = truth.count
        if order.count < n { order = [Int32](repeating: 0, count: n) }
        var pos = 0
        for k in 0..<n { pos += Int(truth[k] != 0 ? 1 : 0) }
        return order.withUnsafeMutableBufferPointer { o in
            for k in 0..<n { o[k] = Int32(k) }
            sortDescending(o.baseAddress!, n, scores)
            // walk the distinct thresholds from the highest
            var tp = 0, fp = 0
            var prevR = 0.0, prevP = 1.0  // the appended end point (recall 0, precision 1)
            var trap = 0.0, ap = 0.0
            var rocArea = 0.0  // Σ over negatives of positives ranked above (+½ ties)
            var k = 0
            while k < n {
                let s = scores[Int(o[k])]
                var dtp = 0, dfp = 0
                while k < n && scores[Int(o[k])] == s {
                    if truth[Int(o[k])] != 0 { dtp += 1 } else { dfp += 1 }
                    k += 1
                }
                rocArea += Double(dfp) * (Double(tp) + 0.5 * Double(dtp))
                tp += dtp
                fp += dfp
                let p = Double(tp) / Double(tp + fp)
                let r = pos > 0 ? Double(tp) / Double(pos) : 1
                trap += (r - prevR) * (p + prevP) / 2
                ap += (r - prevR) * p
                prevR = r
                prevP = p
            }
            let neg = n - pos
            return Curve(
                trapezoid: trap, averagePrecision: ap,
                rocAUC: pos > 0 && neg > 0 ? rocArea / (Double(pos) * Double(neg)) : .nan, positives: pos)
        }
    }

    /// Sorts indices by decreasing score, ties by index (insertion sort for short rows, else the standard sort).
    static func sortDescending(_ o: UnsafeMutablePointer<Int32>, _ n: Int, _ s: UnsafeBufferPointer<Float>) {
        if n <= 48 {
            for i in 1..<max(n, 1) {
                let v = o[i]
                let sv = s[Int(v)]
                var j = i - 1
                while j >= 0 && s[Int(o[j])] < sv {
                    o[j + 1] = o[j]
                    j -= 1
                }
                o[j + 1] = v
            }
        } else {
            var buf = UnsafeMutableBufferPointer(start: o, count: n)
            buf.sort { a, b in
                let x = s[Int(a)], y = s[Int(b)]
                return x > y || (x == y && a < b)
            }
        }
    }
}
