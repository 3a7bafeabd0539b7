import Kernel

/// Covariance learning as a WGAN (Daskalakis et al., ICLR 2018; `CovarianceLearning` in the reference code): data
/// x ~ N(0, Σ) in ℝⁿ, a linear generator x = V z with z ~ N(0, I), a quadratic critic D(x) = xᵀW x. With the
/// expectations in closed form the game is min_V max_W f(V, W) = ⟨W, Σ − V Vᵀ⟩, and its operator on (V, W)
/// (row-major n×n each) is
///
///     A(V, W) = ( ∇_V f, −∇_W f ) = ( −(W + Wᵀ) V ,  V Vᵀ − Σ )
///
/// Not monotone (f is not convex in V), but its equilibria are exactly V Vᵀ = Σ, W = 0: gradient descent–ascent
/// cycles out, extra-gradient and optimistic methods converge (a tiny GAN with an exact answer). ``solution`` is
/// nil (V is determined up to an orthogonal factor); ``generatorError(_:)`` measures max |V Vᵀ − Σ|.
public struct CovarianceLearning: MonotoneOperator {
    public let n: Int
    /// Σ, row-major n×n.
    public let sigma: [Float]

    public init(sigma: [Float], n: Int) throws(FjordError) {
        guard n >= 1, sigma.count == n * n else { throw .data("covariance learning: Σ must be n×n") }
        for i in 0..<n {
            for j in 0..<n where sigma[i * n + j] != sigma[j * n + i] {
                throw .data("covariance learning: Σ must be symmetric")
            }
        }
        self.n = n
        self.sigma = sigma
    }

    /// Σ = L Lᵀ/n + I/2 for a seeded N(0, 1) matrix L.
    public static func random(n: Int, seed: UInt64) throws(FjordError) -> CovarianceLearning {
        var rng = RNG(seed: seed)
        let l = (0..<(n * n)).map { _ in rng.normal() }
        var s = [Float](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                var v: Float = 0
                for k in 0..<n { v += l[i * n + k] * l[j * n + k] }
                s[i * n + j] = v / Float(n) + (i == j ? 0.5 : 0)
            }
        }
        for i in 0..<n { for j in 0..<i { s[i * n + j] = s[j * n + i] } }
        return try CovarianceLearning(sigma: s, n: n)
    }

    public var name: String { "covariance learning \(n)×\(n)" }
    public var dimension: Int { 2 * n * n }
    /// The generator V (type 0) and the critic W (type 1).
    public var blocks: [(offset: Int, count: Int, type: Int)] { [(0, n * n, 0), (n * n, n * n, 1)] }
    public var solution: [Float]? { nil }

    /// The start V = I, W = 0.
    public var identityStart: [Float] {
        var z = [Float](repeating: 0, count: 2 * n * n)
        for i in 0..<n { z[i * n + i] = 1 }
        return z
    }

    /// max |V Vᵀ − Σ| at the point z = (V, W).
    public func generatorError(_ z: [Float]) -> Float {
        var worst: Float = 0
        for i in 0..<n {
            for j in 0..<n {
                var v: Float = 0
                for k in 0..<n { v += z[i * n + k] * z[j * n + k] }
                worst = max(worst, abs(v - sigma[i * n + j]))
            }
        }
        return worst
    }

    public func apply(_ z: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        let nn = n * n
        let v = z.baseAddress!, w = z.baseAddress! + nn, o = out.baseAddress!
        for i in 0..<n {
            for j in 0..<n {
                // (−(W + Wᵀ) V)_{ij}
                var a: Float = 0
                for k in 0..<n { a += (w[i * n + k] + w[k * n + i]) * v[k * n + j] }
                o[i * n + j] = -a
                // (V Vᵀ − Σ)_{ij}
                var b: Float = 0
                for k in 0..<n { b += v[i * n + k] * v[j * n + k] }
                o[nn + i * n + j] = b - sigma[i * n + j]
            }
        }
    }
}
