import Kernel

/// The strongly monotone affine operator A(z) = M z − b with M + Mᵀ ≻ 0 (dense M, one GEMV). Its solution
/// z* = M⁻¹ b is computed once (a dense solve in double precision).
public struct QuadraticGame: MonotoneOperator {
    public let m: Tensor
    public let b: [Float]
    public let solution: [Float]?

    /// `m` square of side `b.count`; refused when its symmetric part is not positive definite (Cholesky fails).
    public init(_ m: Tensor, _ b: [Float]) throws(FjordError) {
        let d = b.count
        guard m.shape == [d, d], d >= 1 else {
            throw .data("quadratic game: M must be square of side \(d) (the length of b), not of shape \(m.shape)")
        }
        guard nonFiniteCount(m) == 0, b.allSatisfy(\.isFinite) else {
            throw .data("quadratic game: M or b has NaN or infinite entries")
        }
        let s = m.scalars.map(Double.init)
        // M + Mᵀ ≻ 0: Cholesky of the symmetric part.
        var sym = [Double](repeating: 0, count: d * d)
        for i in 0..<d { for j in 0..<d { sym[i * d + j] = 0.5 * (s[i * d + j] + s[j * d + i]) } }
        guard Cholesky(sym, n: d, minimumPivot: 1e-12) != nil else {
            throw .data("quadratic game: M + Mᵀ is not positive definite (not strongly monotone)")
        }
        let rows = (0..<d).map { i in Array(s[(i * d)..<(i * d + d)]) }
        guard let z = Inference.solve(rows, b.map(Double.init)) else {
            throw .data("quadratic game: M is singular")
        }
        self.m = m
        self.b = b
        solution = z.map { Float($0) }
    }

    /// M = μI + S with S skew-symmetric, N(0, 1/d) entries, and b ~ N(0, 1): μ-strongly monotone, seeded.
    public static func random(dimension d: Int, mu: Float, seed: UInt64) throws(FjordError) -> QuadraticGame {
        var rng = RNG(seed: seed)
        var m = [Float](repeating: 0, count: d * d)
        let s = 1 / Float(d).squareRoot()
        for i in 0..<d {
            m[i * d + i] = mu
            for j in (i + 1)..<max(i + 1, d) {
                let v = s * rng.normal()
                m[i * d + j] = v
                m[j * d + i] = -v
            }
        }
        let b = (0..<d).map { _ in rng.normal() }
        return try QuadraticGame(Tensor(shape: [d, d], values: m), b)
    }

    public var name: String { "quadratic \(b.count)" }
    public var dimension: Int { b.count }

    public func apply(_ z: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        let d = b.count
        m.withUnsafeBufferPointer { mb in BLAS.sgemv(mb.baseAddress!, z.baseAddress!, out.baseAddress!, m: d, n: d) }
        for i in 0..<d { out[i] -= b[i] }
    }
}
