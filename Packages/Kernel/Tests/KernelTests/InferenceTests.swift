import Testing

@testable import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// The estimators against data with known parameters.
@Suite struct StatisticsTests {
    /// y = 2 + 1.2x + 0.4ε, right-censored at 5.5 (about a third of the points): OLS on the uncensored points is
    /// biased low, the Tobit fit recovers the line.
    @Test func tobitRecoversACensoredLine() {
        var rng = SplitMix64(seed: 5)
        var x: [Double] = [], y: [Double] = [], cens: [Bool] = []
        for _ in 0..<4000 {
            let xi = 4 * rng.uniform()
            let yi = 2 + 1.2 * xi + 0.4 * rng.normal()
            x.append(xi)
            y.append(min(yi, 5.5))
            cens.append(yi >= 5.5)
        }
        let t = Inference.tobit(x, y, censored: cens)
        #expect(abs(t.slope - 1.2) < 0.03 && abs(t.intercept - 2) < 0.05 && abs(t.sigma - 0.4) < 0.02, "\(t)")
        let done = x.indices.filter { !cens[$0] }
        let ols = Inference.ols(done.map { x[$0] }, done.map { y[$0] })
        #expect(ols.slope < 1.15, "OLS on uncensored points should be biased low: \(ols)")
    }

    @Test func logisticRecoversCoefficients() throws {
        var rng = SplitMix64(seed: 6)
        var rows: [[Double]] = [], y: [Bool] = []
        for _ in 0..<20000 {
            let r = 2 * rng.uniform() - 1
            let p = 1 / (1 + exp(-(0.5 - 1.0 * r + 2.0 * r * r)))
            rows.append([1, r, r * r])
            y.append(rng.uniform() < p)
        }
        let f = try #require(Inference.logistic(rows, y))
        for (b, want) in zip(f.beta, [0.5, -1.0, 2.0]) { #expect(abs(b - want) < 4 * 0.1, "\(f.beta)") }
        #expect(f.se.allSatisfy { $0 > 0 && $0 < 0.2 })
    }

    @Test func spearmanAndRanks() {
        #expect(Inference.ranks([10, 20, 20, 5]) == [2, 3.5, 3.5, 1])
        #expect(abs(Inference.spearman([1, 2, 3, 4], [10, 20, 30, 40]) - 1) < 1e-12)
        #expect(abs(Inference.spearman([1, 2, 3, 4], [4, 3, 2, 1]) + 1) < 1e-12)
    }

    @Test func bootstrapIntervalCoversTheMean() {
        let v = (0..<500).map { Double($0 % 10) }
        let e = Inference.bootstrap(n: v.count, resamples: 500, seed: 1) { idx in
            idx.reduce(0) { $0 + v[$1] } / Double(idx.count)
        }
        #expect(e.value == 4.5 && e.lo < 4.5 && e.hi > 4.5 && e.hi - e.lo < 1)
    }

    /// The exact bootstrap interval of a proportion against the Monte Carlo bootstrap of the same data, and the
    /// Poisson bootstrap (used for large n) against the multinomial one.
    @Test func exactProportionIntervalMatchesMonteCarlo() {
        let v = (0..<200).map { $0 < 37 ? 1.0 : 0 }
        // scipy: binom.ppf([.025, .975], 200, .185)/200 = .135, .24
        let exact = Inference.bernoulliInterval(successes: 37, n: 200)
        let mc = Inference.bootstrap(n: 200, resamples: 20000, seed: 3) { idx in idx.reduce(0) { $0 + v[$1] } / 200 }
        #expect(exact.value == 0.185 && exact.lo == 0.135 && exact.hi == 0.24)
        // Within one count of the Monte Carlo percentiles (they interpolate between counts).
        #expect(abs(exact.lo - mc.lo) <= 0.0051 && abs(exact.hi - mc.hi) <= 0.0051, "\(exact) vs \(mc)")
        let big = (0..<200_000).map { Double($0 % 7) }
        let poisson = Inference.bootstrapMean(big, resamples: 200, seed: 4)  // 4·10^7 draws: the Poisson path
        let halfWidth = 1.96 * 2.0 / Double(200_000).squareRoot()  // σ = 2 for 0…6 uniform
        #expect(abs((poisson.hi - poisson.lo) / 2 - halfWidth) < 0.15 * halfWidth, "\(poisson)")
    }
}
