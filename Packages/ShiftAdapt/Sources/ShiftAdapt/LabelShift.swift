import Kernel

/// The label-shift estimators on one interface: a labelled hold-out set from the source (posteriors and labels) and
/// an unlabelled target sample (posteriors), all from the same, ideally calibrated, classifier.
///
/// - **BBSE** (Lipton, Wang & Smola 2018): Ĉ_ab = (1/n) Σᵢ 1[ŷᵢ = a] 1[yᵢ = b] (a *joint* matrix, columns summing to
///   the hold-out label frequencies p_b), μ̂_a = (1/N) Σⱼ 1[ŷ'ⱼ = a]; ŵ = Ĉ⁻¹μ̂ with negative entries set to 0, as
///   abstention does. Soft: the indicators of ŷ replaced by the posteriors. Before clipping Σ_b ŵ_b p_b = 1 exactly.
/// - **RLLS** (Azizzadenesheli et al. 2019): θ̂ = argmin_{θ ≥ −1} ‖Ĉθ − b̂‖₂ + Δ‖θ‖₂, b̂ = μ̂ − μ̂_src (the hold-out's
///   own predicted-label mean), ŵ = 1 + θ̂, Δ = α·3(2 ln(2m/δ)/(3n) + √(2 ln(2m/δ)/n)), δ = 0.05, α = 0.01 (abstention's
///   and the original code's defaults). Solved by accelerated projected gradient on the two norms smoothed by 10⁻¹²;
///   the constraint keeps every weight ≥ 0, so nothing is clipped.
/// - **MLLS** by EM (``EMLabelShift``), its source prior the mean hold-out posterior (abstention's default) or the
///   hold-out label frequencies.
///
/// BBSE's and RLLS's weights are against the hold-out label frequencies by construction; the estimate says so.
public enum LabelShift {
    /// The same from float32 target probabilities (n×m, as read from a .npy file): mlls runs EM straight on them
    /// (``EMLabelShift/estimate(targetProbabilities:name:source:convention:tolerance:maxIterations:)``, no Double copy
    /// of the N×m posteriors); the other methods read them as ``Posteriors``.
    public static func estimate(
        _ method: LabelShiftMethod, holdout: Posteriors, labels: [Int], targetProbabilities t: Tensor,
        name: String = "target", prior: SourcePrior = .meanPosterior, rllsAlpha: Double = 0.01
    ) throws(FjordError) -> LabelShiftEstimate {
        guard method == .mlls else {
            return try estimate(
                method, holdout: holdout, labels: labels, target: Posteriors(probabilities: t, name: name),
                prior: prior, rllsAlpha: rllsAlpha)
        }
        // EM checks the probabilities themselves (their shape first), in its one pass over them
        let classes = t.shape.count == 2 ? t.shape[1] : holdout.classes
        try check(holdout: holdout, labels: labels, targetRows: t.shape.first ?? 0, targetClasses: classes)
        let pi = prior == .meanPosterior ? holdout.mean : labelFrequencies(labels, classes: holdout.classes)
        return try EMLabelShift.estimate(targetProbabilities: t, name: name, source: pi, convention: prior)
    }

    static func check(
        holdout: Posteriors, labels: [Int], targetRows: Int, targetClasses: Int
    ) throws(FjordError) {
        let m = holdout.classes
        guard targetClasses == m else {
            throw .data("the target posteriors have \(targetClasses) classes, the hold-out's \(m)")
        }
        guard labels.count == holdout.rows, holdout.rows > 0 else {
            throw .data("\(labels.count) hold-out labels for \(holdout.rows) hold-out rows")
        }
        guard targetRows > 0 else { throw .data("the target sample is empty") }
    }

    public static func estimate(
        _ method: LabelShiftMethod, holdout: Posteriors, labels: [Int], target: Posteriors,
        prior: SourcePrior = .meanPosterior, rllsAlpha: Double = 0.01
    ) throws(FjordError) -> LabelShiftEstimate {
        let m = holdout.classes
        try check(holdout: holdout, labels: labels, targetRows: target.rows, targetClasses: target.classes)
        let freq = labelFrequencies(labels, classes: m)
        switch method {
        case .mlls:
            let pi = prior == .meanPosterior ? holdout.mean : freq
            return try EMLabelShift.estimate(target: target, source: pi, convention: prior)
        case .ulsif, .kliep, .classifier, .nnbd:
            throw .usage(
                "\(method.rawValue) estimates a density ratio on features, not label weights: use DensityRatio"
            )
        case .bbse, .bbseSoft, .rlls:
            let soft = method == .bbseSoft
            let c = confusion(holdout, labels, soft: soft)
            let mu = predictedMean(target, soft: soft)
            var w: [Double]
            var clipped = 0
            if method == .rlls {
                let b = zip(mu, predictedMean(holdout, soft: false)).map { $0 - $1 }
                let mm = Double(m), n = Double(holdout.rows), l = log(2 * mm / 0.05)
                let delta = rllsAlpha * 3 * (2 * l / (3 * n) + (2 * l / n).squareRoot())
                w = rlls(c, b, m: m, delta: delta).map { 1 + $0 }
            } else {
                guard let s = Inference.solve((0..<m).map { Array(c[($0 * m)..<($0 * m + m)]) }, mu) else {
                    throw .data(
                        "\(method.rawValue): the confusion matrix is singular (a class is never predicted or never present in the hold-out set); no fallback is guessed: --method rlls is defined for it"
                    )
                }
                w = s
                for i in 0..<m where w[i] < 0 {
                    w[i] = 0
                    clipped += 1
                }
            }
            var e = LabelShiftEstimate(
                method: method, weights: w, target: zip(w, freq).map { $0 * $1 }, source: freq,
                convention: .holdoutLabels)
            e.clipped = clipped
            return e
        }
    }

