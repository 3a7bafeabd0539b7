import Kernel
import Learn
import Testing

@testable import NeuralOp

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct SpectralTests {
    @Test func modeSetFollowsTheOriginalConvention() {
        let s = ModeSet(modes: [2, 3], grid: [8, 8])
        // rows 0, 1 then 6, 7; columns 0…2 of the 5-bin half spectrum
        #expect(s.offsets == [0, 1, 2, 5, 6, 7, 30, 31, 32, 35, 36, 37])
        #expect(s.twice == [false, true, true, false, true, true, false, true, true, false, true, true])
        #expect(ModeSet.count(modes: [12, 12]) == 288)
        #expect(ModeSet.problem(modes: [5, 3], grid: [8, 8]) != nil)
        #expect(ModeSet.problem(modes: [4, 5], grid: [8, 8]) == nil)
        #expect(ModeSet.problem(modes: [4, 6], grid: [8, 8]) != nil)
    }

    /// With every mode kept and the identity in each mode, the spectral convolution is the identity: F and F⁻¹ have
    /// consistent normalisation (1/N once, on the inverse).
    @Test(arguments: [[8], [8, 6], [4, 6, 8]])
    func allModesIdentityIsIdentity(grid: [Int]) {
        let modes = grid.enumerated().map { $0.offset == grid.count - 1 ? $0.element / 2 + 1 : $0.element / 2 }
        let layer = SpectralConvolution(2, 2, modes: modes)
        let model = Sequential([layer])
        let w = model.parameterBuffer
        for i in 0..<w.count { w[i] = 0 }
        for k in 0..<layer.modeCount { for c in 0..<2 { w[2 * (k * 4 + c * 2 + c)] = 1 } }
        var rng = RNG(seed: 1)
        let x = rng.tensor([3, 2] + grid)
        let y = model.forward(x)
        let err = zip(x.scalars, y.scalars).map { abs($0 - $1) }.max()!
        #expect(err < 1e-5)
    }

    /// Against numpy's definition: one 2-D mode multiply computed by hand through a direct DFT.
    @Test func singleModeMatchesDirectDFT() {
        let layer = SpectralConvolution(1, 1, modes: [1, 2])
        let model = Sequential([layer])
        let w = model.parameterBuffer
        // blocks: (row 0 low), (row 7 high); modes (0,0), (0,1) each; keep only (ky=1, kx=0) with weight 0.5 − 0.25i
        for i in 0..<w.count { w[i] = 0 }
        w[2] = 0.5
        w[3] = -0.25
        var rng = RNG(seed: 4)
        let x = rng.tensor([1, 1, 8, 8])
        let y = model.forward(x)
        // x̂(0, 1) = Σ x e^{-2πi n_y/8}; y = (2/N) Re(R x̂ e^{+2πi n_y/8})
        var re = 0.0, im = 0.0
        for i in 0..<8 {
            for j in 0..<8 {
                let a = -2 * Double.pi * Double(j) / 8
                re += Double(x[flat: i * 8 + j]) * cos(a)
                im += Double(x[flat: i * 8 + j]) * sin(a)
            }
        }
        let (zr, zi) = (0.5 * re + 0.25 * im, 0.5 * im - 0.25 * re)
        var err = 0.0
        for i in 0..<8 {
            for j in 0..<8 {
                let a = 2 * Double.pi * Double(j) / 8
                let expect = 2 / 64 * (zr * cos(a) - zi * sin(a))
                err = max(err, abs(expect - Double(y[flat: i * 8 + j])))
            }
        }
        #expect(err < 1e-6)
    }
}
