import COpenBLAS

/// The Cholesky factor L (A = LLᵀ) of a symmetric positive-definite matrix (row-major n×n, Double), for repeated
/// solves. nil when a pivot LLᵀ would need is ≤ `minimumPivot` (the matrix is not positive definite enough).
public struct Cholesky: Sendable {
    public let n: Int
    public private(set) var l: [Double]

    public init?(_ a: [Double], n: Int, minimumPivot: Double = 0) {
        self.n = n
        l = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var s = a[j * n + j]
            for k in 0..<j { s -= l[j * n + k] * l[j * n + k] }
            guard s > minimumPivot else { return nil }
            let d = s.squareRoot()
            l[j * n + j] = d
            for i in (j + 1)..<max(j + 1, n) {
                var t = a[i * n + j]
                for k in 0..<j { t -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = t / d
            }
        }
    }

    /// x with A x = b.
    public func solve(_ b: [Double]) -> [Double] {
        var y = b
        for i in 0..<n {
            var s = y[i]
            for k in 0..<i { s -= l[i * n + k] * y[k] }
            y[i] = s / l[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = y[i]
            for k in (i + 1)..<max(i + 1, n) { s -= l[k * n + i] * y[k] }
            y[i] = s / l[i * n + i]
        }
        return y
    }

    /// X with A X = B for m right-hand sides at once: `b` and the result are n×m row-major (column j is one
    /// system). Two triangular solves by OpenBLAS (cblas_dtrsm), L Z = B then Lᵀ X = Z.
    public func solve(columns b: [Double], count m: Int) -> [Double] {
        precondition(b.count == n * m, "solve: \(b.count) values for \(n)×\(m)")
        guard n > 0, m > 0 else { return b }
        var x = b
        l.withUnsafeBufferPointer { lp in
            x.withUnsafeMutableBufferPointer { xp in
                cblas_dtrsm(
                    CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, Int32(n), Int32(m), 1,
                    lp.baseAddress, Int32(n), xp.baseAddress, Int32(m))
                cblas_dtrsm(
                    CblasRowMajor, CblasLeft, CblasLower, CblasTrans, CblasNonUnit, Int32(n), Int32(m), 1,
                    lp.baseAddress, Int32(n), xp.baseAddress, Int32(m))
            }
        }
        return x
    }
}
