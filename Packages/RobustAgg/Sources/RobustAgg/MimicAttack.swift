import Exchange
import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// Mimic: every Byzantine copies honest worker 0's gradient.
public struct MimicAttack: ByzantineAttack {
    public init() {}
    public var name: String { "mimic" }
    public mutating func rows(honest: Tensor, f: Int, rng: inout RNG) throws(FjordError) -> Tensor {
        tile(selectRows(honest, [0]).reshaped([honest.shape[1]]), f)
    }
}
