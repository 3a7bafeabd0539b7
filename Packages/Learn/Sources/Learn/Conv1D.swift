import Kernel

/// One-dimensional convolution (cross-correlation, as PyTorch's nn.Conv1d) over channels-last inputs:
///
///     x [B, L, C_in] → y [B, L_out, C_out],   L_out = ⌊(L + 2·padding − K) / stride⌋ + 1
///     y[b, t, o] = bias[o] + Σ_{k < K} Σ_{c < C_in} W[o, k, c] · x[b, t·stride + k − padding, c]   (x = 0 outside)
///
/// W is stored [C_out, K, C_in] (PyTorch's is [C_out, C_in, K]: transpose the last two axes to exchange weights).
/// Initialised U(±1/√(C_in·K)) for weight and bias, as nn.Conv1d. Forward builds the patch matrix (im2col,
/// [B·L_out, K·C_in]) once and multiplies it by Wᵀ with one sgemm; backward reuses it: ∂W += ∂yᵀ·cols,
/// ∂cols = ∂y·W scattered back onto the input positions.
public final class Conv1D: ParameterGradientOnly {
    public let inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int
    var w: UnsafeMutablePointer<Float>!, dw: UnsafeMutablePointer<Float>!
    var b: UnsafeMutablePointer<Float>!, db: UnsafeMutablePointer<Float>!
    var cols: Tensor?
    var inputShape: [Int] = []

    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0) {
        precondition(inChannels > 0 && outChannels > 0 && kernel > 0 && stride > 0 && padding >= 0)
        (self.inChannels, self.outChannels, self.kernel, self.stride, self.padding) =
            (inChannels, outChannels, kernel, stride, padding)
    }

    public var parameterSpecs: [ParameterSpec] {
        [ParameterSpec("weight", [outChannels, kernel, inChannels]), ParameterSpec("bias", [outChannels])]
    }

    public func bind(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {
        let n = outChannels * kernel * inChannels
        (w, dw, b, db) = (parameters, gradients, parameters + n, gradients + n)
    }

    public func initialize(_ rng: inout RNG) {
        let bound = 1 / Float(inChannels * kernel).squareRoot()
        for i in 0..<(outChannels * kernel * inChannels) { w[i] = (2 * rng.uniform() - 1) * bound }
        for i in 0..<outChannels { b[i] = (2 * rng.uniform() - 1) * bound }
    }

    /// L_out for an input of length `length`.
    public func outputLength(_ length: Int) -> Int { (length + 2 * padding - kernel) / stride + 1 }

    public func forward(_ x: Tensor) -> Tensor {
        precondition(
            x.rank == 3 && x.shape[2] == inChannels && x.shape[1] + 2 * padding >= kernel,
            "Conv1D(\(inChannels)→\(outChannels), k \(kernel)) needs [B, L ≥ \(kernel - 2 * padding), \(inChannels)], got \(x.shape)"
        )
        inputShape = x.shape
        let (bs, l) = (x.shape[0], x.shape[1])
        let lo = outputLength(l), width = kernel * inChannels
        var c = Tensor(zeros: [bs * lo, width])
        x.withUnsafeBufferPointer { xp in
            c.withUnsafeMutableBufferPointer { cp in
                forEachTap(batch: bs, length: l) { patch, input in
                    (cp.baseAddress! + patch).update(from: xp.baseAddress! + input, count: inChannels)
                }
            }
        }
        var y = Tensor(uninitializedShape: [bs, lo, outChannels])
        y.withUnsafeMutableBufferPointer { yp in
            for r in 0..<(bs * lo) { (yp.baseAddress! + r * outChannels).update(from: b, count: outChannels) }
            c.withUnsafeBufferPointer { cp in
                BLAS.sgemm(
                    cp.baseAddress!, w, yp.baseAddress!, m: bs * lo, n: outChannels, k: width, transB: true, beta: 1)
            }
        }
        cols = c
        return y
    }

    public func backwardParameters(_ dy: Tensor) {
        guard let c = cols else { preconditionFailure("Conv1D.backward before forward") }
        let n = c.shape[0], width = kernel * inChannels
        dy.withUnsafeBufferPointer { g in
            c.withUnsafeBufferPointer { cp in
                // dW[out, K·C_in] += dyᵀ[out, n] · cols[n, K·C_in]
                BLAS.sgemm(
                    g.baseAddress!, cp.baseAddress!, dw, m: outChannels, n: width, k: n, transA: true, beta: 1)
            }
            for r in 0..<n { for o in 0..<outChannels { db[o] += g[r * outChannels + o] } }
        }
    }

    public func backward(_ dy: Tensor) -> Tensor {
        backwardParameters(dy)
        let (bs, l) = (inputShape[0], inputShape[1])
        let lo = outputLength(l), width = kernel * inChannels
        var dc = Tensor(uninitializedShape: [bs * lo, width])
        dy.withUnsafeBufferPointer { g in
            dc.withUnsafeMutableBufferPointer { d in
                BLAS.sgemm(g.baseAddress!, w, d.baseAddress!, m: bs * lo, n: width, k: outChannels)
            }
        }
        var dx = Tensor(zeros: inputShape)
        dc.withUnsafeBufferPointer { dp in
            dx.withUnsafeMutableBufferPointer { xp in
                forEachTap(batch: bs, length: l) { patch, input in
                    for ch in 0..<inChannels { xp[input + ch] += dp[patch + ch] }
                }
            }
        }
        return dx
    }

    /// Every kernel tap that falls inside the input: the offset of its C_in values in the patch matrix
    /// [B·L_out, K·C_in] and in the input [B, L, C_in] (taps on the zero padding are skipped). The one index map
    /// shared by im2col (forward) and its scatter-add (backward).
    @inline(__always)
    func forEachTap(batch bs: Int, length l: Int, _ body: (_ patch: Int, _ input: Int) -> Void) {
        let lo = outputLength(l), width = kernel * inChannels
        for bi in 0..<bs {
            for t in 0..<lo {
                for k in 0..<kernel {
                    let s = t * stride + k - padding
                    guard s >= 0 && s < l else { continue }
                    body((bi * lo + t) * width + k * inChannels, (bi * l + s) * inChannels)
                }
            }
        }
    }

    public var summary: String {
        "Conv1D(\(inChannels)→\(outChannels), k \(kernel), stride \(stride), padding \(padding))"
    }
}

/// Views every example as `shape` (same element count): [B, …] → [B] + shape, e.g. [B, 40] → [B, 40, 1] before a
/// ``Conv1D``, or [B, L, C] → [B, L·C] after one. No parameters; backward views the gradient back.
public final class Reshape: Layer {
    public let shape: [Int]
    var inputShape: [Int] = []
    public init(_ shape: [Int]) {
        precondition(!shape.isEmpty && shape.allSatisfy { $0 > 0 })
        self.shape = shape
    }
    public func forward(_ x: Tensor) -> Tensor {
        let per = shape.reduce(1, *)
        precondition(x.rank >= 1 && x.count == x.shape[0] * per, "Reshape\(shape): \(x.shape) does not fit")
        inputShape = x.shape
        return x.reshaped([x.shape[0]] + shape)
    }
    public func backward(_ dy: Tensor) -> Tensor { dy.reshaped(inputShape) }
    public var summary: String { "Reshape\(shape)" }
}
