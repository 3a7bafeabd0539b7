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

    /// Throws `.usage` where the paper's z is undefined: s = ⌊n/2 + 1⌋ − f ≤ 0 (f at least half the workers), or
    /// a quantile level outside (0, 1).
    public static func zmax(n: Int, f: Int, variant: Variant) throws(FjordError) -> Double {
        let s = n / 2 + 1 - f
        guard s >= 1, n > f else {
            throw .usage("alie: s = ⌊n/2 + 1⌋ − f = \(s) for n = \(n), f = \(f): z is defined only while f < n/2 + 1")
        }
        let q = variant == .paper ? Double(n - s) / Double(n) : Double(n - f - s) / Double(n - f)
        guard q > 0 && q < 1 else {
            throw .usage("alie: the quantile level \(q) for n = \(n), f = \(f) is outside (0, 1); give z explicitly")
        }
        return Normal.quantile(q)
    }

    public mutating func rows(honest: Tensor, f: Int, rng: inout RNG) throws(FjordError) -> Tensor {
        let h = honest.shape[0], d = honest.shape[1]
        guard h >= 2 else { throw .data("alie: needs at least 2 honest rows for a standard deviation") }
        let zz: Double
        if let z { zz = z } else { zz = try ALIEAttack.zmax(n: h + f, f: f, variant: variant) }
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
