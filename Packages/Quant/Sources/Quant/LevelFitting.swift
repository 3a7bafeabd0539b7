import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// Learns level sets from gradient samples (ALQ and AMQ; Faghri et al., NeurIPS 2020).
///
/// The objective is the expected quantization variance over the samples, exactly as Fjord's quantizer would
/// incur it: with r the bucket-normalised magnitudes and w = n_b² their buckets' squared norms,
///
///     V(ℓ) = Σ_samples w · (ℓ_{j+1} − r)(r − ℓ_j),    ℓ_j ≤ r ≤ ℓ_{j+1}
///
/// This is the empirical version of the paper's objective (which integrates a fitted truncated-normal mixture
/// of the normalised coordinates; we skip the parametric fit and use the samples themselves, which is what
/// that mixture approximates).
public struct LevelFitting: Sendable {
    /// Sorted magnitudes r ∈ [0, 1] and their weights.
    public let r: [Double]
    public let w: [Double]
    /// Prefix sums of w, w·r over the sorted samples, for O(log n) interval sums.
    let cw: [Double], cwr: [Double], cwr2: [Double]

    /// Collects (r, n_b²) from gradient samples under the given norm and bucket size; keeps at most `maxSamples`
    /// (a seeded uniform subsample) so fitting stays fast on big models.
    public init(
        samples: [Tensor], bucketSize: Int, norm: NormKind = .l2, maxSamples: Int = 2_000_000, seed: UInt64 = 0
    ) throws(FjordError) {
        var pairs: [(Double, Double)] = []
        for g in samples {
            let v = g.scalars
            do {
                var lo = 0
                while lo < v.count {
                    let hi = min(v.count, lo + bucketSize)
                    var n2 = 0.0, mx = 0.0
                    for i in lo..<hi {
                        let x = Double(v[i])
                        guard x.isFinite else { throw FjordError.data("gradient samples hold NaN or infinite values") }
                        n2 += x * x
                        mx = max(mx, abs(x))
                    }
                    let nrm = norm == .l2 ? n2.squareRoot() : mx
                    if nrm > 0 {
                        // the float32 norm a message carries, squared in double (the norm itself in double
                        // where float32 cannot hold it: buckets of finite values near 3.4e38)
                        let f = Float(nrm)
                        let wb = f.isFinite ? Double(f) * Double(f) : nrm * nrm
                        for i in lo..<hi { pairs.append((min(1, abs(Double(v[i])) / nrm), wb)) }
                    }
                    lo = hi
                }
            }
        }
        guard !pairs.isEmpty else { throw .data("no nonzero gradient samples to fit levels to") }
        if pairs.count > maxSamples {
            var rng = RNG(seed: seed, stream: 0xA1F)
            for i in 0..<maxSamples { pairs.swapAt(i, i + rng.int(below: pairs.count - i)) }
            pairs.removeLast(pairs.count - maxSamples)
        }
        pairs.sort { $0.0 < $1.0 }
        self.init(sorted: pairs.map(\.0), weights: pairs.map(\.1))
    }

    /// From sorted magnitudes and weights directly.
    public init(sorted r: [Double], weights w: [Double]) {
        precondition(r.count == w.count)
        self.r = r
        self.w = w
        var a = [0.0], b = [0.0], c = [0.0]
        a.reserveCapacity(r.count + 1)
        for i in r.indices {
            a.append(a[i] + w[i])
            b.append(b[i] + w[i] * r[i])
            c.append(c[i] + w[i] * r[i] * r[i])
        }
        cw = a
        cwr = b
        cwr2 = c
    }

    /// Index of the first sample ≥ x.
    func lowerBound(_ x: Double) -> Int {
        var lo = 0, hi = r.count
        while lo < hi {
            let m = (lo + hi) / 2
            if r[m] < x { lo = m + 1 } else { hi = m }
        }
        return lo
    }

    /// Σ w (b − r)(r − a) over samples with a ≤ r < b, in O(log n): −Σw r² + (a+b) Σw r − ab Σw.
    func intervalCost(_ a: Double, _ b: Double, upper: Bool) -> Double {
        let i = lowerBound(a), j = upper ? r.count : lowerBound(b)
        if j <= i { return 0 }
        let sw = cw[j] - cw[i], swr = cwr[j] - cwr[i], swr2 = cwr2[j] - cwr2[i]
        return -swr2 + (a + b) * swr - a * b * sw
    }

