import Kernel
import Testing

@Suite struct NormalTests {
    /// Reference values from scipy.stats.norm (ppf, cdf, pdf) to 16 digits.
    @Test func knownValues() {
        #expect(abs(Normal.quantile(0.975) - 1.959963984540054) < 1e-9)
        #expect(abs(Normal.quantile(1e-6) + 4.753424308822899) < 1e-8)
        #expect(abs(Normal.quantile(1 - 1e-6) - 4.753424308822899) < 1e-8)
        #expect(Normal.quantile(0.5) == 0)
        #expect(abs(Normal.cdf(1.959963984540054) - 0.975) < 1e-12)
        #expect(abs(Normal.cdf(-8) - 6.220960574271784e-16) < 1e-25)
        #expect(abs(Normal.density(1) - 0.24197072451914337) < 1e-15)
    }

    @Test func quantileInvertsTheCDF() {
        for p in stride(from: 0.001, to: 1, by: 0.0137) {
            #expect(abs(Normal.cdf(Normal.quantile(p)) - p) < 1e-12 * max(1, 1 / p), "p \(p)")
        }
    }
}
