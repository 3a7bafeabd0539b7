import CRobust
import Synchronization
import Kernel
import Exchange
#if canImport(Glibc)
import Glibc
#endif

/// Coordinate-wise median (Yin et al. 2018). Even n: the average of the two middle values (numpy's
/// `np.median`, byzfl), or with `lower` the lower one (torch.median, MixTailor's CoMed).
public struct MedianRule: AggregationRule {
    public var lower: Bool
    /// Threads over column ranges (the result does not depend on it).
    public var threads: Int
    public init(lower: Bool = false, threads: Int = 1) {
        self.lower = lower
        self.threads = threads
    }
    public var name: String { lower ? "median-lower" : "median" }

    public mutating func aggregate(_ stack: Tensor, rng: inout RNG) throws(FjordError) -> Tensor {
        let (n, _) = try checkShape(stack, rule: name)
        let (lo, hi) = n % 2 == 1 ? (n / 2, n / 2 + 1) : (lower ? (n / 2 - 1, n / 2) : (n / 2 - 1, n / 2 + 1))
        return try rankMean(stack, lo, hi, rule: name, threads: threads)
    }
}

/// Coordinate-wise trimmed mean (Yin et al. 2018): per coordinate drop the b largest and b smallest values and
/// average the other n − 2b (byzfl's TrMean with b = f; Flower's β = b/n).
public struct TrimmedMeanRule: AggregationRule {
    public var trim: Int
    /// Threads over column ranges (the result does not depend on it).
    public var threads: Int
    public init(trim: Int, threads: Int = 1) {
        self.trim = trim
        self.threads = threads
    }
    public var name: String { "trimmed-mean(b=\(trim))" }

    public mutating func aggregate(_ stack: Tensor, rng: inout RNG) throws(FjordError) -> Tensor {
        let (n, _) = try checkShape(stack, rule: name)
        guard trim >= 0 && 2 * trim < n else { throw .usage("trimmed mean: need 2b < n, got b = \(trim), n = \(n)") }
        return try rankMean(stack, trim, n - trim, rule: name, threads: threads)
    }
}

/// Mean of sorted ranks lo..<hi per coordinate, through the C column-selection kernel.
func rankMean(_ x: Tensor, _ lo: Int, _ hi: Int, rule: String, threads: Int = 1) throws(FjordError) -> Tensor {
    let n = x.shape[0], d = x.shape[1]
    var out = Tensor(uninitializedShape: [d])
    // columns are independent: any split gives the same bits; a share per thread, in whole 128-column tiles
    let share = max(128, ((d + max(threads, 1) - 1) / max(threads, 1) + 127) / 128 * 128)
    let bad = Mutex(false)
    x.withUnsafeBufferPointer { v in
        out.withUnsafeMutableBufferPointer { o in
            let (src, dst) = (UnsafeSendablePointer(readOnly: v.baseAddress!), UnsafeSendablePointer(o.baseAddress!))
            forEachChunk(count: d, width: share, threads: threads) { _, cols in
                var scratch = [Float](repeating: 0, count: n * 256 * 2)
                let flag = scratch.withUnsafeMutableBufferPointer {
                    fjr_rank_mean(src.pointer + cols.lowerBound, n, d, cols.count, lo, hi, dst.pointer + cols.lowerBound, $0.baseAddress)
                }
                if flag != 0 { bad.withLock { $0 = true } }
            }
        }
    }
    if bad.withLock({ $0 }) { try refuseNonFinite(x, rule: rule) }
    return out
}

/// signSGD with majority vote (Bernstein, Zhao, Azizzadenesheli, Anandkumar; ICLR 2019): per coordinate
/// sign(Σ_i sign(x_i)) ∈ {−1, 0, +1} (0 on a tie or where every worker sent 0). Workers and server exchange one
/// bit per coordinate (Quant's `signsgd` codec on the way up); the step size lives in the optimizer. Tolerates a
/// minority of workers flipping signs, not one that outvotes them.
public struct SignMajorityRule: AggregationRule {
    public init() {}
    public var name: String { "sign-majority" }

