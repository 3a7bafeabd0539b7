import Kernel
import Learn

/// One Fourier layer of an FNO (Li et al. 2021), channel-first over d = 1…3 grid axes:
///
///     v ↦ σ( K v + W v + b ),   K = ``SpectralConvolution``, W, b = ``ChannelLinear``, σ = GELU (none on the last layer)
///
/// Parameters, in order: spectral.weight [K, C, C, 2], pointwise.weight [C, C], pointwise.bias [C].
public final class FourierBlock: Layer {
    public let spectral: SpectralConvolution
    public let pointwise: ChannelLinear
    public let activation: Bool
    var preactivation: Tensor?

    public init(width: Int, modes: [Int], activation: Bool = true) {
        spectral = SpectralConvolution(width, width, modes: modes)
        pointwise = ChannelLinear(width, width)
        self.activation = activation
    }

    public var parameterSpecs: [ParameterSpec] {
        spectral.parameterSpecs.map { ParameterSpec("spectral." + $0.name, $0.shape) }
            + pointwise.parameterSpecs.map { ParameterSpec("pointwise." + $0.name, $0.shape) }
    }

    var spectralCount: Int { spectral.parameterSpecs.reduce(0) { $0 + $1.count } }

    public func bind(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {
        spectral.bind(parameters: parameters, gradients: gradients)
        pointwise.bind(parameters: parameters + spectralCount, gradients: gradients + spectralCount)
    }

    public func initialize(_ rng: inout RNG) {
        var a = rng.substream(0), b = rng.substream(1)
        spectral.initialize(&a)
        pointwise.initialize(&b)
    }

    public func forward(_ x: Tensor) -> Tensor {
        var y = spectral.forward(x)
        y.withUnsafeMutableBufferPointer { pointwise.forward(x, into: $0.baseAddress!, accumulate: true) }
        guard activation else { return y }
        preactivation = y
        var out = Tensor(uninitializedShape: y.shape)
        y.withUnsafeBufferPointer { a in
            out.withUnsafeMutableBufferPointer { GELU.forward(a.baseAddress!, $0.baseAddress!, count: a.count) }
        }
        return out
    }

    public func backward(_ dy: Tensor) -> Tensor {
        var d = dy
        if activation {
            guard let a = preactivation else { preconditionFailure("FourierBlock.backward before forward") }
            d = Tensor(uninitializedShape: dy.shape)
            a.withUnsafeBufferPointer { ap in
                dy.withUnsafeBufferPointer { g in
                    d.withUnsafeMutableBufferPointer {
                        GELU.backward(ap.baseAddress!, g.baseAddress!, $0.baseAddress!, count: ap.count)
                    }
                }
            }
        }
        var dx = spectral.backward(d)
        dx.withUnsafeMutableBufferPointer { pointwise.backward(d, into: $0.baseAddress!, accumulate: true) }
        return dx
    }

    public var summary: String {
        "FourierBlock(width \(pointwise.inChannels), modes \(spectral.modes.map(String.init).joined(separator: "×"))"
            + (activation ? ", GELU)" : ")")
    }
}
