import Exchange
import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// Inner-product manipulation (Xie, Koyejo, Gupta, UAI 2019): −ε·mean_H. With `mixtailor`, MixTailor's
/// ε-reverse: −(ε/f)·Σ_H g (so the Byzantine sum is −ε Σ_H g).
public struct IPMAttack: ByzantineAttack {
    public var epsilon: Double
    public var mixtailor: Bool
    public init(epsilon: Double, mixtailor: Bool = false) {
        self.epsilon = epsilon
        self.mixtailor = mixtailor
    }
    public var name: String { "ipm(ε=\(NumberFormat.short(epsilon)))" }
    public mutating func rows(honest: Tensor, f: Int, rng: inout RNG) throws(FjordError) -> Tensor {
        let h = honest.shape[0]
        let factor = mixtailor ? -epsilon * Double(h) / Double(max(f, 1)) : -epsilon
        return tile(scaled(meanOfRows(honest, Array(0..<h)), Float(factor)), f)
    }
}