    public mutating func aggregate(_ stack: Tensor, rng: inout RNG) throws(FjordError) -> Tensor {
        let (n, d) = try checkStack(stack, rule: name)
        var votes = [Int32](repeating: 0, count: d)
        var out = Tensor(uninitializedShape: [d])
        stack.withUnsafeBufferPointer { v in
            votes.withUnsafeMutableBufferPointer { t in
                for i in 0..<n {
                    let row = v.baseAddress! + i * d
                    for j in 0..<d { t[j] += (row[j] > 0 ? 1 : 0) - (row[j] < 0 ? 1 : 0) }
                }
            }
            out.withUnsafeMutableBufferPointer { o in
                for j in 0..<d { o[j] = votes[j] > 0 ? 1 : (votes[j] < 0 ? -1 : 0) }
            }
        }
        return out
    }
}

/// Krum and Multi-Krum (Blanchard et al., NeurIPS 2017): score(i) = Σ of the distances from x_i to its k nearest
/// other rows; Krum returns the row of least score, Multi-Krum the mean of the m least (ties: lowest index).
/// Defaults are the paper's: k = n − f − 2 and squared ℓ2 distances (Flower, MixTailor's count; byzfl uses
/// n − f − 1). MixTailor's pool uses unsquared ℓp distances, p = 1…16 (`p:`, `squared: false`).
public struct KrumRule: AggregationRule {
    public var f: Int
    public var m: Int
    public var neighbours: Neighbours
    public var p: Double
    public var squared: Bool
    /// Inside Bulyan's selection rounds the remaining set shrinks below 2f + 3; like Flower, use
    /// k = max(1, n − f − 2) there instead of refusing.
    public var relaxed = false
    public enum Neighbours: String, Sendable { case paper, byzfl }

    public init(f: Int, m: Int = 1, neighbours: Neighbours = .paper, p: Double = 2, squared: Bool = true) {
        self.f = f
        self.m = m
        self.neighbours = neighbours
        self.p = p
        self.squared = squared
    }

    public var name: String { (m == 1 ? "krum" : "multi-krum(m=\(m))") + (p != 2 || !squared ? "(l\(Int(p)))" : "") }

    /// Scores of every row and the order of rows by score (ties by index).
    public func scores(_ stack: Tensor) throws(FjordError) -> [Double] {
        let (n, _) = try checkShape(stack, rule: name)
        guard relaxed || n > 2 * f + 2 else { throw .usage("\(name): needs n > 2f + 2, got n = \(n), f = \(f)") }
        let dist = p == 2 && squared ? squaredDistances(stack) : lpDistances(stack, p: p).map { squared ? $0 * $0 : $0 }
        try refuseNonFinite(stack, rule: name, unlessFinite: dist)  // the distances are the NaN/inf check
        return scores(distances: dist, n: n, rows: Array(0..<n))
    }

    /// Scores of the rows `rows` among themselves, from the n×n distance matrix of a larger stack (as the rule
    /// would score the sub-stack of those rows; Bulyan's selection rounds reuse one matrix this way).
    func scores(distances dist: [Double], n: Int, rows: [Int]) -> [Double] {
        let m = rows.count
        let k = min(m - 1, max(1, neighbours == .paper ? m - f - 2 : m - f - 1))
        return rows.map { i in
            var row = rows.filter { $0 != i }.map { dist[i * n + $0] }
            row.sort()
            return row[0..<k].reduce(0, +)
        }
    }

    public func selected(_ stack: Tensor) throws(FjordError) -> [Int] {
        let s = try scores(stack)
        guard m >= 1 && m <= s.count else { throw .usage("\(name): m must be between 1 and n = \(s.count)") }
        return Array(s.indices.sorted { s[$0] != s[$1] ? s[$0] < s[$1] : $0 < $1 }.prefix(m))
    }

    public mutating func aggregate(_ stack: Tensor, rng: inout RNG) throws(FjordError) -> Tensor {
        meanOfRows(stack, try selected(stack))
    }
}

