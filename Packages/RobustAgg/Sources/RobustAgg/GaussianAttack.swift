import Exchange
import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// Gaussian noise: each Byzantine row ~ N(0, σ² I) (MixTailor uses σ = 200).
public struct GaussianAttack: ByzantineAttack {
    public var sigma: Double
    public init(sigma: Double = 200) { self.sigma = sigma }
    public var name: String { "gaussian(σ=\(NumberFormat.short(sigma)))" }
    public mutating func rows(honest: Tensor, f: Int, rng: inout RNG) throws(FjordError) -> Tensor {
        scaled(rng.tensor([f, honest.shape[1]], .normal), Float(sigma))
    }
}
