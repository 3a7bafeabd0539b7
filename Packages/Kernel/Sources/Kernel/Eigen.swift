/// Eigenvalues of a small dense symmetric matrix by the cyclic Jacobi method: sweep over every off-diagonal pair
/// (p, q), rotating it to zero with the angle θ from cot 2θ = (a_qq − a_pp) / (2 a_pq), until the off-diagonal
/// mass is below 1e-14 of the total (or 100 sweeps). Quadratically convergent and accurate for the small
/// eigenvalues too, which power iteration is not; O(n³) per sweep, meant for n up to a few hundred.
///
/// `a` is n×n row-major (only its symmetric part is used). Returns the eigenvalues in ascending order.
public func symmetricEigenvalues(_ a: [Double], n: Int) -> [Double] {
    precondition(a.count == n * n, "symmetricEigenvalues: \(a.count) entries for n = \(n)")
    var m = a
    for i in 0..<n {
        for j in 0..<i {
            let s = 0.5 * (m[i * n + j] + m[j * n + i])
            m[i * n + j] = s
            m[j * n + i] = s
        }
    }
    let total = m.reduce(0) { $0 + $1 * $1 }
    for _ in 0..<100 {
        var off = 0.0
        for p in 0..<n { for q in (p + 1)..<max(n, p + 1) { off += 2 * m[p * n + q] * m[p * n + q] } }
        if off <= 1e-28 * max(total, .leastNormalMagnitude) { break }
        for p in 0..<n {
            for q in (p + 1)..<max(n, p + 1) {
                let apq = m[p * n + q]
                if apq == 0 { continue }
                let theta = (m[q * n + q] - m[p * n + p]) / (2 * apq)
                let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                let c = 1 / (t * t + 1).squareRoot(), s = t * c
                // A ← Jᵀ A J with J the rotation in the (p, q) plane
                for k in 0..<n {
                    let akp = m[k * n + p], akq = m[k * n + q]
                    m[k * n + p] = c * akp - s * akq
                    m[k * n + q] = s * akp + c * akq
                }
                for k in 0..<n {
                    let apk = m[p * n + k], aqk = m[q * n + k]
                    m[p * n + k] = c * apk - s * aqk
                    m[q * n + k] = s * apk + c * aqk
                }
            }
        }
    }
    return (0..<n).map { m[$0 * n + $0] }.sorted()
}
