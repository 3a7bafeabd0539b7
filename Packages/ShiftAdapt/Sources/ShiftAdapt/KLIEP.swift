import Kernel

/// The Kullback–Leibler importance estimation procedure (KLIEP; Sugiyama et al., NeurIPS 2007): the density ratio
/// r(x) = p_nu(x)/p_de(x) as r̂(x) = Σ_ℓ α_ℓ φ_ℓ(x), Gaussian kernels on b centres drawn from the numerator (test)
/// sample, maximising the numerator log-likelihood under the denominator normalisation:
///
///     max_α (1/n_nu) Σ log r̂(xᵢ)   subject to   (1/n_de) Σ r̂(yⱼ) = 1,  α ≥ 0
///
/// by densratio 0.4.0's projected gradient ascent (steps 10³ … 10⁻³, up to 100 each, a step kept only while the
/// objective rises; after each step α ← max(0, α + (1 − bᵀα) b/‖b‖²) / bᵀα, b the denominator's mean kernel vector).
/// σ: one value, or the best of a list by `folds`-fold cross-validation of the held-out log-likelihood (seeded folds).
public struct KLIEP: Sendable {
    public let centers: [Double]
    public let dimension: Int
    public let sigma: Double
    public let alpha: [Double]

    public init(
        numerator x: [Double], denominator y: [Double], dimension d: Int, sigmas: [Double],
        kernels: Int = 100, folds: Int = 5, seed: UInt64 = 0
    ) throws(FjordError) {
        guard d >= 1, x.count % d == 0, y.count % d == 0, x.count >= 2 * d, y.count >= d else {
            throw .data("kliep: the numerator needs ≥ 2 rows and the denominator ≥ 1 of \(d) features")
        }
        guard x.allSatisfy(\.isFinite), y.allSatisfy(\.isFinite) else {
            throw .data("kliep: a sample has NaN or infinite features")
        }
        guard !sigmas.isEmpty, sigmas.allSatisfy({ $0 > 0 && $0.isFinite }), kernels >= 1, folds >= 2 else {
            throw .usage("kliep: σ > 0 (at least one), ≥ 1 kernel, ≥ 2 folds")
        }
        let nx = x.count / d
        let b = min(kernels, nx)
        var rng = RNG(seed: seed)
        var c: [Double] = []
        for i in rng.permutation(nx).prefix(b) { c += x[(i * d)..<(i * d + d)] }
        var best = sigmas[0]
        if sigmas.count > 1 {
            let split = rng.permutation(nx).map { $0 % folds }
            var bestScore = -Double.infinity
            for s in sigmas {
                let px = ULSIF.kernel(x, c, d: d, sigma: s)
                let mb = ULSIF.columnMean(ULSIF.kernel(y, c, d: d, sigma: s), rows: y.count / d, cols: b)
                var total = 0.0
                for f in 0..<folds {
                    let trainRows = (0..<nx).filter { split[$0] != f }, testRows = (0..<nx).filter { split[$0] == f }
                    let a = Self.optimize(Self.rows(px, trainRows, b), mb, b: b)
                    total += Self.score(Self.rows(px, testRows, b), a, b: b)
                }
                let score = total / Double(folds)
                if score > bestScore { (bestScore, best) = (score, s) }
            }
        }
        dimension = d
        centers = c
        sigma = best
        let px = ULSIF.kernel(x, c, d: d, sigma: best)
        alpha = Self.optimize(
            px, ULSIF.columnMean(ULSIF.kernel(y, c, d: d, sigma: best), rows: y.count / d, cols: b), b: b)
    }

    /// r̂ at rows of `points` (n×d).
    public func ratio(_ points: [Double]) -> [Double] {
        ULSIF.expansion(points, centers, d: dimension, sigma: sigma, coefficients: alpha)
    }

    static func rows(_ a: [Double], _ idx: [Int], _ b: Int) -> [Double] { idx.flatMap { a[($0 * b)..<($0 * b + b)] } }

    /// mean log(Aα) (−∞ when a row's r̂ is 0).
    static func score(_ a: [Double], _ alpha: [Double], b: Int) -> Double { scored(a, alpha, b: b).value }

    /// mean log(Aα) and Aα itself (the next gradient step needs it).
    static func scored(_ a: [Double], _ alpha: [Double], b: Int) -> (value: Double, av: [Double]) {
        let n = a.count / b
        var av = [Double](repeating: 0, count: n)
        var s = 0.0
        for i in 0..<n {
            var v = 0.0
            for k in 0..<b { v += a[i * b + k] * alpha[k] }
            av[i] = v
            s += log(v)
        }
        return (n > 0 ? s / Double(n) : -.infinity, av)
    }

    static func project(_ alpha: inout [Double], _ m: [Double], _ c: [Double]) {
        let ba = zip(m, alpha).reduce(0) { $0 + $1.0 * $1.1 }
        for k in alpha.indices { alpha[k] = max(0, alpha[k] + (1 - ba) * c[k]) }
        let nb = zip(m, alpha).reduce(0) { $0 + $1.0 * $1.1 }
        for k in alpha.indices { alpha[k] /= nb }
    }

    /// densratio's `KLIEP_optimize_alpha` on the numerator kernel rows `a` (n×b) and the denominator mean `m`. The
    /// products Aα of an accepted step are kept for the next gradient (densratio computes them twice).
    static func optimize(_ a: [Double], _ m: [Double], b: Int) -> [Double] {
        let mm = m.reduce(0) { $0 + $1 * $1 }
        let c = m.map { $0 / mm }
        var alpha = [Double](repeating: 1, count: b)
        project(&alpha, m, c)
        var (current, av) = scored(a, alpha, b: b)
        let n = a.count / b
        for e in 0..<7 {
            let eps = pow(10, 3 - Double(e))
            for _ in 0..<100 {
                var g = [Double](repeating: 0, count: b)
                for i in 0..<n {
                    let inv = 1 / av[i]
                    for k in 0..<b { g[k] += a[i * b + k] * inv }
                }
                var next = alpha
                for k in 0..<b { next[k] += eps * g[k] }
                project(&next, m, c)
                let (s, nextAv) = scored(a, next, b: b)
                if !(s > current) { break }
                alpha = next
                current = s
                av = nextAv
            }
        }
        return alpha
    }
}

#if canImport(Glibc)
    import Glibc
#endif