/// Bulyan (El Mhamdi, Guerraoui, Rouault, ICML 2018): select θ = n − 2f rows by repeating a selection rule
/// (Krum by default) on the rows not yet selected, each time taking the row nearest (ℓ2) to the rule's output;
/// then per coordinate average the β = θ − 2f selected values closest to their median. Needs n ≥ 4f + 3.
/// MixTailor's variants combine a selection rule and a final rule from {krum, geomed, median, mean}.
public struct BulyanRule: AggregationRule {
    public var f: Int
    public var selection: String
    public var final: String
    public init(f: Int, selection: String = "krum", final: String = "closest-to-median") {
        self.f = f
        self.selection = selection
        self.final = final
    }
    public var name: String { selection == "krum" && final == "closest-to-median" ? "bulyan" : "bulyan(\(selection),\(final))" }

    func rule(_ s: String, f: Int) throws(FjordError) -> any AggregationRule {
        switch s {
        case "krum": return KrumRule(f: f)
        case "geomed": return GeometricMedianRule()
        case "median": return MedianRule()
        case "mean": return MeanRule()
        default: throw .usage("bulyan: unknown rule '\(s)' (krum, geomed, median, mean)")
        }
    }

    public mutating func aggregate(_ stack: Tensor, rng: inout RNG) throws(FjordError) -> Tensor {
        let (n, d) = try checkStack(stack, rule: name)
        guard n >= 4 * f + 3 else { throw .usage("bulyan: needs n ≥ 4f + 3, got n = \(n), f = \(f)") }
        let theta = n - 2 * f, beta = theta - 2 * f
        var remaining = Array(0..<n)
        var chosen: [Int] = []
        // Krum selection: one distance matrix for all θ rounds, each scoring the remaining rows among themselves
        let dist = selection == "krum" ? squaredDistances(stack) : []
        while chosen.count < theta {
            let pick: Int
            if selection == "krum" {
                var k = KrumRule(f: f)
                k.relaxed = true
                let s = k.scores(distances: dist, n: n, rows: remaining)
                pick = s.indices.min { s[$0] != s[$1] ? s[$0] < s[$1] : $0 < $1 }!
            } else {
                let sub = selectRows(stack, remaining)
                var r = try rule(selection, f: f)
                pick = nearestRow(sub, try r.aggregate(sub, rng: &rng))
            }
            chosen.append(remaining.remove(at: pick))
        }
        let s = selectRows(stack, chosen)
        switch final {
        case "closest-to-median":
            var out = Tensor(uninitializedShape: [d])
            var scratch = [Float](repeating: 0, count: theta * 256 * 2)
            s.withUnsafeBufferPointer { v in out.withUnsafeMutableBufferPointer { o in scratch.withUnsafeMutableBufferPointer {
                fjr_closest_to_median_mean(v.baseAddress, theta, d, beta, o.baseAddress, $0.baseAddress)
            } } }
            return out
        default:
            var r = try rule(final, f: f)
            return try r.aggregate(s, rng: &rng)
        }
    }
}

/// Index of the row nearest (ℓ2) to a vector (ties: lowest index).
func nearestRow(_ x: Tensor, _ target: Tensor) -> Int {
    let n = x.shape[0], d = x.shape[1]
    return x.withUnsafeBufferPointer { v in target.withUnsafeBufferPointer { t in
        var best = 0, bestD = Double.infinity
        for i in 0..<n {
            var s = 0.0
            for k in 0..<d { let e = Double(v[i * d + k] - t[k]); s += e * e }
            if s < bestD { bestD = s; best = i }
        }
        return best
    } }
}

/// Centered clipping (Karimireddy, He, Jaggi, ICML 2021): from v₀ = the previous aggregate (0 at first),
/// L times v ← v + (1/n) Σ (x_i − v) · min(1, τ / ‖x_i − v‖). Stateful: keeps v between steps.
public struct CenteredClippingRule: AggregationRule {
    public var tau: Double
    public var iterations: Int
    var previous: Tensor?
    public init(tau: Double = 100, iterations: Int = 1) {
        self.tau = tau
        self.iterations = iterations
    }
    public var name: String { "centered-clipping(τ=\(tau), L=\(iterations))" }

