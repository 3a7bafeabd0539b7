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
    /// A vector of ones for the bias gradient's GEMV, grown to the largest grid seen.
    var ones: [Float] = []

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
        var shape = x.shape
        shape[1] = outChannels
        var y = Tensor(uninitializedShape: shape)
        y.withUnsafeMutableBufferPointer { forward(x, into: $0.baseAddress!, accumulate: false) }
        return y
    }

    /// y (+)= W x + b into a caller's buffer of the output's size (a Fourier block adds its pointwise path to the
    /// spectral one in place).
    func forward(_ x: Tensor, into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        precondition(x.rank >= 2 && x.shape[1] == inChannels, "\(summary) got input of shape \(x.shape)")
        input = x
        let b = x.shape[0], n = x.count / max(b * inChannels, 1)
        let (w, ci, co) = (w!, inChannels, outChannels)
        let bias = w + ci * co
        x.withUnsafeBufferPointer { xp in
            for s in 0..<b {
                let ys = y + s * co * n
                for o in 0..<co {
                    let row = ys + o * n
                    if accumulate {
                        for j in 0..<n { row[j] += bias[o] }
                    } else {
                        row.initialize(repeating: bias[o], count: n)
                    }
                }
                BLAS.sgemm(w, xp.baseAddress! + s * ci * n, ys, m: co, n: n, k: ci, beta: 1)
            }
        }
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("ChannelLinear.backward before forward") }
        var dx = Tensor(uninitializedShape: x.shape)
        dx.withUnsafeMutableBufferPointer { backward(dy, into: $0.baseAddress!, accumulate: false) }
        return dx
    }

    /// Accumulates ∂L/∂θ and writes (or adds, with `accumulate`) ∂L/∂x into a buffer of the input's size.
    func backward(_ dy: Tensor, into dx: UnsafeMutablePointer<Float>, accumulate: Bool) {
        guard let x = input else { preconditionFailure("ChannelLinear.backward before forward") }
        backwardParameters(dy)
        let b = x.shape[0], n = x.count / max(b * inChannels, 1)
        let (w, ci, co) = (w!, inChannels, outChannels)
        dy.withUnsafeBufferPointer { g in
            for s in 0..<b {
                BLAS.sgemm(
                    w, g.baseAddress! + s * co * n, dx + s * ci * n, m: ci, n: n, k: co, transA: true,
                    beta: accumulate ? 1 : 0)
            }
        }
    }

    public func backwardParameters(_ dy: Tensor) {
        guard let x = input else { preconditionFailure("ChannelLinear.backward before forward") }
        let b = x.shape[0], n = x.count / max(b * inChannels, 1)
        let (dw, ci, co) = (dw!, inChannels, outChannels)
        let db = dw + ci * co
        if ones.count < n { ones = [Float](repeating: 1, count: n) }
        let ones = self.ones
        dy.withUnsafeBufferPointer { g in
            x.withUnsafeBufferPointer { xp in
                for s in 0..<b {
                    let gs = g.baseAddress! + s * co * n
                    BLAS.sgemm(gs, xp.baseAddress! + s * ci * n, dw, m: co, n: ci, k: n, transB: true, beta: 1)
                    // ∂b += ∂y_s · 1 (a GEMV, not a serial float sum per channel)
                    ones.withUnsafeBufferPointer { BLAS.sgemv(gs, $0.baseAddress!, db, m: co, n: n, beta: 1) }
                }
            }
        }
    }

    public var summary: String { "ChannelLinear(\(inChannels)→\(outChannels))" }
}
