import Exchange
import Kernel

/// Min-Max and Min-Sum (Shejwalkar and Houmansadr, NDSS 2021, "Manipulating the Byzantine"): every Byzantine
/// sends m = μ − γ·p, μ the mean of the h honest rows g_i and p a deviation direction, with the largest γ ≥ 0
/// that keeps m as close to the honest rows as they are to each other:
///
///     min-max: max_i ‖m − g_i‖   ≤ max_{i,j} ‖g_i − g_j‖
///     min-sum: Σ_i ‖m − g_i‖²    ≤ max_i Σ_j ‖g_i − g_j‖²
///
/// p is the unit mean μ/‖μ‖ (`unit`, the paper's code default), the per-coordinate standard deviation of the
/// honest rows, ddof 0 (`std`, blades' default), or sign(μ) (`sign`).
///
/// γ in closed form: ‖m − g_i‖² = a_i − 2γ b_i + γ² c with a_i = ‖μ − g_i‖², b_i = ⟨p, μ − g_i⟩, c = ‖p‖²,
/// so each constraint is a quadratic in γ that holds at γ = 0 (μ lies in the rows' hull) and its feasible
/// γ ≥ 0 are [0, γ*] with γ* the positive root; min-max takes the least root over i, min-sum the root of
/// the summed quadratic (Σ b_i = 0 there). The paper's code finds the same γ* by halving steps from γ = 10
/// until they fall below 10⁻⁵, which cannot pass 2·10 = 20: `gammaMax` (nil: none) reproduces that cap.
/// Sums are in double. p = 0 (identical rows, or μ = 0 for unit and sign) sends μ.
public struct DistanceAttack: ByzantineAttack {
    public enum Objective: String, Sendable { case minMax = "min-max", minSum = "min-sum" }
    public enum Deviation: String, CaseIterable, Sendable { case unit, std, sign }
    public var objective: Objective
    public var deviation: Deviation
    public var gammaMax: Double?
    /// γ of the last call (for tests and reports).
    public private(set) var lastGamma = 0.0

    public init(_ objective: Objective, deviation: Deviation = .std, gammaMax: Double? = nil) {
        self.objective = objective
        self.deviation = deviation
        self.gammaMax = gammaMax
    }
    public var name: String { objective.rawValue }

    public mutating func rows(honest: Tensor, f: Int, rng: inout RNG) throws(FjordError) -> Tensor {
        let h = honest.shape[0], d = honest.shape[1]
        guard h >= 2 else { throw .data("\(name): needs at least 2 honest rows") }
        var mu = [Double](repeating: 0, count: d)
        var p = [Double](repeating: 0, count: d)
        var a = [Double](repeating: 0, count: h), b = [Double](repeating: 0, count: h)
        var c = 0.0
        honest.withUnsafeBufferPointer { x in
            for i in 0..<h { for k in 0..<d { mu[k] += Double(x[i * d + k]) } }
            for k in 0..<d { mu[k] /= Double(h) }
            switch deviation {
            case .unit:
                let norm = mu.reduce(0) { $0 + $1 * $1 }.squareRoot()
                if norm > 0 { for k in 0..<d { p[k] = mu[k] / norm } }
            case .std:
                for k in 0..<d {
                    var v = 0.0
                    for i in 0..<h {
                        let e = Double(x[i * d + k]) - mu[k]
                        v += e * e
                    }
                    p[k] = (v / Double(h)).squareRoot()
                }
            case .sign:
                for k in 0..<d { p[k] = mu[k] > 0 ? 1 : mu[k] < 0 ? -1 : 0 }
            }
            c = p.reduce(0) { $0 + $1 * $1 }
            for i in 0..<h {
                var ai = 0.0, bi = 0.0
                for k in 0..<d {
                    let e = mu[k] - Double(x[i * d + k])
                    ai += e * e
                    bi += p[k] * e
                }
                a[i] = ai
                b[i] = bi
            }
        }
        let pair = squaredDistances(honest)
        // the largest γ ≥ 0 with a − 2γ b + γ² c ≤ bound (a ≤ bound holds at γ = 0)
        func root(_ a: Double, _ b: Double, _ bound: Double) -> Double {
            guard c > 0 else { return 0 }
            return (b + (b * b + c * max(bound - a, 0)).squareRoot()) / c
        }
        var gamma: Double
        switch objective {
        case .minMax:
            let bound = pair.max() ?? 0
            gamma = (0..<h).map { root(a[$0], b[$0], bound) }.min() ?? 0
        case .minSum:
            let bound = (0..<h).map { i in (0..<h).reduce(0) { $0 + pair[i * h + $1] } }.max() ?? 0
            // Σ_i (a_i − 2γ b_i + γ² c) with h·c as the quadratic coefficient
            let sa = a.reduce(0, +), sb = b.reduce(0, +)
            let hc = Double(h) * c
            gamma = hc > 0 ? (sb + (sb * sb + hc * max(bound - sa, 0)).squareRoot()) / hc : 0
        }
        if let cap = gammaMax { gamma = min(gamma, cap) }
        lastGamma = gamma
        var out = Tensor(uninitializedShape: [d])
        out.withUnsafeMutableBufferPointer { o in for k in 0..<d { o[k] = Float(mu[k] - gamma * p[k]) } }
        return tile(out, f)
    }
}
