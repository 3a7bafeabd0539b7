import Kernel

/// Seeded label-shift simulators: target priors drawn from a Dirichlet or set by tweaking one class, and target
/// samples drawn from a labelled pool to a given prior.
public enum PriorShift {
    /// q ~ Dirichlet(α·1_m) (Marsaglia–Tsang gamma variates; α < 1 by the boost Γ(α) = Γ(α + 1)·U^{1/α}).
    public static func dirichlet(alpha: Double, classes m: Int, rng: inout RNG) throws(FjordError) -> [Double] {
        guard alpha > 0, alpha.isFinite, m >= 1 else {
            throw .usage("the Dirichlet α must be a finite number > 0, not \(alpha)")
        }
        var g = (0..<m).map { _ in gamma(alpha, &rng) }
        let s = g.reduce(0, +)
        if s == 0 {  // every variate underflowed (tiny α): one class takes all the mass
            g = [Double](repeating: 0, count: m)
            g[rng.int(below: m)] = 1
            return g
        }
        return g.map { $0 / s }
    }

    static func gamma(_ a: Double, _ rng: inout RNG) -> Double {
        if a < 1 {
            let u = max(rng.uniformDouble(), 1e-300)
            return gamma(a + 1, &rng) * pow(u, 1 / a)
        }
        let d = a - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var x = 0.0, v = 0.0
            repeat {
                x = Double(rng.normal())
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = rng.uniformDouble()
            if u < 1 - 0.0331 * x * x * x * x || log(max(u, 1e-300)) < 0.5 * x * x + d * (1 - v + log(v)) {
                return d * v
            }
        }
    }

    /// Tweak-one (Lipton et al.): class `target` gets prior ρ, the others share 1 − ρ equally.
    public static func tweakOne(rho: Double, target: Int, classes m: Int) throws(FjordError) -> [Double] {
        guard rho >= 0, rho <= 1, target >= 0, target < m, m >= 2 else {
            throw .usage("tweak-one: ρ in [0, 1] and a class in 0..<\(m)")
        }
        return (0..<m).map { $0 == target ? rho : (1 - rho) / Double(m - 1) }
    }

    /// n indices into a labelled pool whose labels follow `prior`: the class counts are a multinomial draw, and
    /// each class's examples are drawn with replacement from the pool's examples of that class. Throws when a class
    /// with positive prior is absent from the pool.
    public static func sample(
        pool labels: [Int], prior: [Double], count n: Int, rng: inout RNG
    ) throws(FjordError) -> [Int] {
        let m = prior.count
        var byClass = [[Int]](repeating: [], count: m)
        for (i, y) in labels.enumerated() where y < m { byClass[y].append(i) }
        var cdf = [Double](repeating: 0, count: m)
        var s = 0.0
        for c in 0..<m {
            s += prior[c]
            cdf[c] = s
        }
        var out: [Int] = []
        out.reserveCapacity(n)
        for _ in 0..<n {
            let u = rng.uniformDouble() * s
            var c = 0
            while c < m - 1 && cdf[c] <= u { c += 1 }
            guard !byClass[c].isEmpty else {
                throw .data("the pool has no example of class \(c), whose prior is \(prior[c])")
            }
            out.append(byClass[c][rng.int(below: byClass[c].count)])
        }
        return out
    }
}

#if canImport(Glibc)
    import Glibc
#endif
