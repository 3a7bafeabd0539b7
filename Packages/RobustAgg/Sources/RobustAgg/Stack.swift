import CRobust
import Kernel

/// Checks an (n, d) stack of worker gradients: 2-D, at least one row, finite.
func checkStack(_ x: Tensor, rule: String) throws(FjordError) -> (n: Int, d: Int) {
    let shape = try checkShape(x, rule: rule)
    try refuseNonFinite(x, rule: rule)
    return shape
}

/// The shape half of `checkStack`, for rules whose kernels spot NaN and ±inf while they read the values (one pass
/// over the stack fewer); they call `refuseNonFinite` when the kernel reports one.
func checkShape(_ x: Tensor, rule: String) throws(FjordError) -> (n: Int, d: Int) {
    guard x.rank == 2, x.shape[0] >= 1, x.shape[1] >= 1 else {
        throw .data("\(rule): expected an (n, d) stack of worker gradients with n, d ≥ 1, got shape \(x.shape)")
    }
    return (x.shape[0], x.shape[1])
}

/// For rules whose own arithmetic over every value (distances, norms) doubles as the NaN/inf check: when a derived
/// value is not finite, count the stack's non-finite values and refuse it (finite floats cannot overflow the
/// double sums these rules use, so a non-finite result means a non-finite input).
func refuseNonFinite(_ x: Tensor, rule: String, unlessFinite derived: [Double]) throws(FjordError) {
    if !derived.allSatisfy(\.isFinite) { try refuseNonFinite(x, rule: rule) }
}

/// Throws (exit 65) when the stack holds NaN or infinite values, saying how many.
func refuseNonFinite(_ x: Tensor, rule: String) throws(FjordError) {
    let bad = nonFiniteCount(x)
    guard bad == 0 else {
        throw .data(
            "\(rule): the stack holds \(bad) NaN or infinite values (a worker sent garbage; drop or clip it first)")
    }
}

/// Squared Euclidean distances between all rows, from one Gram matrix (cblas_ssyrk):
/// D_ij = ‖x_i‖² + ‖x_j‖² − 2⟨x_i, x_j⟩, accumulated in double from the float Gram and clamped at 0.
///
/// That cancels when rows lie far from the origin compared with their spread (model weights rather than
/// gradients, or gradients with a large common part), and the float Gram carries a relative error near 1e-6 of
/// ‖x_i‖² + ‖x_j‖². So every pair whose D_ij falls below 1% of ‖x_i‖² + ‖x_j‖² is recomputed from differences in
/// double: one pass over its two rows when few pairs are affected (identical rows from f Byzantine workers sending
/// the same vector come out at exactly 0), all pairs blocked through the cache (`fjr_pairwise_sqdist`) when more
/// than n are, or when a norm is not finite. Non-finite inputs give non-finite distances, which callers may use as
/// their NaN/inf check.
func squaredDistances(_ x: Tensor) -> [Double] {
    let n = x.shape[0], d = x.shape[1]
    var g = [Float](repeating: 0, count: n * n)
    x.withUnsafeBufferPointer { p in
        g.withUnsafeMutableBufferPointer { BLAS.gram(p.baseAddress!, rows: n, cols: d, into: $0.baseAddress!) }
    }
    var out = [Double](repeating: 0, count: n * n)
    var imprecise: [(Int, Int)] = []
    var finite = true
    for i in 0..<n {
        let gi = Double(g[i * n + i])
        finite = finite && gi.isFinite
        for j in 0..<i {
            let scale = gi + Double(g[j * n + j])
            let dij = max(0, scale - 2 * Double(g[i * n + j]))
            if dij < 0.01 * scale { imprecise.append((i, j)) }
            out[i * n + j] = dij
            out[j * n + i] = dij
        }
    }
    x.withUnsafeBufferPointer { v in
        if !finite || imprecise.count > n {
            fjr_pairwise_sqdist(v.baseAddress, n, d, &out)
        } else {
            for (i, j) in imprecise {
                out[i * n + j] = fjr_sqdist(v.baseAddress! + i * d, v.baseAddress! + j * d, d)
                out[j * n + i] = out[i * n + j]
            }
        }
    }
    return out
}

/// ℓp distances between all rows (unsquared), directly; p = 2 goes through the Gram matrix.
func lpDistances(_ x: Tensor, p: Double) -> [Double] {
    let n = x.shape[0], d = x.shape[1]
    if p == 2 { return squaredDistances(x).map { $0.squareRoot() } }
    var out = [Double](repeating: 0, count: n * n)
    let ip = Int(p)
    let integral = Double(ip) == p && ip >= 1 && ip <= 64
    x.withUnsafeBufferPointer { v in
        for i in 0..<n {
            for j in (i + 1)..<max(n, i + 1) {
                var s = 0.0
                if integral {
                    // |x|^p by repeated squaring: no pow() in the inner loop
                    for k in 0..<d {
                        let a = abs(Double(v[i * d + k]) - Double(v[j * d + k]))
                        var r = 1.0, b = a, e = ip
                        while e > 0 {
                            if e & 1 == 1 { r *= b }
                            b *= b
                            e >>= 1
                        }
                        s += r
                    }
                } else {
                    for k in 0..<d { s += pow(abs(Double(v[i * d + k]) - Double(v[j * d + k])), p) }
                }
                let dist = pow(s, 1 / p)
                out[i * n + j] = dist
                out[j * n + i] = dist
            }
        }
    }
    return out
}

#if canImport(Glibc)
    import Glibc
#endif
