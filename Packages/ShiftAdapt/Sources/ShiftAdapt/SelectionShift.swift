import Kernel
import Learn

/// Covariate shift by feature-dependent sampling with a known ratio (the sample-selection bias of Shimodaira 2000 and
/// Huang et al. 2007), on any labelled data set. The rows are split (seeded) into a disjoint train pool and test pool;
/// client k has a direction u_k (seeded, unit length, in the standardised feature space) and scores each row by
/// t_k(x) = u_kᵀx̃ / sd(u_kᵀx̃); it draws its training rows with probability ∝ exp(β t_k(x)) from the train pool and its
/// test rows ∝ exp(−β t_k(x)) from the test pool, with replacement. p(y|x) is unchanged, so this is a covariate shift,
/// and the true ratio at any x follows from the sampling weights (the pools being samples of one law p₀):
///
///     p_tr,k(x) = e^{β t_k(x)} p₀(x) / Z_tr,k,   p_te,k(x) = e^{−β t_k(x)} p₀(x) / Z_te,k,
///     FITW: r_k(x) = p_te,k(x)/p_tr,k(x) = e^{−2β t_k(x)} Z_tr,k/Z_te,k,
///     FTW:  r_k(x) = (1/K) Σ_j p_te,j(x) / p_tr,k(x)
///
/// with Z the mean of the sampling weight over the whole data set (the pools' common law, estimated from all rows).
/// The log-ratio under FITW is linear in x̃, so the logistic domain classifier is well specified for it.
public enum SelectionShift {
    public static func split(
        _ data: Dataset, clients: Int = 3, beta: Double = 0.5, trainRows n: Int = 500, testRows t: Int = 200,
        testPoolFraction: Double = 0.3, seed: UInt64
    ) throws(FjordError) -> FederatedSplit {
        guard clients >= 1, beta.isFinite, beta >= 0, n >= 1, t >= 1, testPoolFraction > 0, testPoolFraction < 1 else {
            throw .usage("selection shift: ≥ 1 client, a finite β ≥ 0, ≥ 1 train and test row, a test pool in (0, 1)")
        }
        let d = data.dimension, rowsN = data.count
        let (mean, sd) = data.featureMoments()
        let x = data.features.scalars
        var rng = RNG(seed: seed, stream: 0x5E1)
        // per client, the standardised score t_k of every row
        var scores: [[Double]] = []
        for _ in 0..<clients {
            var u = (0..<d).map { _ in Double(rng.normal()) }
            let norm = u.reduce(0) { $0 + $1 * $1 }.squareRoot()
            u = u.map { $0 / norm }
            var s = (0..<rowsN).map { i in
                (0..<d).reduce(0.0) { acc, j in acc + u[j] * Double((x[i * d + j] - mean[j]) / (sd[j] > 0 ? sd[j] : 1))
                }
            }
            let m = s.reduce(0, +) / Double(rowsN)
            let v = (s.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(rowsN)).squareRoot()
            s = s.map { v > 0 ? ($0 - m) / v : 0 }
            scores.append(s)
        }
        let pools = FederatedSplit.pools(rowsN, testFraction: testPoolFraction, rng: &rng)
        func draw(_ count: Int, pool: [Int], weight: (Int) -> Double) -> [Int] {
            var cdf: [Double] = []
            var s = 0.0
            for i in pool {
                s += weight(i)
                cdf.append(s)
            }
            return (0..<count).map { _ in
                let u = rng.uniformDouble() * s
                var lo = 0, hi = cdf.count - 1
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if cdf[mid] <= u { lo = mid + 1 } else { hi = mid }
                }
                return pool[lo]
            }
        }
        var trainRows: [[Int]] = [], testRows: [[Int]] = []
        for k in 0..<clients {
            trainRows.append(draw(n, pool: pools.train) { exp(beta * scores[k][$0]) })
            testRows.append(draw(t, pool: pools.test) { exp(-beta * scores[k][$0]) })
        }
        // Z over all rows; the densities' ratio at row i of client k's training set
        let ztr = scores.map { s in s.reduce(0) { $0 + exp(beta * $1) } / Double(rowsN) }
        let zte = scores.map { s in s.reduce(0) { $0 + exp(-beta * $1) } / Double(rowsN) }
        func ptr(_ k: Int, _ i: Int) -> Double { exp(beta * scores[k][i]) / ztr[k] }
        func pte(_ k: Int, _ i: Int) -> Double { exp(-beta * scores[k][i]) / zte[k] }
        let own = (0..<clients).map { k in trainRows[k].map { pte(k, $0) / ptr(k, $0) } }
        let pooled = (0..<clients).map { k in
            trainRows[k].map { i in (0..<clients).reduce(0) { $0 + pte($1, i) } / Double(clients) / ptr(k, i) }
        }
        return FederatedSplit(
            name: "selection-\(data.name)", data: data, truth: .covariate(fitw: own, ftw: pooled),
            trainRows: trainRows, testRows: testRows)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
