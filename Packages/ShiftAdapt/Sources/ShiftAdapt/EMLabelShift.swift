import CShift
import Kernel

/// Maximum-likelihood label shift by expectation–maximisation (Saerens, Latinne & Decaestecker 2002), the MLLS
/// estimator: with calibrated source posteriors f(x) and source prior π, the target prior q maximises
/// (1/N) Σⱼ log Σ_y f_y(x'ⱼ) q_y/π_y over the simplex, and EM's fixed point is that maximiser:
///
///     E-step  p_jy = f_y(x'ⱼ) q_y/π_y / Σ_c f_c(x'ⱼ) q_c/π_c        M-step  q_y ← (1/N) Σⱼ p_jy
///
/// from q⁰ = π, stopping when no |Δq_y| exceeds `tolerance` (10⁻⁶) or after `maxIterations` (100): abstention
/// 0.1.3.1's `EMImbalanceAdapter` rule. One fused pass per iteration over the N×m posteriors (E-step, row
/// normalisation and the column mean together, no N×m temporary; CShift's `fjs_em_pass_*`, AVX2 where the CPU has
/// it, the same bits without); the weights are w = q/π.
public enum EMLabelShift {
    public static func estimate(
        target f: Posteriors, source pi: [Double], convention: SourcePrior, tolerance: Double = 1e-6,
        maxIterations: Int = 100
    ) throws(FjordError) -> LabelShiftEstimate {
        try check(rows: f.rows, classes: f.classes, pi, tolerance, maxIterations)
        return f.values.withUnsafeBufferPointer { fp in
            iterate(fp.baseAddress!, rows: f.rows, classes: f.classes, pi, convention, tolerance, maxIterations)
        }
    }

    /// The same estimate straight from float32 probabilities (n×m, as read from a .npy file), with no Double copy:
    /// each row is checked (``Posteriors/check(probabilities:name:)``)
    /// but not renormalised, since the E-step divides each row by its own weighted sum anyway. Half the memory
    /// traffic of the Double path, so about twice as fast on large N·m (the loop streams the posteriors).
    public static func estimate(
        targetProbabilities t: Tensor, name: String = "target", source pi: [Double], convention: SourcePrior,
        tolerance: Double = 1e-6, maxIterations: Int = 100
    ) throws(FjordError) -> LabelShiftEstimate {
        try Posteriors.check(probabilities: t, name: name)
        let n = t.shape[0], m = t.shape[1]
        try check(rows: n, classes: m, pi, tolerance, maxIterations)
        return t.withUnsafeBufferPointer { fp in
            iterate(fp.baseAddress!, rows: n, classes: m, pi, convention, tolerance, maxIterations)
        }
    }

    static func check(
        rows: Int, classes m: Int, _ pi: [Double], _ tolerance: Double, _ maxIterations: Int
    ) throws(FjordError) {
        guard pi.count == m else { throw .data("mlls: a source prior of \(pi.count) classes for \(m)") }
        guard pi.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw .data("mlls: every class needs a positive source prior (a class absent from the hold-out set?)")
        }
        guard rows > 0 else { throw .data("mlls: the target sample is empty") }
        guard tolerance > 0, maxIterations >= 1 else { throw .usage("mlls: tolerance > 0 and ≥ 1 iteration") }
    }

    /// EM from q = π until no |Δq_y| exceeds the tolerance, on Float or Double posteriors (Double arithmetic).
    static func iterate<S>(
        _ f: UnsafePointer<S>, rows n: Int, classes m: Int, _ pi: [Double], _ convention: SourcePrior,
        _ tolerance: Double, _ maxIterations: Int
    ) -> LabelShiftEstimate {
        var q = pi
        var r = [Double](repeating: 0, count: m), next = r
        var iterations = 0, converged = false
        while iterations < maxIterations {
            for c in 0..<m {
                r[c] = q[c] / pi[c]
                next[c] = 0
            }
            r.withUnsafeBufferPointer { rp in
                next.withUnsafeMutableBufferPointer { acc in
                    // one fused pass (C, AVX2 where available): E-step, row normalisation and column sum together
                    if S.self == Float.self {
                        fjs_em_pass_f32(
                            UnsafeRawPointer(f).assumingMemoryBound(to: Float.self), n, m, rp.baseAddress!,
                            acc.baseAddress!)
                    } else {
                        fjs_em_pass_f64(
                            UnsafeRawPointer(f).assumingMemoryBound(to: Double.self), n, m, rp.baseAddress!,
                            acc.baseAddress!)
                    }
                }
            }
            iterations += 1
            var change = 0.0
            for c in 0..<m {
                let v = r[c] * next[c] / Double(n)
                change = max(change, abs(v - q[c]))
                q[c] = v
            }
            if change <= tolerance {
                converged = true
                break
            }
        }
        return LabelShiftEstimate(
            method: .mlls, weights: zip(q, pi).map { $0 / $1 }, target: q, source: pi, convention: convention,
            iterations: iterations, converged: converged)
    }
}