    /// Ĉ_ab = (1/n) Σᵢ pred_a(xᵢ) 1[yᵢ = b], row-major m×m.
    static func confusion(_ f: Posteriors, _ labels: [Int], soft: Bool) -> [Double] {
        let m = f.classes
        var c = [Double](repeating: 0, count: m * m)
        let hard = soft ? [] : f.predictions
        let inv = 1 / Double(f.rows)
        for i in 0..<f.rows {
            let y = labels[i]
            if soft {
                for a in 0..<m { c[a * m + y] += f.values[i * m + a] * inv }
            } else {
                c[hard[i] * m + y] += inv
            }
        }
        return c
    }

    /// μ̂_a = (1/N) Σⱼ pred_a(x'ⱼ).
    static func predictedMean(_ f: Posteriors, soft: Bool) -> [Double] {
        if soft { return f.mean }
        var mu = [Double](repeating: 0, count: f.classes)
        for a in f.predictions { mu[a] += 1 / Double(f.rows) }
        return mu
    }

    /// argmin_{θ ≥ −1} ‖Cθ − b‖₂ + Δ‖θ‖₂ by FISTA with backtracking and adaptive restart on the smoothed objective
    /// √(‖Cθ − b‖² + ε²) + Δ√(‖θ‖² + ε²), ε = 10⁻¹²; stops when an accepted step moves θ by less than 10⁻¹³ (in
    /// ∞-norm) or after 200,000 steps.
    static func rlls(_ c: [Double], _ b: [Double], m: Int, delta: Double) -> [Double] {
        let eps2 = 1e-24
        func value(_ t: [Double]) -> Double {
            var r = 0.0, n = 0.0
            for i in 0..<m {
                var s = -b[i]
                for j in 0..<m { s += c[i * m + j] * t[j] }
                r += s * s
                n += t[i] * t[i]
            }
            return (r + eps2).squareRoot() + delta * (n + eps2).squareRoot()
        }
        func gradient(_ t: [Double]) -> [Double] {
            var res = [Double](repeating: 0, count: m)
            var r = 0.0, n = 0.0
            for i in 0..<m {
                var s = -b[i]
                for j in 0..<m { s += c[i * m + j] * t[j] }
                res[i] = s
                r += s * s
                n += t[i] * t[i]
            }
            let rr = (r + eps2).squareRoot(), nn = (n + eps2).squareRoot()
            var g = [Double](repeating: 0, count: m)
            for j in 0..<m {
                var s = 0.0
                for i in 0..<m { s += c[i * m + j] * res[i] }
                g[j] = s / rr + delta * t[j] / nn
            }
            return g
        }
        var x = [Double](repeating: 0, count: m), y = x
        var t = 1.0, step = 1.0
        var fx = value(x)
        for _ in 0..<200_000 {
            let g = gradient(y), fy = value(y)
            var next = x, fn = 0.0
            while true {
                for j in 0..<m { next[j] = max(-1, y[j] - step * g[j]) }
                fn = value(next)
                var lin = fy
                var dist = 0.0
                for j in 0..<m {
                    let d = next[j] - y[j]
                    lin += g[j] * d
                    dist += d * d
                }
                if fn <= lin + dist / (2 * step) + 1e-15 || step < 1e-300 { break }
                step *= 0.5
            }
            var moved = 0.0
            for j in 0..<m { moved = max(moved, abs(next[j] - x[j])) }
            if fn > fx {  // adaptive restart
                t = 1
                y = x
                step *= 2
                continue
            }
            let tn = (1 + (1 + 4 * t * t).squareRoot()) / 2
            for j in 0..<m { y[j] = next[j] + (t - 1) / tn * (next[j] - x[j]) }
            x = next
            fx = fn
            t = tn
            step *= 1.2
            if moved < 1e-13 { break }
        }
        return x
    }
}

#if canImport(Glibc)
    import Glibc
#endif
