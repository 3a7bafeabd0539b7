import Exchange
import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// Sign flip: every Byzantine sends −mean_H (byzfl's SignFlipping).
public struct SignFlipAttack: ByzantineAttack {
    public init() {}
    public var name: String { "sign-flip" }
    public mutating func rows(honest: Tensor, f: Int, rng: inout RNG) throws(FjordError) -> Tensor {
        tile(scaled(meanOfRows(honest, Array(0..<honest.shape[0])), -1), f)
    }
}
