import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// How training rows are dealt out to workers. Every scheme is seeded and returns, per worker, the row
/// indices it holds (each row goes to exactly one worker).
public enum Partition: Sendable, Equatable {
    /// Shuffled, then dealt in near-equal contiguous parts.
    case iid
    /// For each class, proportions p ~ Dirichlet(α·1) over workers decide how its rows are shared
    /// (Hsu et al. 2019); small α is very non-iid.
    case dirichlet(alpha: Double)
    /// Worker k holds class k mod C; the rows of a class are shared evenly by the workers that hold it.
    /// With fewer workers than classes, worker k holds classes k, k+W, k+2W, … (MixTailor's non-iid setting).
    case oneClassPerWorker
    /// Worker k holds exactly rows `rows[k]` (a split made elsewhere: a federated set-up whose clients have their
    /// own data, say); `workers` must equal `rows.count`. The seed is not used.
    case given([[Int]])

    public func assign(labels: [Int32], classes: Int, workers: Int, seed: UInt64) -> [[Int]] {
        precondition(workers > 0)
        if case .given(let rows) = self {
            precondition(rows.count == workers, "a given partition of \(rows.count) parts for \(workers) workers")
            precondition(rows.allSatisfy { $0.allSatisfy { $0 >= 0 && $0 < labels.count } }, "given rows in range")
            return rows
        }
        var rng = RNG(seed: seed, stream: 0xDA7A)
        var parts = [[Int]](repeating: [], count: workers)
        switch self {
        case .iid:
            let order = rng.permutation(labels.count)
            let q = labels.count / workers, r = labels.count % workers
            var lo = 0
            for k in 0..<workers {
                let len = q + (k < r ? 1 : 0)
                parts[k] = Array(order[lo..<(lo + len)])
                lo += len
            }
        case .dirichlet(let alpha):
            precondition(alpha > 0, "Dirichlet α must be positive")
            for c in 0..<classes {
                var idx = labels.indices.filter { labels[$0] == Int32(c) }
                rng.shuffle(&idx)
                let g = (0..<workers).map { _ in Partition.gamma(alpha, &rng) }
                let total = g.reduce(0, +)
                var cut = 0
                var acc = 0.0
                for k in 0..<workers {
                    acc += g[k] / total
                    let end = k == workers - 1 ? idx.count : min(idx.count, Int((acc * Double(idx.count)).rounded()))
                    parts[k] += idx[cut..<max(cut, end)]
                    cut = max(cut, end)
                }
            }
            for k in 0..<workers { rng.shuffle(&parts[k]) }
        case .oneClassPerWorker:
            for c in 0..<classes {
                let holders = workers >= classes ? Array(stride(from: c, to: workers, by: classes)) : [c % workers]
                var idx = labels.indices.filter { labels[$0] == Int32(c) }
                rng.shuffle(&idx)
                for (j, i) in idx.enumerated() { parts[holders[j % holders.count]].append(i) }
            }
            for k in 0..<workers { rng.shuffle(&parts[k]) }
        case .given: break  // returned above
        }
        return parts
    }

    /// A Gamma(α, 1) draw (Marsaglia & Tsang 2000; α < 1 through Gamma(α+1)·U^{1/α}).
    static func gamma(_ alpha: Double, _ rng: inout RNG) -> Double {
        if alpha < 1 { return gamma(alpha + 1, &rng) * pow(max(rng.uniformDouble(), 1e-300), 1 / alpha) }
        let d = alpha - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            let x = Double(rng.normal())
            let v0 = 1 + c * x
            if v0 <= 0 { continue }
            let v = v0 * v0 * v0
            let u = rng.uniformDouble()
            if u < 1 - 0.0331 * x * x * x * x || log(max(u, 1e-300)) < 0.5 * x * x + d * (1 - v + log(v)) {
                return d * v
            }
        }
    }
}
