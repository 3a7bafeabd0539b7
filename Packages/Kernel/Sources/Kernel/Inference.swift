#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// An estimate with a confidence interval.
public struct Estimate: Sendable, Equatable {
    public var value: Double
    public var lo: Double
    public var hi: Double
    public init(_ value: Double, _ lo: Double, _ hi: Double) {
        self.value = value
        self.lo = lo
        self.hi = hi
    }
    public func contains(_ x: Double) -> Bool { x >= lo && x <= hi }
}

/// Statistical inference in double precision, written out so the definitions are on the page: percentile bootstrap
/// (plain and over column sums), Wilson intervals, quantiles, OLS, Tobit (censored) regression, logistic regression
/// with standard errors, a dense linear solve, Spearman and Pearson correlation. Named apart from ``Stats`` (summary
/// statistics of a float array). Resampling draws from ``SplitMix64`` seeded by the caller: same seed, same interval.
public enum Inference {
    /// Percentile bootstrap: `statistic` on the full sample, and the (α/2, 1 − α/2) quantiles of it over `resamples`
    /// resamples of n indices drawn with replacement (seeded).
    public static func bootstrap(
        n: Int, resamples: Int = 1000, level: Double = 0.95, seed: UInt64,
        _ statistic: ([Int]) -> Double
    ) -> Estimate {
        let all = Array(0..<n)
        let v = statistic(all)
        guard n > 1, resamples > 1 else { return Estimate(v, v, v) }
        var rng = SplitMix64(seed: seed)
        var idx = [Int](repeating: 0, count: n)
        var values: [Double] = []
        values.reserveCapacity(resamples)
        for _ in 0..<resamples {
            for i in 0..<n { idx[i] = rng.below(n) }
            let s = statistic(idx)
            if s.isFinite { values.append(s) }
        }
        guard !values.isEmpty else { return Estimate(v, .nan, .nan) }
        values.sort()
        let a = (1 - level) / 2
        return Estimate(v, quantile(values, a), quantile(values, 1 - a))
    }

    /// Percentile bootstrap for statistics that are functions of column sums: one resampling pass gives, per resample,
    /// the sum of every column over n indices drawn with replacement, and `statistic` turns those sums into each value.
    /// Returns one estimate per statistic. (The same resamples serve every statistic: their intervals are consistent.)
    public static func bootstrapSums(
        columns: [[Double]], resamples: Int, level: Double = 0.95, seed: UInt64,
        statistics: [([Double]) -> Double]
    ) -> [Estimate] {
        let k = columns.count, n = columns.first?.count ?? 0
        var full = [Double](repeating: 0, count: k)
        for j in 0..<k { full[j] = columns[j].reduce(0, +) }
        let values = statistics.map { $0(full) }
        guard n > 1, resamples > 1 else { return values.map { Estimate($0, $0, $0) } }
        var rng = SplitMix64(seed: seed)
        var draws = statistics.map { _ in [Double]() }
        var sums = [Double](repeating: 0, count: k)
        // Row-major copy so one draw touches one cache line.
        var rows = [Double](repeating: 0, count: n * k)
        for i in 0..<n { for j in 0..<k { rows[i * k + j] = columns[j][i] } }
        if n * resamples <= poissonThreshold {
            rows.withUnsafeBufferPointer { r in
                for _ in 0..<resamples {
                    for j in 0..<k { sums[j] = 0 }
                    sums.withUnsafeMutableBufferPointer { s in
                        for _ in 0..<n {
                            let base = rng.below(n) * k
                            for j in 0..<k { s[j] += r[base + j] }
                        }
                    }
                    for (q, f) in statistics.enumerated() {
                        let v = f(sums)
                        if v.isFinite { draws[q].append(v) }
                    }
                }
            }
        } else {
            // Poisson bootstrap (Hanley & MacGibbon, 2006): each resample weights row i by an independent Poisson(1)
            // count instead of drawing n rows, which lets the pass run over rows in order with every resample's sums
            // in cache. It matches the multinomial bootstrap as n grows; it is used only for large n·resamples.
            var all = [Double](repeating: 0, count: resamples * k)
            let cdf = poissonCDF, zero = cdf[0]
            rows.withUnsafeBufferPointer { r in
                all.withUnsafeMutableBufferPointer { s in
                    for i in 0..<n {
                        let base = i * k
                        for b in 0..<resamples {
                            let u = rng.next()
                            if u < zero { continue }
                            var w = 1
                            while w < cdf.count && u >= cdf[w] { w += 1 }
                            let wd = Double(w)
                            for j in 0..<k { s[b * k + j] += wd * r[base + j] }
                        }
                    }
                }
            }
            for b in 0..<resamples {
                let sb = Array(all[(b * k)..<(b * k + k)])
                for (q, f) in statistics.enumerated() {
                    let v = f(sb)
                    if v.isFinite { draws[q].append(v) }
                }
            }
        }
        let a = (1 - level) / 2
        return zip(values, draws).map { v, d in
            let sorted = d.sorted()
            return sorted.isEmpty ? Estimate(v, .nan, .nan) : Estimate(v, quantile(sorted, a), quantile(sorted, 1 - a))
        }
    }

