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
        // One sort of every post by score (ascending); then per community one pass computes all three AUCs as
        // Mann–Whitney U over the tie groups (ties count ½), which is scikit-learn's trapezoidal ROC area.
        let order = (0..<n).sorted { scores[$0] < scores[$1] }
        for c in 0..<groupCount {
            // per set (subgroup, BPSN, BNSP): U, negatives below the current tie group, positives and negatives
            // in it, totals
            var u = (0.0, 0.0, 0.0), below = (0, 0, 0), pg = (0, 0, 0), ng = (0, 0, 0), pos = (0, 0, 0)
            func flush() {
                u.0 += Double(pg.0) * (Double(below.0) + 0.5 * Double(ng.0))
                u.1 += Double(pg.1) * (Double(below.1) + 0.5 * Double(ng.1))
                u.2 += Double(pg.2) * (Double(below.2) + 0.5 * Double(ng.2))
                below = (below.0 + ng.0, below.1 + ng.1, below.2 + ng.2)
                pos = (pos.0 + pg.0, pos.1 + pg.1, pos.2 + pg.2)
                (pg, ng) = ((0, 0, 0), (0, 0, 0))
            }
            for k in 0..<n {
                let i = order[k]
                if k > 0 && scores[i] != scores[order[k - 1]] { flush() }
                guard background?[i] ?? true else { continue }
                let m = groups[i * groupCount + c] != 0, t = toxic[i]
                if m { if t { pg.0 += 1 } else { ng.0 += 1 } }
                if t != m { if t { pg.1 += 1 } else { ng.1 += 1 } }
                if t == m { if t { pg.2 += 1 } else { ng.2 += 1 } }
            }
            flush()
            func area(_ u: Double, _ p: Int, _ q: Int) -> Double { p > 0 && q > 0 ? u / (Double(p) * Double(q)) : .nan }
            let m = [area(u.0, pos.0, below.0), area(u.1, pos.1, below.1), area(u.2, pos.2, below.2)]
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
