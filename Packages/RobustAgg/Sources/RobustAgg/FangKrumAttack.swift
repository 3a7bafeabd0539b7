import Exchange
import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// Fang et al. (USENIX Security 2020) against Krum: mal = w̄ − λ·sign(w̄), with λ halved from the paper's
/// upper bound until Krum (n rows, f Byzantine) selects a Byzantine row (or λ < 1e-5); f copies.
/// (Here the honest mean w̄ plays the reference direction, as in gradient space.)
public struct FangKrumAttack: ByzantineAttack {
    public init() {}
    public var name: String { "fang-krum" }
    public mutating func rows(honest: Tensor, f: Int, rng: inout RNG) throws(FjordError) -> Tensor {
        let h = honest.shape[0], d = honest.shape[1], n = h + f
        let mean = meanOfRows(honest, Array(0..<h))
        let dev = mean.scalars.map { $0 > 0 ? Float(1) : ($0 < 0 ? -1 : 0) }
        let dist = squaredDistances(honest).map { $0.squareRoot() }
        let k = max(1, n - f - 2)
        var minSum = Double.infinity
        for i in 0..<h {
            let row = (0..<h).filter { $0 != i }.map { dist[i * h + $0] }.sorted()
            minSum = min(minSum, row.prefix(max(1, min(k, row.count))).reduce(0, +))
        }
        let xs = honest.scalars, ms = mean.scalars
        var maxToMean = 0.0
        for i in 0..<h {
            var s2 = 0.0
            for k in 0..<d {
                let e = Double(xs[i * d + k]) - Double(ms[k])
                s2 += e * e
            }
            maxToMean = max(maxToMean, s2.squareRoot())
        }
        var lambda =
            minSum / (Double(max(n - 2 * f - 1, 1)) * Double(d).squareRoot()) + maxToMean / Double(d).squareRoot()
        guard lambda.isFinite else {
            throw .data("fang-krum: the honest rows hold NaN or infinite values (or distances beyond double's range)")
        }
        var mal = mean
        while lambda >= 1e-5 {
            mal = Tensor(shape: [d], values: zip(mean.scalars, dev).map { $0 - Float(lambda) * $1 })
            let all = try stackRows(honest, tile(mal, f))
            if n > 2 * f + 2, let pick = try? KrumRule(f: f).selected(all).first, pick >= h { break }
            lambda /= 2
        }
        return tile(mal, f)
    }
}
