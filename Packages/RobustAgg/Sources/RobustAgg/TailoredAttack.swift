import Exchange
import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// The tailored (adaptive) attacker of MixTailor: picks ε from a grid to minimise ⟨A(H ∪ f·ipm_ε), mean_H⟩ for
/// a known rule A, or summed over every rule of a pool (it knows the pool, not the step's draw). ipm_ε is Xie et
/// al.'s −ε·mean_H, or with `mixtailorScale` MixTailor's ε-reverse −(ε/f)·Σ_H.
public struct TailoredAttack: ByzantineAttack {
    public var targets: [any AggregationRule]
    public var grid: [Double]
    public var mixtailorScale: Bool
    public var lastEpsilon = 0.0
    public init(targets: [any AggregationRule], grid: [Double] = [0.1, 0.5, 1, 10, 100], mixtailorScale: Bool = false) {
        self.targets = targets
        self.grid = grid
        self.mixtailorScale = mixtailorScale
    }
    public var name: String {
        targets.count == 1 ? "tailored(\(targets[0].name))" : "tailored(pool of \(targets.count))"
    }

    public mutating func rows(honest: Tensor, f: Int, rng: inout RNG) throws(FjordError) -> Tensor {
        let h = honest.shape[0]
        let mean = meanOfRows(honest, Array(0..<h))
        var best = (eps: grid[0], score: Double.infinity, rows: honest)
        for eps in grid {
            var ipm = IPMAttack(epsilon: eps, mixtailor: mixtailorScale)
            let bad = try ipm.rows(honest: honest, f: f, rng: &rng)
            let all = try stackRows(honest, bad)
            var score = 0.0
            for k in targets.indices {
                var r = targets[k]
                var probe = RNG(seed: 0xA77AC)
                guard let agg = try? r.aggregate(all, rng: &probe) else { continue }
                score += Double(BLAS.dot(agg.count, agg.scalars, mean.scalars))
            }
            if score < best.score { best = (eps, score, bad) }
        }
        lastEpsilon = best.eps
        return best.rows
    }
}
