import CRobust
import Kernel
import RobustAgg
import Testing

@Suite struct BulyanFinalStepTests {
    /// The means a "β values closest to the median" set can have: every value nearer than the β-th distance t,
    /// then the rest at distance exactly t (at most two distinct values, med − t and med + t, in any split).
    func validMeans(_ v: [Float], beta: Int) -> [Double] {
        let s = v.sorted(), n = s.count
        let med = n % 2 == 1 ? Double(s[n / 2]) : (Double(s[n / 2 - 1]) + Double(s[n / 2])) / 2
        let dist = v.map { abs(Double($0) - med) }.sorted()
        let t = dist[beta - 1]
        let inside = v.filter { abs(Double($0) - med) < t }.map(Double.init)
        let lo = v.filter { abs(Double($0) - med) == t && Double($0) < med }.map(Double.init)
        let hi = v.filter { abs(Double($0) - med) == t && Double($0) >= med }.map(Double.init)
        let need = beta - inside.count
        var out: [Double] = []
        for k in 0...need where k <= lo.count && need - k <= hi.count {
            out.append(
                (inside.reduce(0, +) + lo.prefix(k).reduce(0, +) + hi.prefix(need - k).reduce(0, +)) / Double(beta))
        }
        return out
    }

    func finalStep(_ v: [Float], beta: Int) -> Float {
        var out: Float = 0
        var scratch = [Float](repeating: 0, count: fjr_closest_to_median_scratch(v.count))
        fjr_closest_to_median_mean(v, v.count, 1, beta, &out, &scratch)
        return out
    }

    /// The review's column: 0,0,0,.5,.5,.5,1,1,10,11,12,13 with f = 2. Bulyan must give 0.375 or 0.625 (three
    /// 0.5s and one of the two values at distance 0.5); the old sliding window gave 0.25.
    @Test func reviewColumnThroughTheRule() throws {
        let column: [Float] = [0, 0, 0, 0.5, 0.5, 0.5, 1, 1, 10, 11, 12, 13]
        var rule = BulyanRule(f: 2)
        var rng = RNG(seed: 0)
        let out = try rule.aggregate(Tensor(shape: [12, 1], values: column), rng: &rng).scalars[0]
        #expect(out == 0.375 || out == 0.625, "bulyan gave \(out)")
    }

    /// Columns with many ties (values 0…3, two identical Byzantine-like values): the final step's mean is always one
    /// the definition allows.
    @Test func finalStepIsAlwaysTheDefinition() {
        var rng = RNG(seed: 7)
        for trial in 0..<500 {
            let n = 5 + rng.int(below: 12), beta = 1 + rng.int(below: n)
            var v = (0..<n).map { _ in Float(rng.int(below: 4)) * 0.5 }
            if trial % 3 == 0 {
                v[0] = 9
                v[1] = 9
            }
            let got = Double(finalStep(v, beta: beta))
            let valid = validMeans(v, beta: beta)
            #expect(valid.contains { abs($0 - got) < 1e-6 }, "\(v) β \(beta): \(got) not in \(valid)")
        }
    }

    /// Finite values near the float limit: the median and the mean do not overflow.
    @Test func largeFiniteValuesStayFinite() {
        let v: [Float] = [3e38, 3e38, 3e38, 3.2e38, 3.2e38]
        let got = finalStep(v, beta: 3)
        #expect(got.isFinite && abs(Double(got) - 3e38) < 1e32, "\(got)")
    }
}
