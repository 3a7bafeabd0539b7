import Exchange
import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// A little is enough (Baruch, Baruch, Goldberg, NeurIPS 2019): per coordinate μ_j − z σ_j over the honest rows
/// (σ with ddof 1). z from the paper: s = ⌊n/2 + 1⌋ − f, z = Φ⁻¹((n − s)/n); the common variant (epfml, blades)
/// uses Φ⁻¹((n − f − s)/(n − f)), which is 0 for n = 12, f = 2. `z` overrides both.
public struct ALIEAttack: ByzantineAttack {
    public enum Variant: String, Sendable { case paper, variant }
    public var variant: Variant
    public var z: Double?
    public var plus: Bool
    public init(variant: Variant = .paper, z: Double? = nil, plus: Bool = false) {
        self.variant = variant
        self.z = z
        self.plus = plus
    }
    public var name: String { "alie" }

    public static func zmax(n: Int, f: Int, variant: Variant) -> Double {
        let s = n / 2 + 1 - f
        let q = variant == .paper ? Double(n - s) / Double(n) : Double(n - f - s) / Double(n - f)
        return Normal.quantile(q)
    }

    public mutating func rows(honest: Tensor, f: Int, rng: inout RNG) throws(FjordError) -> Tensor {
        let h = honest.shape[0], d = honest.shape[1]
        guard h >= 2 else { throw .data("alie: needs at least 2 honest rows for a standard deviation") }
        let zz = z ?? ALIEAttack.zmax(n: h + f, f: f, variant: variant)
        var out = Tensor(uninitializedShape: [d])
        honest.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { o in
                for k in 0..<d {
                    var m = 0.0
                    for i in 0..<h { m += Double(x[i * d + k]) }
                    m /= Double(h)
                    var v = 0.0
                    for i in 0..<h {
                        let e = Double(x[i * d + k]) - m
                        v += e * e
                    }
                    let sd = (v / Double(h - 1)).squareRoot()
                    o[k] = Float(plus ? m + zz * sd : m - zz * sd)
                }
            }
        }
        return tile(out, f)
    }
}