    public mutating func aggregate(_ stack: Tensor, rng: inout RNG) throws(FjordError) -> Tensor {
        let (n, d) = try checkStack(stack, rule: name)
        guard tau > 0 else { throw .usage("centered clipping: τ must be positive") }
        var v = previous ?? Tensor(zeros: [d])
        if v.count != d { v = Tensor(zeros: [d]) }
        for _ in 0..<iterations {
            var delta = [Double](repeating: 0, count: d)
            stack.withUnsafeBufferPointer { x in v.withUnsafeBufferPointer { vp in
                for i in 0..<n {
                    var nrm = 0.0
                    for k in 0..<d { let e = Double(x[i * d + k] - vp[k]); nrm += e * e }
                    let c = min(1, tau / max(nrm.squareRoot(), 1e-30))
                    for k in 0..<d { delta[k] += Double(x[i * d + k] - vp[k]) * c }
                }
            } }
            v.withUnsafeMutableBufferPointer { vp in for k in 0..<d { vp[k] += Float(delta[k] / Double(n)) } }
        }
        previous = v
        return v
    }
}

/// Nearest-neighbour mixing (Allouah et al., AISTATS 2023) as a pre-rule: each row becomes the mean of its
/// n − f nearest rows (itself included, squared ℓ2), then the inner rule aggregates the mixed stack.
public struct NNMRule: AggregationRule {
    public var f: Int
    public var inner: any AggregationRule
    public init(f: Int, inner: any AggregationRule) {
        self.f = f
        self.inner = inner
    }
    public var name: String { "nnm+" + inner.name }

    public mutating func aggregate(_ stack: Tensor, rng: inout RNG) throws(FjordError) -> Tensor {
        let (n, d) = try checkStack(stack, rule: name)
        guard f >= 0 && f < n else { throw .usage("nnm: needs 0 ≤ f < n") }
        let dist = squaredDistances(stack)
        var mixed = Tensor(uninitializedShape: [n, d])
        for i in 0..<n {
            let near = (0..<n).sorted { dist[i * n + $0] != dist[i * n + $1] ? dist[i * n + $0] < dist[i * n + $1] : $0 < $1 }.prefix(n - f)
            setRow(&mixed, i, to: meanOfRows(stack, Array(near)))
        }
        return try inner.aggregate(mixed, rng: &rng)
    }
}

/// Bucketing (Karimireddy, He & Jaggi, "Byzantine-robust learning on heterogeneous datasets via bucketing", ICLR 2022)
/// as a pre-rule for non-iid workers: the rows are randomly permuted (with the step's shared `rng`, so every worker
/// permutes alike), split into ⌈n/s⌉ buckets of s consecutive rows (the last may be smaller), each bucket is averaged,
/// and the inner rule aggregates the bucket means. Averaging s honest gradients shrinks their heterogeneity by about
/// √s while f Byzantine rows still spoil at most f buckets, so the inner rule keeps its f but sees only ⌈n/s⌉ rows
/// (its own bounds apply to that count: Krum needs ⌈n/s⌉ > 2f + 2).
public struct BucketingRule: AggregationRule {
    public var s: Int
    public var inner: any AggregationRule
    public init(s: Int, inner: any AggregationRule) {
        self.s = s
        self.inner = inner
    }
    public var name: String { "bucketing(s=\(s))+" + inner.name }

    public mutating func aggregate(_ stack: Tensor, rng: inout RNG) throws(FjordError) -> Tensor {
        let (n, d) = try checkStack(stack, rule: name)
        guard s >= 1 else { throw .usage("bucketing: needs s ≥ 1, got \(s)") }
        let order = rng.permutation(n)
        let buckets = (n + s - 1) / s
        var means = Tensor(uninitializedShape: [buckets, d])
        for b in 0..<buckets {
            setRow(&means, b, to: meanOfRows(stack, Array(order[(b * s)..<min(n, b * s + s)])))
        }
        return try inner.aggregate(means, rng: &rng)
    }
}

/// A rule defined only from some number of rows on (its bound; `aggregate` refuses fewer with exit 64).
/// MixTailor uses it to draw only among the pool members defined for the stack at hand.
public protocol RowBounded {
    func accepts(rows n: Int) -> Bool
}

extension KrumRule: RowBounded {
    public func accepts(rows n: Int) -> Bool { relaxed || n > 2 * f + 2 }
}

extension BulyanRule: RowBounded {
    public func accepts(rows n: Int) -> Bool { n >= 4 * f + 3 }
}

extension TrimmedMeanRule: RowBounded {
    public func accepts(rows n: Int) -> Bool { 2 * trim < n }
}