    /// Above this many draws (n × resamples) the bootstrap switches to Poisson weights.
    public static let poissonThreshold = 20_000_000

    /// P(Poisson(1) ≤ w) for w = 0…9, scaled to 2^64: a 64-bit uniform below entry w means a count of w.
    static let poissonCDF: [UInt64] = {
        var out: [UInt64] = [], p = exp(-1.0), c = 0.0
        for w in 0..<10 {
            c += p
            p /= Double(w + 1)
            out.append(c >= 1 ? UInt64.max : UInt64(c * 0x1p64))
        }
        return out
    }()

    /// The percentile bootstrap interval of a proportion, computed exactly: resampling n values of which k are 1
    /// gives a resampled mean distributed as Binomial(n, k/n)/n, so its quantiles need no Monte Carlo at all.
    public static func bernoulliInterval(successes k: Int, n: Int, level: Double = 0.95) -> Estimate {
        guard n > 0 else { return Estimate(.nan, .nan, .nan) }
        let p = Double(k) / Double(n)
        guard k > 0 && k < n else { return Estimate(p, p, p) }
        let a = (1 - level) / 2
        let lp = log(p), lq = log1p(-p)
        var cdf = 0.0, lo = -1, hi = n, logChoose = 0.0  // ln C(n, j), updated as j grows
        for j in 0...n {
            if j > 0 { logChoose += log(Double(n - j + 1)) - log(Double(j)) }
            cdf += exp(logChoose + Double(j) * lp + Double(n - j) * lq)
            if lo < 0 && cdf >= a { lo = j }
            if cdf >= 1 - a {
                hi = j
                break
            }
        }
        return Estimate(p, Double(lo) / Double(n), Double(hi) / Double(n))
    }

    /// Percentile bootstrap of a plain mean.
    public static func bootstrapMean(_ v: [Double], resamples: Int, seed: UInt64) -> Estimate {
        bootstrapSums(
            columns: [v, [Double](repeating: 1, count: v.count)], resamples: resamples, seed: seed,
            statistics: [{ $0[0] / $0[1] }])[0]
    }

