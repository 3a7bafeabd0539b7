import Exchange
import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// The adaptive attack as MixTailor's code composes it (`Adaptive` in dbqf/attacks/attacks.py): for each pool
/// member A its own ε*(A) = argmin_ε ⟨A(H ∪ f·a_ε), mean_H⟩ with a_ε = −(ε/f)·Σ_H, then every Byzantine row is
/// −(1/f)·Σ_A a_{ε*(A)} = (Σ_A ε*(A) / f²)·Σ_H. The final sign flip turns the attack into a scaled-up honest
/// gradient; this is here to reproduce the paper's numbers, `tailored-pool` is the attack as the text describes it.
public struct PaperAdaptiveAttack: ByzantineAttack {
    public var targets: [any AggregationRule]
    public var grid: [Double]
    public init(targets: [any AggregationRule], grid: [Double] = [0.1, 0.5, 1, 10, 100]) {
        self.targets = targets
        self.grid = grid
    }
    public var name: String { "adaptive-paper(pool of \(targets.count))" }

    public mutating func rows(honest: Tensor, f: Int, rng: inout RNG) throws(FjordError) -> Tensor {
        var epsilonSum = 0.0
        for target in targets {
            var one = TailoredAttack(targets: [target], grid: grid, mixtailorScale: true)
            _ = try one.rows(honest: honest, f: f, rng: &rng)
            epsilonSum += one.lastEpsilon
        }
        let h = honest.shape[0]
        let fd = Double(max(f, 1))
        return tile(scaled(meanOfRows(honest, Array(0..<h)), Float(epsilonSum * Double(h) / (fd * fd))), f)
    }
}
