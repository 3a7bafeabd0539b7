import Kernel
import Learn
import Testing

@testable import NeuralOp

/// Every spectral layer's hand-written backward pass against central finite differences (Learn's gradientCheck).
@Suite struct LayerGradientTests {
    func input(_ shape: [Int], seed: UInt64 = 3) -> Tensor {
        var rng = RNG(seed: seed)
        return rng.tensor(shape)
    }

    @Test(arguments: [
        ([12], [5]), ([16], [9]),  // 1-D, the last mode is the Nyquist bin on 16 points
        ([8, 8], [3, 4]), ([8, 6], [4, 3]), ([7, 9], [3, 5]),  // odd sizes; the 6-point axis keeps its Nyquist bin
        ([6, 4, 8], [2, 2, 3]), ([4, 6, 5], [2, 3, 3]),
    ])
    func spectralConvolution(grid: [Int], modes: [Int]) {
        let layer = SpectralConvolution(3, 2, modes: modes)
        let e = gradientCheck(layer, input: input([2, 3] + grid))
        #expect(e.input < 2e-3, "input gradient, grid \(grid) modes \(modes)")
        #expect(e.parameters < 2e-3, "weight gradient, grid \(grid) modes \(modes)")
    }

    @Test func spectralConvolutionOnTwoThreads() {
        let one = SpectralConvolution(3, 4, modes: [3, 3]), two = SpectralConvolution(3, 4, modes: [3, 3])
        two.threads = 2
        let a = Sequential([one], seed: 5), b = Sequential([two], seed: 5)
        let x = input([4, 3, 8, 8])
        #expect(a.forward(x).scalars == b.forward(x).scalars)
        let e = gradientCheck(model: b, input: x)
        #expect(e.input < 2e-3 && e.parameters < 2e-3)
    }

    @Test func channelLinear() {
        let e = gradientCheck(ChannelLinear(3, 5), input: input([2, 3, 4, 5]))
        #expect(e.input < 2e-3 && e.parameters < 2e-3)
    }

    @Test func fourierBlockGridAndPadding() {
        for layer in [
            FourierBlock(width: 3, modes: [2, 3]) as any Layer,
            FourierBlock(width: 3, modes: [2, 3], activation: false),
            GridCoordinates(axes: 2), EndPadding([0, 3]), EndPadding([2, 1], remove: true),
        ] {
            let e = gradientCheck(layer, input: input([2, 3, 6, 7]))
            #expect(e.input < 2e-3 && e.parameters < 2e-3, "\(layer.summary)")
        }
    }

    @Test(arguments: Architecture.allCases)
    func wholeModel(_ arch: Architecture) {
        let config = FNOConfig(
            architecture: arch, fields: 2, grid: [8, 8], inputFrames: 3, outputFrames: 3,
            modes: arch.spaceTime ? [3, 3, 2] : [3, 3], width: 4, layers: 2, padding: arch.spaceTime ? 2 : 0,
            projection: 6)
        #expect(config.problem == nil)
        let model = config.makeModel(seed: 2)
        let c = config.channels.input
        let shape: [Int] =
            switch arch {
            case .fno: [2, c, 8, 8]
            case .fno3d: [2, c, 8, 8, 3]
            case .fnotd: [2, c, 8, 8, 3]
            }
        let e = gradientCheck(model: model, input: input(shape))
        #expect(e.input < 5e-3 && e.parameters < 5e-3, "\(arch)")
        #expect(
            model.forward(input(shape)).shape
                == [2, config.channels.output, 8, 8, 3].prefix(arch.spaceTime ? 5 : 4).map { $0 })
    }
}
