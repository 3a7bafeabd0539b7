import Foundation
import Kernel
import Testing

@testable import ReasoningBench

/// CogniLoad's thresholds on data with a known crossing, and the cases without one.
@Suite struct AnalysisTests {
    /// Bernoulli draws with P(correct) = 1/(1 + exp(−slope·(c − x))) at each level, `n` per level.
    func draws(_ levels: [Double], crossing c: Double, slope: Double, n: Int, seed: UInt64) -> ([Double], [Bool]) {
        var rng = SplitMix64(seed: seed)
        var x: [Double] = [], y: [Bool] = []
        for l in levels {
            for _ in 0..<n {
                x.append(l)
                y.append(rng.uniform() < 1 / (1 + exp(-slope * (c - l))))
            }
        }
        return (x, y)
    }

    @Test func thresholdRecoversAKnownCrossing() throws {
        // ECL50 on ln N, crossing at N = 150.
        // (With 400 per level a numpy fit of the same design lands anywhere in 149…165: 2,000 per level, within 10%.)
        let (x, y) = draws([20, 50, 100, 250].map { log($0) }, crossing: log(150), slope: 2, n: 2000, seed: 1)
        let e = try #require(Analysis.threshold(x, y, upTo: log(500), resamples: 50, seed: 2))
        #expect(abs(exp(e.value) - 150) < 15 && e.lo < e.value && e.value < e.hi, "\(exp(e.value))")
        // ID50 beyond the grid (d = 14 when the grid stops at 10): extrapolated.
        let (xd, yd) = draws([1, 3, 5, 7, 10], crossing: 14, slope: 0.4, n: 400, seed: 3)
        let d = try #require(Analysis.threshold(xd, yd, upTo: 20, resamples: 100, seed: 4))
        #expect(abs(d.value - 14) < 2.5, "\(d.value)")
        // NT50 rising with ρ (few needles are hard): a crossing inside 0…100 either way.
        let (xr, yr) = draws([5, 10, 25, 50, 75, 90, 95], crossing: 30, slope: -0.08, n: 300, seed: 5)
        let r = try #require(Analysis.threshold(xr, yr, within: 0...100, resamples: 100, seed: 6))
        #expect(abs(r.value - 30) < 5, "\(r.value)")
    }

    @Test func noThresholdWhenAccuracyDoesNotFallToHalfInRange() {
        let (x, y) = draws([20, 50, 100, 250].map { log($0) }, crossing: log(5000), slope: 1, n: 200, seed: 7)
        #expect(Analysis.threshold(x, y, upTo: log(500), resamples: 20, seed: 8) == nil)  // beyond twice the grid
        let flat = draws([1, 3, 5], crossing: 0, slope: 0, n: 100, seed: 9)
        #expect(Analysis.threshold(flat.0, flat.1.map { _ in true }, resamples: 20, seed: 10) == nil)  // all right
        let rising = draws([1, 3, 5, 7, 10], crossing: 5, slope: -1, n: 100, seed: 11)
        #expect(Analysis.threshold(rising.0, rising.1, upTo: 20, resamples: 20, seed: 12) == nil)  // d makes it easier
    }
}
