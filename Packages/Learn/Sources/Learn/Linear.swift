import Kernel

/// Fully connected layer y = x Wᵀ + b, W of shape [out, in] (PyTorch's layout, so checkpoints compare),
/// over the last axis of x. Initialised as PyTorch's nn.Linear: W, b ~ U(-1/√in, 1/√in), or with
/// ``Init/he`` N(0, 2/in) (Kaiming normal, for ReLU nets) or a given normal std.
///
/// Backward: dW += dyᵀ x, db += Σ_rows dy, dx = dy W — three BLAS calls.
public final class Linear: ParameterGradientOnly {
    public enum Init: Sendable { case uniform, he, normal(std: Float), zeros }

    public let inFeatures: Int
    public let outFeatures: Int
    public let bias: Bool
    public var initScheme: Init
    var w: UnsafeMutablePointer<Float>!
    var b: UnsafeMutablePointer<Float>?
    var dw: UnsafeMutablePointer<Float>!
    var db: UnsafeMutablePointer<Float>?
    var input: Tensor?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, init scheme: Init = .uniform) {
        precondition(inFeatures > 0 && outFeatures > 0, "Linear needs positive sizes")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.bias = bias
        self.initScheme = scheme
    }

    public var parameterSpecs: [ParameterSpec] {
        [ParameterSpec("weight", [outFeatures, inFeatures])] + (bias ? [ParameterSpec("bias", [outFeatures])] : [])
    }

    public func bind(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {
        w = parameters
        dw = gradients
        if bias {
            b = parameters + inFeatures * outFeatures
            db = gradients + inFeatures * outFeatures
        }
    }

    public func initialize(_ rng: inout RNG) {
        let n = inFeatures * outFeatures
        let wb = UnsafeMutableBufferPointer(start: w, count: n)
        let bound = 1 / Float(inFeatures).squareRoot()
        switch initScheme {
        case .uniform:
            rng.fill(wb, .uniform)
            for i in 0..<n { wb[i] = (2 * wb[i] - 1) * bound }
            if let b {
                let bb = UnsafeMutableBufferPointer(start: b, count: outFeatures)
                rng.fill(bb, .uniform)
                for i in 0..<outFeatures { bb[i] = (2 * bb[i] - 1) * bound }
            }
            return
        case .he:
            rng.fill(wb, .normal)
            let s = (2 / Float(inFeatures)).squareRoot()
            for i in 0..<n { wb[i] *= s }
        case .normal(let std):
            rng.fill(wb, .normal)
            for i in 0..<n { wb[i] *= std }
        case .zeros:
            wb.initialize(repeating: 0)
        }
        if let b { b.initialize(repeating: 0, count: outFeatures) }
    }

    public func forward(_ x: Tensor) -> Tensor {
        let (n, f) = rows(x)
        precondition(f == inFeatures, "Linear(\(inFeatures)→\(outFeatures)) got input of shape \(x.shape)")
        input = x
        var y = Tensor(uninitializedShape: Array(x.shape.dropLast()) + [outFeatures])
        y.withUnsafeMutableBufferPointer { yp in
            if let b {
                for r in 0..<n { (yp.baseAddress! + r * outFeatures).update(from: b, count: outFeatures) }
            }
            x.withUnsafeBufferPointer { xp in
                BLAS.sgemm(
                    xp.baseAddress!, w, yp.baseAddress!, m: n, n: outFeatures, k: inFeatures,
                    transB: true, beta: b == nil ? 0 : 1)
            }
        }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("Linear.backward before forward") }
        backwardParameters(dy)
        var dx = Tensor(uninitializedShape: x.shape)
        dy.withUnsafeBufferPointer { g in
            dx.withUnsafeMutableBufferPointer { d in
                BLAS.sgemm(g.baseAddress!, w, d.baseAddress!, m: rows(x).n, n: inFeatures, k: outFeatures)
            }
        }
        return dx
    }

    public func backwardParameters(_ dy: Tensor) {
        guard let x = input else { preconditionFailure("Linear.backward before forward") }
        let n = rows(x).n
        dy.withUnsafeBufferPointer { g in
            x.withUnsafeBufferPointer { xp in
                // dW[out, in] += dyᵀ[out, n] · x[n, in]
                BLAS.sgemm(
                    g.baseAddress!, xp.baseAddress!, dw, m: outFeatures, n: inFeatures, k: n, transA: true, beta: 1)
            }
            if let db {
                for r in 0..<n {
                    let row = g.baseAddress! + r * outFeatures
                    for j in 0..<outFeatures { db[j] += row[j] }
                }
            }
        }
    }

    public var summary: String { "Linear(\(inFeatures)→\(outFeatures)\(bias ? "" : ", no bias"))" }
}
