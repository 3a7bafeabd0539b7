import Kernel

/// Unconstrained least-squares importance fitting (uLSIF; Kanamori, Hido & Sugiyama, JMLR 2009): the density ratio
/// r(x) = p_nu(x)/p_de(x) (numerator: the target/test sample, denominator: the source/train sample) as a non-negative
/// combination of Gaussian kernels φ_ℓ(x) = exp(−‖x − c_ℓ‖²/(2σ²)) on b centres drawn from the numerator sample:
///
///     Ĥ = (1/n_de) Σ φ(y)φ(y)ᵀ,   ĥ = (1/n_nu) Σ φ(x),   θ = max(0, (Ĥ + λI)⁻¹ ĥ),   r̂(x) = θᵀφ(x)
///
/// σ and λ are chosen on grids by the closed-form leave-one-out score of the paper (over the first min(n_nu, n_de)
/// pairs, the score ½ mean r̂_LOO(y)² − mean r̂_LOO(x), the first minimum over σ then λ), as densratio 0.4.0 computes
/// it. Its default grids are 10^(−3 … 1) in 9 steps for both. All in Double, Cholesky solves of the b×b systems.
public struct ULSIF: Sendable {
    public let centers: [Double]
    public let dimension: Int
    public let sigma: Double
    public let lambda: Double
    public let theta: [Double]
    /// The leave-one-out score of every (σ, λ) tried, σ-major.
    public let scores: [Double]

    public static let defaultGrid: [Double] = (0..<9).map { pow(10, -3 + Double($0) * 0.5) }

    /// Fits on numerator rows `x` (n_nu×d) and denominator rows `y` (n_de×d), row-major. The centres are the first
    /// `kernels` (100) rows of a seeded permutation of x (all of x when it has fewer rows).
    public init(
        numerator x: [Double], denominator y: [Double], dimension d: Int, sigmas: [Double] = defaultGrid,
        lambdas: [Double] = defaultGrid, kernels: Int = 100, seed: UInt64 = 0
    ) throws(FjordError) {
        guard d >= 1, x.count % d == 0, y.count % d == 0, x.count >= 2 * d, y.count >= 2 * d else {
            throw .data("ulsif: both samples need ≥ 2 rows of \(d) features")
        }
        guard x.allSatisfy(\.isFinite), y.allSatisfy(\.isFinite) else {
            throw .data("ulsif: a sample has NaN or infinite features")
        }
        guard !sigmas.isEmpty, !lambdas.isEmpty, sigmas.allSatisfy({ $0 > 0 && $0.isFinite }),
            lambdas.allSatisfy({ $0 >= 0 && $0.isFinite })
        else { throw .usage("ulsif: σ must be > 0 and λ ≥ 0, finite, at least one of each") }
        guard kernels >= 1 else { throw .usage("ulsif: at least one kernel") }
        let nx = x.count / d, ny = y.count / d
        let b = min(kernels, nx)
        var rng = RNG(seed: seed)
        let pick = rng.permutation(nx).prefix(b)
        var c: [Double] = []
        for i in pick { c += x[(i * d)..<(i * d + d)] }
        dimension = d
        centers = c
        let nmin = min(nx, ny)
        var best = Double.infinity, bestSigma = sigmas[0], bestLambda = lambdas[0]
        var scores: [Double] = []
        for s in sigmas {
            let px = Self.kernel(x, c, d: d, sigma: s), py = Self.kernel(y, c, d: d, sigma: s)
            let h = Self.columnMean(px, rows: nx, cols: b)
            let hh = Self.gram(py, rows: ny, cols: b)
            guard sigmas.count > 1 || lambdas.count > 1 else { break }
            // the first nmin rows' features as columns (b × nmin), the right-hand sides of the leave-one-out solves
            var yt = [Double](repeating: 0, count: b * nmin), xt = yt
            for i in 0..<nmin {
                for k in 0..<b {
                    yt[k * nmin + i] = py[i * b + k]
                    xt[k * nmin + i] = px[i * b + k]
                }
            }
            for l in lambdas {
                var bm = hh
                for k in 0..<b { bm[k * b + k] += l * Double(ny - 1) / Double(ny) }
                guard let chol = Cholesky(bm, n: b) else {
                    scores.append(.infinity)
                    continue
                }
                let bh = chol.solve(h)
                var score = 0.0
                var ry2 = 0.0, rxs = 0.0
                // B⁻¹φ_y and B⁻¹φ_x of every left-out row at once (two triangular solves each, BLAS level 3)
                let wy = chol.solve(columns: yt, count: nmin), wx = chol.solve(columns: xt, count: nmin)
                let scale = Double(ny - 1) / (Double(ny) * Double(nx - 1))
                for i in 0..<nmin {
                    var yBy = 0.0, hBy = 0.0, xBy = 0.0
                    for k in 0..<b {
                        let w = wy[k * nmin + i]
                        yBy += py[i * b + k] * w
                        hBy += h[k] * w
                        xBy += px[i * b + k] * w
                    }
                    let denom = Double(ny) - yBy
                    // B0 = B⁻¹h + B⁻¹φ_y (hᵀB⁻¹φ_y)/denom;  B1 = B⁻¹φ_x + B⁻¹φ_y (φ_xᵀB⁻¹φ_y)/denom
                    var ry = 0.0, rx = 0.0
                    for k in 0..<b {
                        let w = wy[k * nmin + i]
                        let b0 = bh[k] + w * hBy / denom
                        let b1 = wx[k * nmin + i] + w * xBy / denom
                        let b2 = max(0, scale * (Double(nx) * b0 - b1))
                        ry += py[i * b + k] * b2
                        rx += px[i * b + k] * b2
                    }
                    ry2 += ry * ry
                    rxs += rx
                }
                score = (ry2 / 2 - rxs) / Double(nmin)
                scores.append(score)
                if score < best {
                    (best, bestSigma, bestLambda) = (score, s, l)
                }
            }
        }
        sigma = bestSigma
        lambda = bestLambda
        self.scores = scores
        let px = Self.kernel(x, c, d: d, sigma: sigma), py = Self.kernel(y, c, d: d, sigma: sigma)
        var hh = Self.gram(py, rows: ny, cols: b)
        for k in 0..<b { hh[k * b + k] += lambda }
        guard let chol = Cholesky(hh, n: b) else {
            throw .data("ulsif: Ĥ + λI is singular at σ = \(sigma), λ = \(lambda) (give λ > 0)")
        }
        theta = chol.solve(Self.columnMean(px, rows: nx, cols: b)).map { max(0, $0) }
    }

