import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// The identity-bias AUCs of Borkan et al. 2019 as HateXplain computes them (`Bias_Calculation_NB.ipynb`), from a
/// toxicity score per post (p(toxic) of a 2-class model), the true toxic/non-toxic label, and which communities a
/// post targets:
///
///     Subgroup AUC(c) = AUC over posts mentioning c
///     BPSN(c)         = AUC over {toxic posts not mentioning c} ∪ {non-toxic posts mentioning c}
///     BNSP(c)         = AUC over {toxic posts mentioning c} ∪ {non-toxic posts not mentioning c}
///     GMB             = ((1/N) Σ_c m_c^p)^(1/p),  p = −5 (a power mean that weights the worst community most)
///
/// HateXplain's background is the posts with some target (posts whose target is None are left out): pass
/// `background` to say which posts count. A community whose set holds one class only has no AUC; it is left out of
/// the means and counted in `undefined`.
public struct BiasAUC: Sendable, Equatable {
    public var subgroup: [Double]
    public var bpsn: [Double]
    public var bnsp: [Double]
    public var gmbSubgroup: Double
    public var gmbBPSN: Double
    public var gmbBNSP: Double
    public var undefined: Int

    /// `scores[i]` ∈ [0, 1], `toxic[i]`, `groups[i * groupCount + c]` = post i targets community c.
    public static func compute(
        scores: [Float], toxic: [Bool], groups: [UInt8], groupCount: Int, background: [Bool]? = nil,
        power: Double = -5
    ) throws(FjordError) -> BiasAUC {
        let n = scores.count
        guard toxic.count == n, groups.count == n * groupCount, background?.count ?? n == n else {
            throw .data("bias: \(n) scores, \(toxic.count) labels and \(groups.count / max(groupCount, 1)) target rows")
        }
        if let i = scores.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw .data("post \(i): the score \(scores[i]) is not a probability in [0, 1]")
        }
        var sub: [Double] = [], bpsn: [Double] = [], bnsp: [Double] = []
        var undefined = 0
        var s: [Float] = [], y: [Bool] = []
        var order: [Int32] = []
        func auc(_ select: (Int) -> Bool) -> Double {
            s.removeAll(keepingCapacity: true)
            y.removeAll(keepingCapacity: true)
            for i in 0..<n where (background?[i] ?? true) && select(i) {
                s.append(scores[i])
                y.append(toxic[i])
            }
            let t = y.map { UInt8($0 ? 1 : 0) }
            return t.withUnsafeBufferPointer { tp in
                s.withUnsafeBufferPointer { sp in Curve.precisionRecall(truth: tp, scores: sp, order: &order).rocAUC }
            }
        }
        for c in 0..<groupCount {
            let mentions = { (i: Int) in groups[i * groupCount + c] != 0 }
            let m = [
                auc(mentions), auc { toxic[$0] != mentions($0) }, auc { toxic[$0] == mentions($0) },
            ]
            sub.append(m[0])
            bpsn.append(m[1])
            bnsp.append(m[2])
            if m.contains(where: { $0.isNaN }) { undefined += 1 }
        }
        return BiasAUC(
            subgroup: sub, bpsn: bpsn, bnsp: bnsp, gmbSubgroup: powerMean(sub, power), gmbBPSN: powerMean(bpsn, power),
            gmbBNSP: powerMean(bnsp, power), undefined: undefined)
    }

    /// ((1/N) Σ m^p)^(1/p) over the defined (non-NaN) values; NaN when there are none.
    public static func powerMean(_ m: [Double], _ p: Double) -> Double {
        let v = m.filter { !$0.isNaN }
        guard !v.isEmpty else { return .nan }
        let s = v.reduce(0.0) { $0 + pow($1, p) } / Double(v.count)
        return pow(s, 1 / p)
    }
}
