import Kernel
import Testing

@testable import Learn

/// MNIST-1D: the published templates, the transformation chain's pieces against scipy's definitions, determinism.
@Suite struct MNIST1DTests {
    /// `mnist1d.data.get_templates()['x']` rows 0 and 7 (mnist1d 0.0.2.post1, printed with numpy).
    @Test func templatesAreThePublishedOnes() {
        let zero = [
            0, 0.23693955110363696, 0.35540932665545544, 0.4146442144313647, 0.4738791022072739, 0.4738791022072739,
            0.4738791022072739, 0.4738791022072739, 0.4146442144313647, 0.35540932665545544, 0.23693955110363696, 0,
        ]
        let seven = [
            0, 0.36986336072765463, 0.36986336072765463, 0.2958906885821236, 0.22191801643659279, 0.1479453442910618,
            0.07397267214553098, 0, -0.07397267214553098, -0.1479453442910618, 0, 0,
        ]
        for (got, want) in [(MNIST1D.templates[0], zero), (MNIST1D.templates[7], seven)] {
            #expect(zip(got, want).allSatisfy { abs($0 - $1) < 1e-12 }, "\(got)")
        }
        #expect(MNIST1D.templates.count == 10 && MNIST1D.templates.allSatisfy { $0.count == 12 && $0[0] == 0 })
    }

    @Test func interpolationAndFilter() {
        // interp1d on linspace grids: 3 points → 5 halves each step
        #expect(MNIST1D.interpolate([0, 2, 4], to: 5) == [0, 1, 2, 3, 4])
        #expect(MNIST1D.interpolate([1, 3], to: 3) == [1, 2, 3])
        // the filter keeps constants (reflect edges), sums to the signal's mass on an impulse far from the edges,
        // and its centre weight is scipy's gaussian_filter1d(σ = 2) value 0.19947465 (truncated at radius 8 and normalized)
        #expect(MNIST1D.gaussianFilter([Double](repeating: 3, count: 20), sigma: 2).allSatisfy { abs($0 - 3) < 1e-12 })
        var impulse = [Double](repeating: 0, count: 40)
        impulse[20] = 1
        let f = MNIST1D.gaussianFilter(impulse, sigma: 2)
        #expect(abs(f.reduce(0, +) - 1) < 1e-12 && abs(f[20] - 0.19947465) < 1e-7 && f[11] == 0 && f[12] > 0)
        // at the edge, reflection folds the tail back: scipy gives 0.37551041 at index 0 for an impulse there
        var edge = [Double](repeating: 0, count: 40)
        edge[0] = 1
        #expect(abs(MNIST1D.gaussianFilter(edge, sigma: 2)[0] - 0.37551041) < 1e-7)
    }

    @Test func datasetIsSeededBalancedAndStandardized() {
        let a = MNIST1D.dataset(samples: 500, seed: 3), b = MNIST1D.dataset(samples: 500, seed: 3)
        let c = MNIST1D.dataset(samples: 500, seed: 4)
        #expect(a.features.scalars == b.features.scalars && a.labels == b.labels)
        #expect(a.features.scalars != c.features.scalars)
        #expect(a.features.shape == [500, 40] && a.classCounts == [Int](repeating: 50, count: 10))
        let x = a.features.scalars.map(Double.init)
        let mean = x.reduce(0, +) / Double(x.count)
        let sd = (x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count)).squareRoot()
        #expect(abs(mean) < 1e-5 && abs(sd - 1) < 1e-5)
    }
}