    /// V(ℓ) for a level set (magnitudes 0 … 1).
    public func objective(_ levels: [Double]) -> Double {
        var v = 0.0
        for k in 0..<(levels.count - 1) { v += intervalCost(levels[k], levels[k + 1], upper: k == levels.count - 2) }
        return v
    }

    /// The minimiser of V over ℓ_j ∈ (a, b) with the neighbours fixed (the empirical form of the paper's Eq. 8).
    /// On (a, b) the two adjacent terms are piecewise linear and convex in ℓ, with slope
    /// Σ_{a≤r<ℓ} w (r − a) − Σ_{ℓ≤r<b} w (b − r), non-decreasing as ℓ passes samples; the minimum sits at the
    /// sample where that slope turns non-negative (the continuous paper version solves slope = 0).
    func coordinateMinimizer(_ a: Double, _ b: Double, upper: Bool) -> Double {
        let i = lowerBound(a), j = upper ? r.count : lowerBound(b)
        let eps = (b - a) * 1e-9
        if j <= i { return (a + b) / 2 }
        // slope(m): samples i..<m on the left of ℓ, m..<j on the right
        func slope(_ m: Int) -> Double {
            ((cwr[m] - cwr[i]) - a * (cw[m] - cw[i])) - (b * (cw[j] - cw[m]) - (cwr[j] - cwr[m]))
        }
        var lo = i, hi = j + 1  // first m in [i, j] with slope(m) ≥ 0, or j + 1 when none
        while lo < hi {
            let m = (lo + hi) / 2
            if slope(m) >= 0 { hi = m } else { lo = m + 1 }
        }
        if lo == i { return a + eps }  // increasing throughout: as close to a as allowed
        if lo == j + 1 { return b - eps }  // decreasing throughout
        return min(max(r[lo - 1], a + eps), b - eps)
    }

    /// ALQ: coordinate descent over the interior levels from `initial` (sorted, 0 … 1), `sweeps` passes; returns
    /// the levels and the objective after every single-coordinate update (non-increasing).
    public func alq(initial: [Double], sweeps: Int = 30) -> (levels: [Double], trace: [Double]) {
        var l = initial
        var trace = [objective(l)]
        for _ in 0..<sweeps {
            for k in 1..<(l.count - 1) {
                let old = l[k]
                let cand = coordinateMinimizer(l[k - 1], l[k + 1], upper: k + 1 == l.count - 1)
                l[k] = cand
                let v = objective(l)
                if v > trace.last! {
                    l[k] = old
                    trace.append(trace.last!)
                } else {
                    trace.append(v)
                }
            }
        }
        return (l, trace)
    }

    /// ALQ as the paper runs it: coordinate descent from three starts — exponential (p = 1/2, NUQSGD's shape),
    /// uniform, and the weighted quantiles of the samples — keeping the lowest variance. `interior` is the number
    /// of levels strictly between 0 and 1 (2^(b−1) − 2 for b bits).
    /// `amqP`: AMQ's fitted multiplier when the caller has it already (else it is fitted here).
    public func alqBest(interior s: Int, sweeps: Int = 30, amqP: Double? = nil) -> [Double] {
        precondition(s >= 0)
        if s == 0 { return [0, 1] }
        let uniform = (0...(s + 1)).map { Double($0) / Double(s + 1) }
        var starts = [
            LevelFitting.amqLevels(p: 0.5, s: s), uniform, LevelFitting.amqLevels(p: amqP ?? amq(s: s), s: s),
        ]
        // weighted quantiles of r (interior only), made strictly increasing
        var q: [Double] = [0]
        let total = cw.last!
        var idx = 0
        for k in 1...s {
            let target = total * Double(k) / Double(s + 1)
            while idx < r.count - 1 && cw[idx + 1] < target { idx += 1 }
            q.append(max(r[idx], q.last! + 1e-9))
        }
        q.append(1)
        if zip(q, q.dropFirst()).allSatisfy({ $0 < $1 }) { starts.append(q) }
        var best: (levels: [Double], v: Double) = ([], .infinity)
        for st in starts {
            let l = alq(initial: st, sweeps: sweeps).levels
            let v = objective(l)
            if v < best.v { best = (l, v) }
        }
        return best.levels
    }

