import Exchange
import Kernel

/// Rules that search every subset S of n − f rows for the most tightly packed one and average it:
///
///  - MDA, minimum-diameter averaging (El Mhamdi, Guerraoui, Rouault 2020; byzfl's `MDA`): S minimising
///    max_{i,j∈S} ‖x_i − x_j‖;
///  - SMEA, smallest-maximum-eigenvalue averaging (Allouah et al., NeurIPS 2023): S minimising the largest
///    eigenvalue of the empirical covariance (1/|S|) Σ_{i∈S} (x_i − x̄_S)(x_i − x̄_S)ᵀ.
///
/// Both see the rows only through the pairwise distances (exact ones, `squaredDistances`): the covariance's nonzero
/// eigenvalues are those of the |S|×|S| centred Gram matrix −½·J D_S J (J = I − 11ᵀ/|S|) divided by |S|, found
/// exactly by Jacobi rotations. byzfl estimates SMEA's eigenvalue with one power-iteration step from a random
/// vector, so its choice can differ from the definition's; this one is exact and deterministic. Subsets are visited
/// in itertools.combinations order and ties keep the first, as byzfl does. Needs 2f < n; the search is C(n, f)
/// subsets, refused above 10⁷.
public struct SubsetRule: AggregationRule {
    public enum Criterion: String, Sendable { case diameter = "mda", eigenvalue = "smea" }
    public var f: Int
    public var criterion: Criterion
    public init(f: Int, criterion: Criterion) {
        self.f = f
        self.criterion = criterion
    }
    public var name: String { criterion.rawValue }

    public mutating func aggregate(_ stack: Tensor, rng: inout RNG) throws(FjordError) -> Tensor {
        let (n, _) = try checkShape(stack, rule: name)
        guard f >= 0 && 2 * f < n else { throw .usage("\(name): needs 2f < n, got n = \(n), f = \(f)") }
        let count = binomial(n, f)
        guard count <= 10_000_000 else {
            throw .usage(
                "\(name): C(n, f) = C(\(n), \(f)) subsets to search (more than 10⁷); use a smaller f or another rule")
        }
        let dist = squaredDistances(stack)
        try refuseNonFinite(stack, rule: name, unlessFinite: dist)
        let k = n - f
        var subset = Array(0..<k)
        var best = subset, bestScore = Double.infinity
        var block = [Double](repeating: 0, count: k * k)
        while true {
            let score = criterion == .diameter ? diameter(subset, dist, n) : largestEigenvalue(subset, dist, n, &block)
            if score < bestScore {
                bestScore = score
                best = subset
            }
            // the next combination in lexicographic order, as itertools.combinations(range(n), k)
            var i = k - 1
            while i >= 0 && subset[i] == n - k + i { i -= 1 }
            if i < 0 { break }
            subset[i] += 1
            for j in (i + 1)..<k { subset[j] = subset[j - 1] + 1 }
        }
        return meanOfRows(stack, best)
    }

    /// The largest squared distance inside the subset (the square is monotone: same argmin as the diameter).
    func diameter(_ s: [Int], _ dist: [Double], _ n: Int) -> Double {
        var worst = 0.0
        for a in 0..<s.count { for b in (a + 1)..<max(s.count, a + 1) { worst = max(worst, dist[s[a] * n + s[b]]) } }
        return worst
    }

    /// λ_max of the subset's covariance: the centred Gram −½·J D_S J over |S| (the 1/|S| factor is common to all
    /// subsets but kept so the value is the covariance's).
    func largestEigenvalue(_ s: [Int], _ dist: [Double], _ n: Int, _ block: inout [Double]) -> Double {
        let k = s.count
        var rowMean = [Double](repeating: 0, count: k), all = 0.0
        for a in 0..<k {
            for b in 0..<k {
                let v = dist[s[a] * n + s[b]]
                block[a * k + b] = v
                rowMean[a] += v / Double(k)
            }
            all += rowMean[a] / Double(k)
        }
        for a in 0..<k {
            for b in 0..<k { block[a * k + b] = -0.5 * (block[a * k + b] - rowMean[a] - rowMean[b] + all) }
        }
        return (symmetricEigenvalues(block, n: k).last ?? 0) / Double(k)
    }
}

extension SubsetRule: RowBounded {
    public func accepts(rows n: Int) -> Bool { 2 * f < n && binomial(n, f) <= 10_000_000 }
}

/// C(n, k), saturating at Int.max.
func binomial(_ n: Int, _ k: Int) -> Int {
    guard k >= 0 && k <= n else { return 0 }
    var r = 1
    for i in 0..<min(k, n - k) {
        let (m, overflow) = r.multipliedReportingOverflow(by: n - i)
        if overflow { return .max }
        r = m / (i + 1)
    }
    return r
}
