import Kernel

/// Maximum-likelihood label shift by expectation–maximisation (Saerens, Latinne & Decaestecker 2002), the MLLS
/// estimator: with calibrated source posteriors f(x) and source prior π, the target prior q maximises
/// (1/N) Σⱼ log Σ_y f_y(x'ⱼ) q_y/π_y over the simplex, and EM's fixed point is that maximiser:
///
///     E-step  p_jy = f_y(x'ⱼ) q_y/π_y / Σ_c f_c(x'ⱼ) q_c/π_c        M-step  q_y ← (1/N) Σⱼ p_jy
///
/// from q⁰ = π, stopping when no |Δq_y| exceeds `tolerance` (10⁻⁶) or after `maxIterations` (100): abstention
/// 0.1.3.1's `EMImbalanceAdapter` rule. One fused pass per iteration over the N×m posteriors (E-step, row
/// normalisation and the column mean together, no N×m temporary); the weights are w = q/π.
public enum EMLabelShift {
    public static func estimate(
        target f: Posteriors, source pi: [Double], convention: SourcePrior, tolerance: Double = 1e-6,
        maxIterations: Int = 100
    ) throws(FjordError) -> LabelShiftEstimate {
        let m = f.classes
        guard pi.count == m else { throw .data("mlls: a source prior of \(pi.count) classes for \(m)") }
        guard pi.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw .data("mlls: every class needs a positive source prior (a class absent from the hold-out set?)")
        }
        guard f.rows > 0 else { throw .data("mlls: the target sample is empty") }
        guard tolerance > 0, maxIterations >= 1 else { throw .usage("mlls: tolerance > 0 and ≥ 1 iteration") }
        var q = pi
        var r = [Double](repeating: 0, count: m), next = r
        var iterations = 0, converged = false
        f.values.withUnsafeBufferPointer { fp in
            while iterations < maxIterations {
                for c in 0..<m {
                    r[c] = q[c] / pi[c]
                    next[c] = 0
                }
                r.withUnsafeBufferPointer { rp in
                    next.withUnsafeMutableBufferPointer { acc in
                        pass(fp.baseAddress!, rows: f.rows, classes: m, r: rp.baseAddress!, into: acc.baseAddress!)
                    }
                }
                iterations += 1
                var change = 0.0
                for c in 0..<m {
                    let v = next[c] / Double(f.rows)
                    change = max(change, abs(v - q[c]))
                    q[c] = v
                }
                if change <= tolerance {
                    converged = true
                    break
                }
            }
        }
        return LabelShiftEstimate(
            method: .mlls, weights: zip(q, pi).map { $0 / $1 }, target: q, source: pi, convention: convention,
            iterations: iterations, converged: converged)
    }

    /// acc_c += Σ_j f_jc r_c / Σ_c' f_jc' r_c' in one pass over the rows (rows whose sum is 0 add nothing). Four-lane
    /// SIMD over the classes, so the row's dot and its update each stream the row once.
    @inline(__always)
    static func pass(
        _ f: UnsafePointer<Double>, rows: Int, classes m: Int, r: UnsafePointer<Double>,
        into acc: UnsafeMutablePointer<Double>
    ) {
        let lanes = m / 4 * 4
        var row = f
        for _ in 0..<rows {
            var s4 = SIMD4<Double>()
            var c = 0
            while c < lanes {
                s4 +=
                    UnsafeRawPointer(row + c).loadUnaligned(as: SIMD4<Double>.self)
                    * UnsafeRawPointer(r + c).loadUnaligned(as: SIMD4<Double>.self)
                c += 4
            }
            var s = s4.sum()
            while c < m {
                s += row[c] * r[c]
                c += 1
            }
            if s > 0 {
                let inv = 1 / s
                let v = SIMD4<Double>(repeating: inv)
                c = 0
                while c < lanes {
                    let a = UnsafeRawPointer(acc + c).loadUnaligned(as: SIMD4<Double>.self)
                    let t =
                        UnsafeRawPointer(row + c).loadUnaligned(as: SIMD4<Double>.self)
                        * UnsafeRawPointer(r + c).loadUnaligned(as: SIMD4<Double>.self)
                    UnsafeMutableRawPointer(acc + c).storeBytes(of: a + t * v, as: SIMD4<Double>.self)
                    c += 4
                }
                while c < m {
                    acc[c] += row[c] * r[c] * inv
                    c += 1
                }
            }
            row += m
        }
    }
}
