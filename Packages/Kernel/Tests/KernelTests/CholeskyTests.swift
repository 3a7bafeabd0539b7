import Testing

@testable import Kernel

/// The Cholesky factor against its definition: LLᵀ = A, A x = b on a random positive-definite matrix, the
/// many-right-hand-side solve against the one-at-a-time one, and a matrix that is not positive definite refused.
@Suite struct CholeskyTests {
    /// A = MMᵀ + I for a seeded M (n×n).
    static func spd(_ n: Int, seed: UInt64) -> [Double] {
        var rng = RNG(seed: seed)
        let m = (0..<(n * n)).map { _ in Double(rng.normal()) }
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                var s = i == j ? 1.0 : 0
                for k in 0..<n { s += m[i * n + k] * m[j * n + k] }
                a[i * n + j] = s
            }
        }
        return a
    }

    @Test func factorAndSolves() throws {
        let n = 7, cols = 5
        let a = Self.spd(n, seed: 1)
        let c = try #require(Cholesky(a, n: n))
        for i in 0..<n {
            for j in 0..<n {
                let llt = (0..<n).reduce(0.0) { $0 + c.l[i * n + $1] * c.l[j * n + $1] }
                #expect(abs(llt - a[i * n + j]) < 1e-10)
            }
        }
        var rng = RNG(seed: 2)
        let b = (0..<(n * cols)).map { _ in Double(rng.normal()) }
        let x = c.solve(columns: b, count: cols)
        for j in 0..<cols {
            let column = (0..<n).map { b[$0 * cols + j] }
            let one = c.solve(column)
            for i in 0..<n {
                #expect(abs(x[i * cols + j] - one[i]) < 1e-10)
                let ax = (0..<n).reduce(0.0) { $0 + a[i * n + $1] * one[$1] }
                #expect(abs(ax - column[i]) < 1e-9)
            }
        }
        #expect(Cholesky([1, 2, 2, 1], n: 2) == nil)
    }
}