    /// The mean of `v` and the half-width of its 95% Student t interval, mean ± t₀.₉₇₅(n−1)·s/√n (for a handful
    /// of seeds); the half-width is NaN for fewer than two values.
    public static func meanInterval(_ v: [Double]) -> (mean: Double, half: Double) {
        guard v.count >= 2 else { return (v.first ?? .nan, .nan) }
        let m = v.reduce(0, +) / Double(v.count)
        let sd = (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count - 1)).squareRoot()
        return (m, t95(v.count - 1) * sd / Double(v.count).squareRoot())
    }

    /// The two-sided 95% Student t quantile for `df` degrees of freedom (tabulated to 10, then 1.96 + 2.4/df).
    public static func t95(_ df: Int) -> Double {
        let table: [Double] = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228]
        return df <= table.count ? table[df - 1] : 1.96 + 2.4 / Double(df)
    }

    /// Linear-interpolated quantile of sorted values.
    public static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let h = q * Double(sorted.count - 1)
        let i = Int(h.rounded(.down)), j = min(i + 1, sorted.count - 1)
        return sorted[i] + (h - Double(i)) * (sorted[j] - sorted[i])
    }

    /// Ordinary least squares y ≈ a + b·x.
    public static func ols(_ x: [Double], _ y: [Double]) -> (intercept: Double, slope: Double) {
        let n = Double(x.count)
        guard x.count >= 2 else { return (.nan, .nan) }
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0
        for i in x.indices {
            sxy += (x[i] - mx) * (y[i] - my)
            sxx += (x[i] - mx) * (x[i] - mx)
        }
        guard sxx > 0 else { return (.nan, .nan) }
        let b = sxy / sxx
        return (my - b * mx, b)
    }

    /// Right-censored normal regression (Tobit): y = a + b·x + σε, with y observed when `censored[i]` is false and only
    /// y ≥ y[i] known when it is true. Maximum likelihood by Newton's method on (a, b, ln σ) with a finite-difference
    /// Hessian of the analytic gradient and step halving. Uncensored: ℓ = −ln σ − r²/2; censored: ℓ = ln(1 − Φ(z)),
    /// r, z = (y − a − b·x)/σ; ∂ℓ/∂μ = r/σ or λ/σ with λ = φ(z)/(1 − Φ(z)); ∂ℓ/∂ln σ = r² − 1 or λz.
    public static func tobit(
        _ x: [Double], _ y: [Double], censored: [Bool]
    ) -> (intercept: Double, slope: Double, sigma: Double) {
        let start = ols(x, y)
        guard start.slope.isFinite else { return (.nan, .nan, .nan) }
        var resid = 0.0
        for i in x.indices {
            let r = y[i] - start.intercept - start.slope * x[i]
            resid += r * r
        }
        var th = [start.intercept, start.slope, 0.5 * log(max(resid / Double(x.count), 1e-6))]
        func loglik(_ t: [Double]) -> Double {
            let s = exp(t[2])
            var l = 0.0
            for i in x.indices {
                let z = (y[i] - t[0] - t[1] * x[i]) / s
                l += censored[i] ? logSurvival(z) : -t[2] - 0.5 * z * z
            }
            return l
        }
        func gradient(_ t: [Double]) -> [Double] {
            let s = exp(t[2])
            var g = [0.0, 0.0, 0.0]
            for i in x.indices {
                let z = (y[i] - t[0] - t[1] * x[i]) / s
                let (dm, ds) = censored[i] ? (millsRatio(z) / s, millsRatio(z) * z) : (z / s, z * z - 1)
                g[0] += dm
                g[1] += dm * x[i]
                g[2] += ds
            }
            return g
        }
        var l = loglik(th)
        for _ in 0..<100 {
            let g = gradient(th)
            var h = [[Double]](repeating: [0, 0, 0], count: 3)
            for j in 0..<3 {
                var tp = th
                let e = 1e-5 * max(1, abs(th[j]))
                tp[j] += e
                let gp = gradient(tp)
                for k in 0..<3 { h[k][j] = (gp[k] - g[k]) / e }
            }
            for j in 0..<3 {
                for k in 0..<j {
                    let m = 0.5 * (h[j][k] + h[k][j])
                    h[j][k] = m
                    h[k][j] = m
                }
            }
            // Newton step −H⁻¹g; if H is not negative definite, fall back to a gradient step.
            var step = solve3(h.map { $0.map { -$0 } }, g) ?? g.map { $0 * 1e-3 }
            var improved = false
            for _ in 0..<30 {
                let t = zip(th, step).map { $0 + $1 }
                let lt = loglik(t)
                if lt.isFinite && lt >= l - 1e-12 {
                    th = t
                    improved = lt > l + 1e-10
                    l = lt
                    break
                }
                step = step.map { $0 / 2 }
            }
            if !improved { break }
        }
        return (th[0], th[1], exp(th[2]))
    }

    /// ln(1 − Φ(z)), accurate in the far tail.
    static func logSurvival(_ z: Double) -> Double {
        z < 30 ? log(0.5 * erfc(z / 2.0.squareRoot())) : -0.5 * z * z - log(z * (2 * Double.pi).squareRoot())
    }

    /// Inverse Mills ratio φ(z)/(1 − Φ(z)).
    static func millsRatio(_ z: Double) -> Double {
        if z > 30 { return z + 1 / z }
        let phi = exp(-0.5 * z * z) / (2 * Double.pi).squareRoot()
        return phi / (0.5 * erfc(z / 2.0.squareRoot()))
    }

    /// Solves the 3×3 system A x = b (Gaussian elimination with partial pivoting); nil when A is singular or not
    /// positive definite in the sense that matters here (the Newton step must ascend).
    static func solve3(_ a0: [[Double]], _ b0: [Double]) -> [Double]? {
        guard let x = solve(a0, b0) else { return nil }
        return zip(x, b0).map(*).reduce(0, +) > 0 ? x : nil
    }

    /// Solves A x = b for a small dense A (Gaussian elimination with partial pivoting).
    public static func solve(_ a0: [[Double]], _ b0: [Double]) -> [Double]? {
        var a = a0, b = b0
        let n = b.count
        for c in 0..<n {
            var p = c
            for r in c..<n where abs(a[r][c]) > abs(a[p][c]) { p = r }
            guard abs(a[p][c]) > 1e-300 else { return nil }
            a.swapAt(c, p)
            b.swapAt(c, p)
            for r in (c + 1)..<max(c + 1, n) {
                let f = a[r][c] / a[c][c]
                for k in c..<n { a[r][k] -= f * a[c][k] }
                b[r] -= f * b[c]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for r in stride(from: n - 1, through: 0, by: -1) {
            var s = b[r]
            for k in (r + 1)..<max(r + 1, n) { s -= a[r][k] * x[k] }
            x[r] = s / a[r][r]
        }
        return x.allSatisfy(\.isFinite) ? x : nil
    }

    /// Logistic regression P(y = 1) = 1/(1 + e^{−Xβ}) by iteratively reweighted least squares.
    /// Returns β, its Wald standard errors (from the inverse Fisher information) and the log-likelihood.
    public static func logistic(_ rows: [[Double]], _ y: [Bool]) -> (beta: [Double], se: [Double], loglik: Double)? {
        guard let p = rows.first?.count, rows.count > p else { return nil }
        var beta = [Double](repeating: 0, count: p)
        var info = [[Double]]()
        for _ in 0..<50 {
            var grad = [Double](repeating: 0, count: p)
            info = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
            for (r, yi) in zip(rows, y) {
                let eta = zip(r, beta).map(*).reduce(0, +)
                let mu = 1 / (1 + exp(-eta))
                let w = max(mu * (1 - mu), 1e-12)
                let resid = (yi ? 1 : 0) - mu
                for j in 0..<p {
                    grad[j] += r[j] * resid
                    for k in 0...j { info[j][k] += w * r[j] * r[k] }
                }
            }
            for j in 0..<p { for k in 0..<j { info[k][j] = info[j][k] } }
            guard let step = solve(info, grad) else { return nil }
            for j in 0..<p { beta[j] += step[j] }
            if step.map(abs).max()! < 1e-10 { break }
        }
        var ll = 0.0
        for (r, yi) in zip(rows, y) {
            let eta = zip(r, beta).map(*).reduce(0, +)
            ll += yi ? -log1p(exp(-eta)) : -log1p(exp(eta))
        }
        var se = [Double](repeating: .nan, count: p)
        for j in 0..<p {
            var e = [Double](repeating: 0, count: p)
            e[j] = 1
            if let col = solve(info, e) { se[j] = col[j].squareRoot() }
        }
        return (beta, se, ll)
    }

    /// Ranks (1 = smallest), ties sharing their average rank.
    public static func ranks(_ v: [Double]) -> [Double] {
        let order = v.indices.sorted { v[$0] < v[$1] }
        var r = [Double](repeating: 0, count: v.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && v[order[j + 1]] == v[order[i]] { j += 1 }
            for k in i...j { r[order[k]] = Double(i + j) / 2 + 1 }
            i = j + 1
        }
        return r
    }

    /// Spearman's rank correlation: Pearson's correlation of the ranks.
    public static func spearman(_ a: [Double], _ b: [Double]) -> Double {
        pearson(ranks(a), ranks(b))
    }

    public static func pearson(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in a.indices {
            sab += (a[i] - ma) * (b[i] - mb)
            saa += (a[i] - ma) * (a[i] - ma)
            sbb += (b[i] - mb) * (b[i] - mb)
        }
        return sab / (saa * sbb).squareRoot()
    }
}
