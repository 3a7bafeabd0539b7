import Kernel

/// The Kelly auction (a resource-allocation game; Antonakopoulos et al.'s test problem): N players bid xᵢ for a
/// resource of quantity Q with entry price Z; player i earns Q·Gᵢ·xᵢ/(Z + Σx) − xᵢ. The operator is minus each
/// player's marginal utility:
///
///     Aᵢ(x) = 1 − Gᵢ·Q·(Z + Σ_{j≠i} xⱼ) / (Z + Σ x)²
///
/// The default instance (G = 1.8, 2.0, 2.2, 2.4, Q = 1000, Z = 100) has the equilibrium
/// x* = (185.76, 326.15, 441.015, 536.735) (A(x*) ≈ 4·10⁻⁷ there, checked in the tests).
public struct KellyAuction: MonotoneOperator {
    public let g: [Double]
    public let q: Double, z: Double
    public let solution: [Float]?

    public init(
        g: [Double] = [1.8, 2.0, 2.2, 2.4], q: Double = 1000, z: Double = 100, solution: [Float]? = nil
    )
        throws(FjordError)
    {
        guard !g.isEmpty, g.allSatisfy({ $0 > 0 && $0.isFinite }), q > 0, z > 0, q.isFinite, z.isFinite else {
            throw .usage("Kelly auction: G, Q and Z must be finite and > 0")
        }
        self.g = g
        self.q = q
        self.z = z
        if let solution {
            self.solution = solution
        } else if g == [1.8, 2.0, 2.2, 2.4] && q == 1000 && z == 100 {
            self.solution = [185.76, 326.15, 441.015, 536.735]
        } else {
            self.solution = nil
        }
    }

    public var name: String { "Kelly auction, \(g.count) players" }
    public var dimension: Int { g.count }

    public func apply(_ x: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        var sum = 0.0
        for v in x { sum += Double(v) }
        let total = z + sum
        for i in 0..<g.count {
            out[i] = Float(1 - g[i] * q * (total - Double(x[i])) / (total * total))
        }
    }
}
