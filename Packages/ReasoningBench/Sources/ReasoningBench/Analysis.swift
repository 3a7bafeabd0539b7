import Kernel

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// The reasoning-efficiency decomposition (Kaiser et al., "Decomposing Reasoning Efficiency in Large Language Models")
/// and CogniLoad's accuracy analyses, over scored records of one model.
///
/// Per instance i: T_i output tokens, c_i = 1[finished within budget], y_i = 1[correct] (y_i ≤ c_i), W_i workload
/// (needle count). Then completion C = mean c, conditional correctness Q = Σy/Σc, verbosity T̄ = mean T, and efficiency
/// E = 1000·Σy/ΣT = 1000·C·Q/T̄ (correct answers per 1000 tokens; an identity, so ln E = ln C + ln Q − ln T̄ and gaps
/// between models split into the three terms). Verbosity splits further into verbalization overhead VO = mean(T/W) over
/// completed instances and the coupling κ of T ≈ α·W^κ.
///
/// κ is estimated two ways. `couplingOLS`: least squares of ln T on ln W over completed instances, our reading of the
/// paper (its §3 formulas were not available to us; this is a reconstruction). It is biased low when the budget cuts
/// the longest traces, because exactly the large-W, large-T instances drop out. `coupling` (Tobit): the same line fitted
/// by maximum likelihood on all instances, treating a truncated one as "T ≥ tokens spent" (right-censored), which
/// removes that bias. Both come with percentile-bootstrap intervals over instances.
public struct ModelSummary: Sendable {
    public var model: String
    public var count: Int
    /// Records that never got an answer (request failed), left out of everything else.
    public var failed: Int
    public var accuracy: Estimate
    public var completion: Estimate
    public var conditionalAccuracy: Estimate
    public var meanTokens: Estimate
    public var efficiency: Estimate
    public var overheadPerUnit: Estimate
    public var couplingOLS: Estimate
    /// Tobit fit T ≈ α·W^κ: α (median tokens at W = 1) and κ.
    public var alpha: Estimate
    public var coupling: Estimate
    public var ambiguousRate: Double
    public var traces: TraceSummary?
    /// Accuracy by each level of N, d and ρ.
    public var byN: [(Double, Estimate)]
    public var byD: [(Double, Estimate)]
    public var byRho: [(Double, Estimate)]
    /// Accuracy per (N, ρ, d) cell.
    public var cells: [Cell: (correct: Int, total: Int)]
    public var uShape: UShape?
    /// Where accuracy falls to 50% along each load axis (CogniLoad's leaderboard columns): ECL50 in statements N,
    /// NT50 in needle percent ρ, ID50 in difficulty d. Nil: it does not fall to 50% along that axis (within twice
    /// the largest level for N and d, within 0…100 for ρ), or the axis has one level.
    public var ecl50: Estimate?
    public var nt50: Estimate?
    public var id50: Estimate?
    /// How the token counts were made ("server", "words", or "mixed: …" when one model's records disagree).
    public var tokenUnits: String

    public struct Cell: Hashable, Sendable {
        public var N: Int
        public var rho: Double
        public var d: Int
    }

    public struct TraceSummary: Sendable {
        public var grounding: Estimate
        public var repetition: Estimate
        public var copying: Estimate
        /// Truncated traces with repetition ≥ `Analysis.loopRepetition`, left out of the κ and α fits.
        public var loops: Int
    }

    /// Logistic fit of correctness on (1, ln N, d, r, r²) with r = (ρ − 50)/50, against the same without r²:
    /// curvature > 0 with the lower AIC is the U-shape in ρ (CogniLoad tests it the same way).
    public struct UShape: Sendable {
        public var curvature: Estimate
        public var aicQuadratic: Double
        public var aicLinear: Double
        /// ρ at the fitted minimum of accuracy (inside 0…100 when the U opens upward there).
        public var vertex: Double
        /// The ρ levels of the records.
        public var rhoRange: ClosedRange<Double>
        /// Whether the fit has a minimum inside the grid's ρ range.
        public var minimumInRange: Bool { curvature.value > 0 && rhoRange.contains(vertex) }
    }
}