    /// r̂ at rows of `points` (n×d).
    public func ratio(_ points: [Double]) -> [Double] {
        Self.expansion(points, centers, d: dimension, sigma: sigma, coefficients: theta)
    }

    /// Σ_k coefficients_k exp(−‖xᵢ − c_k‖²/(2σ²)) at each row xᵢ of `points` (uLSIF's and KLIEP's r̂).
    static func expansion(_ points: [Double], _ c: [Double], d: Int, sigma: Double, coefficients: [Double]) -> [Double]
    {
        let b = coefficients.count
        let p = kernel(points, c, d: d, sigma: sigma)
        return (0..<(points.count / d)).map { i in
            var s = 0.0
            for k in 0..<b { s += p[i * b + k] * coefficients[k] }
            return s
        }
    }

    /// exp(−‖xᵢ − c_k‖²/(2σ²)), n×b row-major.
    static func kernel(_ x: [Double], _ c: [Double], d: Int, sigma: Double) -> [Double] {
        let n = x.count / d, b = c.count / d
        let g = -0.5 / (sigma * sigma)
        var out = [Double](repeating: 0, count: n * b)
        for i in 0..<n {
            for k in 0..<b {
                var s = 0.0
                for j in 0..<d {
                    let e = x[i * d + j] - c[k * d + j]
                    s += e * e
                }
                out[i * b + k] = exp(g * s)
            }
        }
        return out
    }

    static func columnMean(_ a: [Double], rows: Int, cols: Int) -> [Double] {
        var m = [Double](repeating: 0, count: cols)
        for i in 0..<rows { for k in 0..<cols { m[k] += a[i * cols + k] } }
        return m.map { $0 / Double(rows) }
    }

    /// AᵀA / rows.
    static func gram(_ a: [Double], rows: Int, cols: Int) -> [Double] {
        var g = [Double](repeating: 0, count: cols * cols)
        for i in 0..<rows {
            for p in 0..<cols {
                let v = a[i * cols + p]
                if v == 0 { continue }
                for q in p..<cols { g[p * cols + q] += v * a[i * cols + q] }
            }
        }
        for p in 0..<cols {
            for q in p..<cols {
                g[p * cols + q] /= Double(rows)
                g[q * cols + p] = g[p * cols + q]
            }
        }
        return g
    }
}

#if canImport(Glibc)
    import Glibc
#endif
