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
        // One sort of every post by score (ascending), then one pass over the posts updates, per community and set
        // (slot 3c: subgroup, 3c + 1: BPSN, 3c + 2: BNSP), the Mann–Whitney U over tie groups (ties count ½), which
        // is scikit-learn's trapezoidal ROC area. A slot's pending tie group is folded in lazily, when the slot is
        // next touched in a later group, so the cost is one update per post and community.
        // keys: the score's bits (non-negative floats order as their bit patterns; −0 becomes +0) over the index
        let keys = sortedKeys(scores)
        let slots = 3 * groupCount
        // per slot: U, and five counters — negatives below the pending tie group, positives before it, the pending
        // group's positives and negatives, and the group it belongs to
        let (below, pos, pg, ng, last) = (0, 1, 2, 3, 4)
        var u = [Double](repeating: 0, count: slots)
        var c = [Int](repeating: 0, count: 5 * slots)
        for s in 0..<slots { c[5 * s + last] = -1 }
        let bg = background ?? []
        u.withUnsafeMutableBufferPointer { u in
            c.withUnsafeMutableBufferPointer { c in
                func fold(_ s: Int) {
                    let q = 5 * s
                    u[s] += Double(c[q + pg]) * (Double(c[q + below]) + 0.5 * Double(c[q + ng]))
                    c[q + below] += c[q + ng]
                    c[q + pos] += c[q + pg]
                    (c[q + pg], c[q + ng]) = (0, 0)
                }
                @inline(__always) func add(_ s: Int, _ g: Int, _ t: Bool) {
                    if c[5 * s + last] != g {
                        fold(s)
                        c[5 * s + last] = g
                    }
                    c[5 * s + (t ? pg : ng)] += 1
                }
                var g = 0
                for k in 0..<n {
                    if k > 0 && keys[k] >> 32 != keys[k - 1] >> 32 { g += 1 }
                    let i = Int(keys[k] & 0xFFFF_FFFF)
                    if !bg.isEmpty && !bg[i] { continue }
                    let t = toxic[i], row = i * groupCount
                    for community in 0..<groupCount {
                        // subgroup: mentions; BPSN: toxic xor mentions; BNSP: toxic == mentions
                        if groups[row + community] != 0 {
                            add(3 * community, g, t)
                            add(3 * community + (t ? 2 : 1), g, t)
                        } else {
                            add(3 * community + (t ? 1 : 2), g, t)
                        }
                    }
                }
                for s in 0..<slots { fold(s) }
            }
        }
        var sub: [Double] = [], bpsn: [Double] = [], bnsp: [Double] = []
        var undefined = 0
        func area(_ s: Int) -> Double {
            let (p, q) = (c[5 * s + pos], c[5 * s + below])
            return p > 0 && q > 0 ? u[s] / (Double(p) * Double(q)) : .nan
        }
        for community in 0..<groupCount {
            let m = [area(3 * community), area(3 * community + 1), area(3 * community + 2)]
            sub.append(m[0])
            bpsn.append(m[1])
            bnsp.append(m[2])
            if m.contains(where: { $0.isNaN }) { undefined += 1 }
        }
        return BiasAUC(
            subgroup: sub, bpsn: bpsn, bnsp: bnsp, gmbSubgroup: powerMean(sub, power), gmbBPSN: powerMean(bpsn, power),
            gmbBNSP: powerMean(bnsp, power), undefined: undefined)
    }

    /// `score bits << 32 | index` for every score (non-negative floats order as their bit patterns; −0 becomes +0),
    /// ascending: an LSD radix sort on the 32 score bits, four passes of 8 bits (stable, so equal scores keep index
    /// order), several times faster than the standard library's merge sort at 10⁵.
    static func sortedKeys(_ scores: [Float]) -> [UInt64] {
        let n = scores.count
        var a = [UInt64](repeating: 0, count: n), b = a
        for i in 0..<n { a[i] = UInt64((scores[i] + 0).bitPattern) << 32 | UInt64(i) }
        a.withUnsafeMutableBufferPointer { a in
            b.withUnsafeMutableBufferPointer { b in
                var src = a, dst = b
                withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { count in
                    for pass in 0..<4 {
                        let shift = UInt64(32 + 8 * pass)
                        count.initialize(repeating: 0)
                        for k in src { count[Int((k >> shift) & 0xFF)] += 1 }
                        var total = 0
                        for d in 0..<256 { (count[d], total) = (total, total + count[d]) }
                        for k in src {
                            let d = Int((k >> shift) & 0xFF)
                            dst[count[d]] = k
                            count[d] += 1
                        }
                        swap(&src, &dst)
                    }
                }
            }
        }
        return a  // four passes: the result is back in `a`
    }

    /// ((1/N) Σ m^p)^(1/p) over the defined (non-NaN) values; NaN when there are none.
    public static func powerMean(_ m: [Double], _ p: Double) -> Double {
        let v = m.filter { !$0.isNaN }
        guard !v.isEmpty else { return .nan }
        let s = v.reduce(0.0) { $0 + pow($1, p) } / Double(v.count)
        return pow(s, 1 / p)
    }
}