public enum Analysis {
    public struct Options: Sendable {
        public var resamples = 1000
        /// Resamples for the two regressions (each refits by Newton's method).
        public var fitResamples = 200
        public var seed: UInt64 = 0
        public var traces = true
        public init() {}
    }

    /// A truncated trace with at least this share of repeated lines counts as a loop.
    public static let loopRepetition = 0.5

    /// Tokens of a record: the server's count, else words of the completion.
    static func tokens(_ r: Record) -> Double {
        if let t = r.completionTokens { return Double(t) }
        return Double((r.completion ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" }).count)
    }

    /// Groups records by model (records without one are "unnamed"), in first-appearance order.
    public static func byModel(_ records: [Record]) -> [(String, [Record])] {
        var order: [String] = [], groups: [String: [Record]] = [:]
        for r in records {
            let m = r.model ?? "unnamed"
            if groups[m] == nil { order.append(m) }
            groups[m, default: []].append(r)
        }
        return order.map { ($0, groups[$0]!) }
    }

    /// The full summary of one model's records (scored here if they are not yet).
    public static func summarize(
        model: String, _ input: [Record], options o: Options = Options()
    ) throws(FjordError) -> ModelSummary {
        let rs = input.filter { $0.completion != nil }.map { r -> Record in
            var r = r
            if r.correct == nil { r.score() }
            return r
        }
        let n = rs.count
        guard n > 0 else { throw .data("model \(model): no record has a completion") }
        let y = rs.map { $0.correct! }, c = rs.map { $0.completed! }
        let t = rs.map(tokens), w = rs.map(\.workload)
        let seed = instanceSeed(o.seed, fnv1a(model))
        // Columns: y, c, T, c·T/W, 1. Accuracy, C, Q, T̄, E and VO are all ratios of their sums.
        let yd = y.map { $0 ? 1.0 : 0 }, cd = c.map { $0 ? 1.0 : 0 }
        let vo = (0..<n).map { c[$0] ? t[$0] / w[$0] : 0 }
        let ones = [Double](repeating: 1, count: n)
        let e = Inference.bootstrapSums(
            columns: [yd, cd, t, vo, ones], resamples: o.resamples, seed: seed,
            statistics: [
                { $0[0] / $0[1] }, { $0[2] / $0[4] }, { 1000 * $0[0] / $0[2] }, { $0[3] / $0[1] },
            ])
        let (cond, tbar, eff, overhead) = (e[0], e[1], e[2], e[3])
        // Proportions: the exact bootstrap interval (binomial quantiles).
        let acc = Inference.bernoulliInterval(successes: y.filter { $0 }.count, n: n)
        let comp = Inference.bernoulliInterval(successes: c.filter { $0 }.count, n: n)
        // Trace measures first: a truncated trace that is mostly repeated lines is a loop, not verbosity, and says
        // nothing about how tokens grow with the workload; the two regressions leave such instances out.
        var measures: [TraceMeasures?] = Array(repeating: nil, count: n)
        if o.traces {
            for (i, r) in rs.enumerated() {
                guard let text = r.completion else { continue }
                let trace = (r.reasoning.map { $0 + "\n" } ?? "") + text
                if let prompt = r.prompt {
                    measures[i] = try? TraceMeasures(trace: trace, prompt: prompt)
                } else if let p = try? r.puzzle() {
                    measures[i] = TraceMeasures(trace: trace, puzzle: p)
                }
            }
        }
        let isLoop = (0..<n).map { !c[$0] && (measures[$0]?.repetition ?? 0) >= Analysis.loopRepetition }
        let positive = (0..<n).filter { t[$0] > 0 && !isLoop[$0] }
        let lx = positive.map { log(w[$0]) }, ly = positive.map { log(t[$0]) }, cens = positive.map { !c[$0] }
        let m = positive.count
        let kOLS = Inference.bootstrap(n: m, resamples: o.fitResamples, seed: seed &+ 6) { idx in
            let done = idx.filter { !cens[$0] }
            return Inference.ols(done.map { lx[$0] }, done.map { ly[$0] }).slope
        }
        // One bootstrap for both Tobit parameters: the same resamples give α's and κ's intervals.
        var alphas: [Double] = [], kappas: [Double] = []
        let tob = Inference.bootstrap(n: m, resamples: o.fitResamples, seed: seed &+ 7) { idx in
            let f = Inference.tobit(idx.map { lx[$0] }, idx.map { ly[$0] }, censored: idx.map { cens[$0] })
            alphas.append(exp(f.intercept))
            kappas.append(f.slope)
            return f.slope
        }
        let a0 = alphas.removeFirst()
        kappas.removeFirst()
        alphas = alphas.filter(\.isFinite).sorted()
        let alpha =
            alphas.isEmpty
            ? Estimate(a0, .nan, .nan)
            : Estimate(a0, Inference.quantile(alphas, 0.025), Inference.quantile(alphas, 0.975))

        var traces: ModelSummary.TraceSummary?
        let ms = measures.compactMap { $0 }
        if !ms.isEmpty {
            func est(_ v: [Double], _ k: UInt64) -> Estimate {
                Inference.bootstrapMean(v, resamples: o.resamples, seed: seed &+ k)
            }
            traces = .init(
                grounding: est(ms.map(\.grounding), 8), repetition: est(ms.map(\.repetition), 9),
                copying: est(ms.map(\.copying), 10), loops: isLoop.filter { $0 }.count)
        }

        func grouped(_ key: (Record) -> Double, _ k: UInt64) -> [(Double, Estimate)] {
            var groups: [Double: [Int]] = [:]
            for i in 0..<n { groups[key(rs[i]), default: []].append(i) }
            return groups.keys.sorted().map { v in
                let idx = groups[v]!
                return (v, Inference.bernoulliInterval(successes: idx.filter { y[$0] }.count, n: idx.count))
            }
        }
        var cells: [ModelSummary.Cell: (correct: Int, total: Int)] = [:]
        for (i, r) in rs.enumerated() {
            let key = ModelSummary.Cell(N: r.parameters.N, rho: r.parameters.rho, d: r.parameters.d)
            var v = cells[key] ?? (0, 0)
            v.total += 1
            if y[i] { v.correct += 1 }
            cells[key] = v
        }
        // Overflows generated nothing: 0 in any unit.
        let counted = rs.filter { $0.finishReason != "overflow" }
        let units = Dictionary(
            grouping: counted.isEmpty ? rs : counted,
            by: { r -> String in
                guard r.completionTokens != nil, let t = r.tokenizer else { return "words" }
                return t == "whitespace" ? "words" : t
            }
        ).mapValues(\.count)
        let tokenUnits =
            units.count == 1
            ? units.keys.first!
            : "mixed: " + units.keys.sorted().map { "\(units[$0]!) \($0)" }.joined(separator: ", ")
        let x = (
            n: rs.map { log(Double($0.parameters.N)) }, rho: rs.map(\.parameters.rho),
            d: rs.map { Double($0.parameters.d) }
        )
        let maxN = Double(rs.map(\.parameters.N).max()!), maxD = Double(rs.map(\.parameters.d).max()!)
        let ecl = threshold(x.n, y, upTo: log(2 * maxN), resamples: o.fitResamples, seed: seed &+ 14).map {
            Estimate(exp($0.value), exp($0.lo), exp($0.hi))
        }
        let nt = threshold(x.rho, y, within: 0...100, resamples: o.fitResamples, seed: seed &+ 15)
        let id = threshold(x.d, y, upTo: 2 * maxD, resamples: o.fitResamples, seed: seed &+ 16)
        return ModelSummary(
            model: model, count: n, failed: input.count - n, accuracy: acc, completion: comp, conditionalAccuracy: cond,
            meanTokens: tbar, efficiency: eff, overheadPerUnit: overhead, couplingOLS: kOLS, alpha: alpha,
            coupling: tob,
            ambiguousRate: Double(rs.filter { $0.ambiguous == true }.count) / Double(n), traces: traces,
            byN: grouped({ Double($0.parameters.N) }, 11), byD: grouped({ Double($0.parameters.d) }, 12),
            byRho: grouped({ $0.parameters.rho }, 13), cells: cells, uShape: uShape(rs, y), ecl50: ecl, nt50: nt,
            id50: id, tokenUnits: tokenUnits)
    }

    /// Where a logistic fit of correctness on `x` crosses 50%: −β₀/β₁, with a percentile-bootstrap interval over
    /// refits. Nil when `x` has one level, when accuracy does not fall as `x` grows (β₁ ≥ 0) unless `within` allows
    /// a crossing either way, or when the crossing lies past `upTo` or outside `within`.
    static func threshold(
        _ x: [Double], _ y: [Bool], upTo: Double = .infinity, within: ClosedRange<Double>? = nil, resamples: Int,
        seed: UInt64
    ) -> Estimate? {
        guard Set(x).count > 1, Set(y).count == 2 else { return nil }
        func crossing(_ idx: [Int]) -> Double? {
            guard let f = Inference.logistic(idx.map { [1, x[$0]] }, idx.map { y[$0] }) else { return nil }
            let (b0, b1) = (f.beta[0], f.beta[1])
            guard b1.isFinite, b1 != 0, within != nil || b1 < 0 else { return nil }
            let c = -b0 / b1
            guard c.isFinite, c <= upTo, within?.contains(c) ?? true else { return nil }
            return c
        }
        guard let v = crossing(Array(0..<x.count)) else { return nil }
        var rng = SplitMix64(seed: seed)
        var values: [Double] = []
        var idx = [Int](repeating: 0, count: x.count)
        for _ in 0..<resamples {
            for i in idx.indices { idx[i] = rng.below(x.count) }
            // A resample without a crossing counts as one past the range: it widens the interval to the range's edge.
            values.append(crossing(idx) ?? (within?.upperBound ?? upTo))
        }
        values.sort()
        return Estimate(v, Inference.quantile(values, 0.025), Inference.quantile(values, 0.975))
    }

    static func uShape(_ rs: [Record], _ y: [Bool]) -> ModelSummary.UShape? {
        // Three ρ levels, and both outcomes (all right or all wrong separates the data: no finite fit).
        guard Set(rs.map(\.parameters.rho)).count >= 3, Set(y).count == 2 else { return nil }
        var quad: [[Double]] = [], lin: [[Double]] = []
        let varyN = Set(rs.map(\.parameters.N)).count > 1, varyD = Set(rs.map(\.parameters.d)).count > 1
        for r in rs {
            let x = (r.parameters.rho - 50) / 50
            var row = [1.0]
            if varyN { row.append(log(Double(r.parameters.N))) }
            if varyD { row.append(Double(r.parameters.d)) }
            row.append(x)
            lin.append(row)
            quad.append(row + [x * x])
        }
        guard let q = Inference.logistic(quad, y), let l = Inference.logistic(lin, y) else { return nil }
        let b2 = q.beta.last!, b1 = q.beta[q.beta.count - 2]
        let z = 1.959963984540054
        return .init(
            curvature: Estimate(b2, b2 - z * q.se.last!, b2 + z * q.se.last!),
            aicQuadratic: 2 * Double(q.beta.count) - 2 * q.loglik, aicLinear: 2 * Double(l.beta.count) - 2 * l.loglik,
            vertex: 50 - 50 * b1 / (2 * b2), rhoRange: rs.map(\.parameters.rho).min()!...rs.map(\.parameters.rho).max()!
        )
    }
}

/// Comparisons across models.
public struct Comparison: Sendable {
    public var models: [ModelSummary]
    /// Spearman correlation between the accuracy ranking and the efficiency ranking.
    public var spearman: Double?
    /// Per model, ln E − ln E_best split into ln C, ln Q and −ln T̄ differences against the most efficient model.
    public var gaps: [(model: String, total: Double, completion: Double, conditional: Double, verbosity: Double)]

    public init(_ models: [ModelSummary]) {
        self.models = models
        spearman =
            models.count >= 3 ? Inference.spearman(models.map(\.accuracy.value), models.map(\.efficiency.value)) : nil
        guard let best = models.max(by: { $0.efficiency.value < $1.efficiency.value }) else {
            gaps = []
            return
        }
        gaps = models.map { m in
            let dc = log(m.completion.value / best.completion.value)
            let dq = log(m.conditionalAccuracy.value / best.conditionalAccuracy.value)
            let dt = -log(m.meanTokens.value / best.meanTokens.value)
            return (m.model, log(m.efficiency.value / best.efficiency.value), dc, dq, dt)
        }
    }
}