    /// AMQ: levels 0, p^s, …, p, 1 with p found by gradient descent on dV/dp (analytic), from several starts, then
    /// converged by golden-section search on V(p) over the bracket around the best start's p (the descent's
    /// normalised steps of at most 0.07 only reach a lattice p₀ ± 0.07k; the search brings p to the bracket's
    /// minimiser within 1e-9). Returns that p.
    public func amq(
        s: Int, learningRate: Double = 0.7, epochs: Int = 50, starts: [Double] = [0.1, 0.3, 0.5, 0.7, 0.9]
    ) -> Double {
        var best = (p: 0.5, v: Double.infinity)
        for p0 in starts {
            var p = p0
            for _ in 0..<epochs {
                let g = amqGradient(p: p, s: s)
                let scale = max(abs(g), 1e-12)
                p -= learningRate * 0.1 * g / scale * min(1, abs(g) / scale)  // normalised step, at most 0.07
                p = min(max(p, 0.01), 0.99)
            }
            let v = objective(LevelFitting.amqLevels(p: p, s: s))
            if v < best.v { best = (p, v) }
        }
        return goldenSection(lo: max(0.01, best.p - 0.1), hi: min(0.99, best.p + 0.1), start: best) {
            objective(LevelFitting.amqLevels(p: $0, s: s))
        }
    }

    /// The minimiser of `f` on [lo, hi] by golden-section search (to a bracket width of 1e-9), or `start.p` when
    /// that is lower (the bracket may hold a kink of the piecewise-quadratic V).
    func goldenSection(lo: Double, hi: Double, start: (p: Double, v: Double), _ f: (Double) -> Double) -> Double {
        let r = (5.0.squareRoot() - 1) / 2
        var (a, b) = (lo, hi)
        var c = b - r * (b - a), d = a + r * (b - a)
        var fc = f(c), fd = f(d)
        while b - a > 1e-9 {
            if fc < fd {
                (b, d, fd) = (d, c, fc)
                c = b - r * (b - a)
                fc = f(c)
            } else {
                (a, c, fc) = (c, d, fd)
                d = a + r * (b - a)
                fd = f(d)
            }
        }
        let p = (a + b) / 2
        return f(p) <= start.v ? p : start.p
    }

    /// The levels as float32 magnitudes for a ``LevelSet``. Coordinate descent can park two levels on the same
    /// sample, and float32 rounding can merge close ones; duplicates are dropped and the level count restored by
    /// splitting the widest gaps, so the set stays valid with the requested size.
    public static func floatLevels(_ levels: [Double]) throws(FjordError) -> LevelSet {
        let k = levels.count
        var f = Array(Set(levels.map(Float.init).filter { $0 > 0 && $0 < 1 })).sorted()
        f = [0] + f + [1]
        while f.count < k {
            var widest = 0
            for i in 0..<(f.count - 1) where f[i + 1] - f[i] > f[widest + 1] - f[widest] { widest = i }
            let mid = (f[widest] + f[widest + 1]) / 2
            guard mid > f[widest], mid < f[widest + 1] else { throw .data("cannot fit \(k) distinct float32 levels") }
            f.insert(mid, at: widest + 1)
        }
        return try LevelSet(f)
    }

    public static func amqLevels(p: Double, s: Int) -> [Double] {
        [0] + (0...s).reversed().map { pow(p, Double($0)) }
    }

    /// dV/dp for AMQ levels: on [ℓ_j, ℓ_{j+1}] the term (ℓ_{j+1} − r)(r − ℓ_j) has derivative
    /// ℓ'_{j+1}(r − ℓ_j) − ℓ'_j(ℓ_{j+1} − r), with ℓ = p^k and ℓ' = k p^{k−1} (ℓ₀ = 0 and the top level 1 are fixed).
    public func amqGradient(p: Double, s: Int) -> Double {
        let l = LevelFitting.amqLevels(p: p, s: s)
        let exps: [Double] = [-1] + (0...s).reversed().map(Double.init)  // -1 marks the fixed 0
        func dl(_ k: Int) -> Double { exps[k] <= 0 ? 0 : exps[k] * pow(p, exps[k] - 1) }
        var g = 0.0
        for k in 0..<(l.count - 1) {
            let a = l[k], b = l[k + 1]
            let i = lowerBound(a), j = k + 1 == l.count - 1 ? r.count : lowerBound(b)
            if j <= i { continue }
            let sw = cw[j] - cw[i], swr = cwr[j] - cwr[i]
            g += dl(k + 1) * (swr - a * sw) - dl(k) * (b * sw - swr)
        }
        return g
    }
}
