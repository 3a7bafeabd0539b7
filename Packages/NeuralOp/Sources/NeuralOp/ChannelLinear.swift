import Kernel
import Learn

/// A 1×1 convolution over channel-first fields, x ∈ ℝ^{B × Cin × n₁ × … × n_d} ↦ y_b = W x_b + b (W: Cout × Cin),
/// the FNO's lifting P, its pointwise path W_l and its projection Q (PyTorch's `Conv1d(kernel 1)` or `Linear` over
/// channels; initialised as they are, W, b ~ U(−1/√Cin, 1/√Cin)). One sgemm per sample each way:
/// y_b = W x_b, ∂W += Σ_b ∂y_b x_bᵀ, ∂x_b = Wᵀ ∂y_b.
public final class ChannelLinear: ParameterGradientOnly {
    public let inChannels: Int
    public let outChannels: Int
    var w: UnsafeMutablePointer<Float>!
    var dw: UnsafeMutablePointer<Float>!
    var input: Tensor?

    public init(_ inChannels: Int, _ outChannels: Int) {
        precondition(inChannels > 0 && outChannels > 0, "ChannelLinear needs positive sizes")
        self.inChannels = inChannels
        self.outChannels = outChannels
    }

    public var parameterSpecs: [ParameterSpec] {
        [ParameterSpec("weight", [outChannels, inChannels]), ParameterSpec("bias", [outChannels])]
    }

    public func bind(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {
        w = parameters
        dw = gradients
    }

    public func initialize(_ rng: inout RNG) {
        let n = (inChannels + 1) * outChannels
        let all = UnsafeMutableBufferPointer(start: w, count: n)
        rng.fill(all, .uniform)
        let bound = 1 / Float(inChannels).squareRoot()
        for i in 0..<n { all[i] = (2 * all[i] - 1) * bound }
    }

    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank >= 2 && x.shape[1] == inChannels, "\(summary) got input of shape \(x.shape)")
        input = x
        let b = x.shape[0], n = x.count / max(b * inChannels, 1)
        var shape = x.shape
        shape[1] = outChannels
        var y = Tensor(uninitializedShape: shape)
        let (w, ci, co) = (w!, inChannels, outChannels)
        let bias = w + ci * co
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                for s in 0..<b {
                    let ys = yp.baseAddress! + s * co * n
                    for o in 0..<co { (ys + o * n).initialize(repeating: bias[o], count: n) }
                    BLAS.sgemm(w, xp.baseAddress! + s * ci * n, ys, m: co, n: n, k: ci, beta: 1)
                }
            }
        }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("ChannelLinear.backward before forward") }
        backwardParameters(dy)
        let b = x.shape[0], n = x.count / max(b * inChannels, 1)
        var dx = Tensor(uninitializedShape: x.shape)
        let (w, ci, co) = (w!, inChannels, outChannels)
        dy.withUnsafeBufferPointer { g in
            dx.withUnsafeMutableBufferPointer { d in
                for s in 0..<b {
                    BLAS.sgemm(
                        w, g.baseAddress! + s * co * n, d.baseAddress! + s * ci * n, m: ci, n: n, k: co, transA: true)
                }
            }
        }
        return dx
    }

    public func backwardParameters(_ dy: Tensor) {
        guard let x = input else { preconditionFailure("ChannelLinear.backward before forward") }
        let b = x.shape[0], n = x.count / max(b * inChannels, 1)
        let (dw, ci, co) = (dw!, inChannels, outChannels)
        let db = dw + ci * co
        dy.withUnsafeBufferPointer { g in
            x.withUnsafeBufferPointer { xp in
                for s in 0..<b {
                    let gs = g.baseAddress! + s * co * n
                    BLAS.sgemm(gs, xp.baseAddress! + s * ci * n, dw, m: co, n: ci, k: n, transB: true, beta: 1)
                    for o in 0..<co {
                        let row = gs + o * n
                        var t: Float = 0
                        for j in 0..<n { t += row[j] }
                        db[o] += t
                    }
                }
            }
        }
    }

    public var summary: String { "ChannelLinear(\(inChannels)→\(outChannels))" }
}
