import Kernel

/// The bilinear game min_x max_y xᵀA y + (λ/2)‖x‖² − (λ/2)‖y‖², A of m×n: z = (x, y) ∈ ℝ^{m+n} and
///
///     A(z) = ( A y + λ x ,  −Aᵀ x + λ y )
///
/// two GEMVs per evaluation (OpenBLAS). Monotone for λ = 0 (gradient descent–ascent spirals out), λ-strongly
/// monotone for λ > 0. The solution z* = 0 is unique when λ > 0 or A is square of full rank: ``solution`` reports it
/// when λ > 0 or the matrix was drawn by ``random(m:n:lambda:seed:)`` square (full rank with probability one), and
/// nil for a given matrix with λ = 0 (its rank is not checked).
public struct BilinearGame: MonotoneOperator {
    public let a: Tensor
    public let lambda: Float
    public let m: Int, n: Int
    public let solution: [Float]?

    /// `a` must be a matrix; `lambda` ≥ 0 and finite. `fullRank` asserts A is square of full rank (so z* = 0 is the
    /// unique solution even when λ = 0).
    public init(_ a: Tensor, lambda: Float = 0, fullRank: Bool = false) throws(FjordError) {
        guard a.shape.count == 2, a.shape[0] >= 1, a.shape[1] >= 1 else {
            throw .data("bilinear game: the matrix must be 2-D, not of shape \(a.shape)")
        }
        guard lambda.isFinite, lambda >= 0 else {
            throw .usage("bilinear game: λ must be finite and ≥ 0, not \(lambda)")
        }
        guard nonFiniteCount(a) == 0 else { throw .data("bilinear game: the matrix has NaN or infinite entries") }
        self.a = a
        self.lambda = lambda
        m = a.shape[0]
        n = a.shape[1]
        solution = lambda > 0 || (fullRank && m == n) ? [Float](repeating: 0, count: m + n) : nil
    }

    /// A seeded m×n game with N(0, 1/n) entries (so ‖A‖ is about 1 + √(m/n)).
    public static func random(m: Int, n: Int, lambda: Float = 0, seed: UInt64) throws(FjordError) -> BilinearGame {
        var rng = RNG(seed: seed)
        var t = Tensor(zeros: [m, n])
        let s = 1 / Float(n).squareRoot()
        t.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] = s * rng.normal() } }
        return try BilinearGame(t, lambda: lambda, fullRank: m == n)
    }

    /// Matrices of at least this many entries (16 MB of float32) are applied in one fused pass.
    static let fusedAbove = 4 << 20

    public var name: String { "bilinear \(m)×\(n), λ = \(lambda)" }
    public var dimension: Int { m + n }
    /// The two players' variables: x (type 0) and y (type 1).
    public var blocks: [(offset: Int, count: Int, type: Int)] { [(0, m, 0), (m, n, 1)] }

    public func apply(_ z: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        let x = z.baseAddress!, y = z.baseAddress! + m, o = out.baseAddress!
        a.withUnsafeBufferPointer { ab in
            let ap = ab.baseAddress!
            if m * n < Self.fusedAbove {
                // out_x = A y, out_y = −Aᵀ x: two GEMVs while A stays in cache
                BLAS.sgemv(ap, y, o, m: m, n: n)
                BLAS.sgemv(ap, x, o + m, m: m, n: n, transA: true, alpha: -1)
            } else {
                // A larger than the cache: one pass over its rows for both products (a row is read from memory
                // once, for the dot with y and the update of out_y), half the memory traffic of two GEMVs
                for j in 0..<n { o[m + j] = 0 }
                for i in 0..<m {
                    let row = ap + i * n
                    o[i] = BLAS.dot(n, row, y)
                    BLAS.saxpy(n, -x[i], row, o + m)
                }
            }
        }
        if lambda != 0 { for i in 0..<(m + n) { o[i] += lambda * z[i] } }
    }
}
