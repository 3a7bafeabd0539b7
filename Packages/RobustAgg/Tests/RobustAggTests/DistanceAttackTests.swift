import Kernel
import Testing

@testable import RobustAgg

/// Min-Max and Min-Sum against their definitions: the γ found satisfies the constraint, a slightly larger one
/// breaks it, the paper code's bisection reaches the same γ, and a hand-made pair has γ = 1.
@Suite struct DistanceAttackTests {
    func distances(_ m: [Double], _ rows: [[Double]]) -> [Double] {
        rows.map { r in zip(m, r).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
    }

    /// Whether μ − γp meets the objective's constraint on `rows`.
    func feasible(
        _ objective: DistanceAttack.Objective, _ gamma: Double, mu: [Double], p: [Double], rows: [[Double]]
    )
        -> Bool
    {
        let m = zip(mu, p).map { $0 - gamma * $1 }
        let pair = rows.map { distances($0, rows) }
        switch objective {
        case .minMax: return distances(m, rows).max()! <= pair.flatMap { $0 }.max()! * (1 + 1e-12)
        case .minSum: return distances(m, rows).reduce(0, +) <= pair.map { $0.reduce(0, +) }.max()! * (1 + 1e-12)
        }
    }

    @Test func gammaIsTheLargestFeasibleAndMatchesThePapersBisection() throws {
        var rng = RNG(seed: 21)
        for objective in [DistanceAttack.Objective.minMax, .minSum] {
            for deviation in DistanceAttack.Deviation.allCases {
                let h = 6, d = 9
                let x = Tensor(shape: [h, d], values: (0..<(h * d)).map { _ in rng.normal() + 0.3 })
                var attack = DistanceAttack(objective, deviation: deviation)
                let out = try attack.rows(honest: x, f: 2, rng: &rng)
                let rows = (0..<h).map { i in (0..<d).map { Double(x[flat: i * d + $0]) } }
                let mu = (0..<d).map { k in rows.reduce(0) { $0 + $1[k] } / Double(h) }
                let gamma = attack.lastGamma
                #expect(gamma > 0)
                // the direction the row was sent along, recovered: p = (μ − m) / γ
                let p = (0..<d).map { (mu[$0] - Double(out[flat: $0])) / gamma }
                #expect(out.shape == [2, d] && (0..<d).allSatisfy { out[flat: $0] == out[flat: d + $0] })
                #expect(feasible(objective, gamma * (1 - 1e-6), mu: mu, p: p, rows: rows), "\(objective) \(deviation)")
                #expect(!feasible(objective, gamma * (1 + 1e-4), mu: mu, p: p, rows: rows), "\(objective) \(deviation)")
                // the paper's code: γ = 10, step 10, move by step/2 up on success and down on failure, halve the
                // step, until |γ_success − γ| < 10⁻⁵
                var g = 10.0, step = 10.0, success = 0.0
                while abs(success - g) > 1e-5 {
                    if feasible(objective, g, mu: mu, p: p, rows: rows) {
                        success = g
                        g += step / 2
                    } else {
                        g -= step / 2
                    }
                    step /= 2
                }
                if gamma < 19 {
                    #expect(abs(success - gamma) < 1e-4, "\(objective) \(deviation): \(success) vs \(gamma)")
                }
            }
        }
    }

    /// Rows (1, 0) and (−1, 0): μ = 0, σ = (1, 0), the rows are 2 apart. Min-max: max(|γ + 1|, |γ − 1|) ≤ 2 gives
    /// γ = 1; min-sum: (γ + 1)² + (γ − 1)² ≤ 4 gives γ = 1 too; both send (−1, 0). The unit mean of μ = 0 is no
    /// direction, so that attack sends μ itself.
    @Test func handMadePair() throws {
        var rng = RNG(seed: 1)
        let x = Tensor(shape: [2, 2], values: [1, 0, -1, 0])
        for objective in [DistanceAttack.Objective.minMax, .minSum] {
            var attack = DistanceAttack(objective, deviation: .std)
            let out = try attack.rows(honest: x, f: 1, rng: &rng)
            #expect(abs(attack.lastGamma - 1) < 1e-12 && out[flat: 0] == -1 && out[flat: 1] == 0)
            var unit = DistanceAttack(objective, deviation: .unit)
            let same = try unit.rows(honest: x, f: 1, rng: &rng)
            #expect(unit.lastGamma == 0 && same[flat: 0] == 0 && same[flat: 1] == 0)
            var capped = DistanceAttack(objective, deviation: .std, gammaMax: 0.5)
            _ = try capped.rows(honest: x, f: 1, rng: &rng)
            #expect(capped.lastGamma == 0.5)
        }
    }
}
