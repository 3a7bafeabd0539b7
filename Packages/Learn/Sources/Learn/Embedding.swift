import Kernel

/// Lookup table: token ids (stored as floats, any shape S) → vectors, output shape S + [dim].
/// Initialised N(0, 1) as PyTorch's nn.Embedding. Backward scatter-adds rows into ∂W; ids get no gradient
/// (the returned input gradient is zero).
public final class Embedding: Layer {
    public let vocabulary: Int
    public let dim: Int
    var w: UnsafeMutablePointer<Float>!
    var dw: UnsafeMutablePointer<Float>!
    var ids: [Int] = []
    var inputShape: [Int] = []

    public init(_ vocabulary: Int, _ dim: Int) {
        precondition(vocabulary > 0 && dim > 0)
        self.vocabulary = vocabulary
        self.dim = dim
    }

    public var parameterSpecs: [ParameterSpec] { [ParameterSpec("weight", [vocabulary, dim])] }

    public func bind(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {
        w = parameters
        dw = gradients
    }

    public func initialize(_ rng: inout RNG) {
        rng.fill(UnsafeMutableBufferPointer(start: w, count: vocabulary * dim), .normal)
    }

    public func forward(_ x: Tensor) -> Tensor {
        inputShape = x.shape
        ids = x.scalars.map { v in
            let i = Int(v)
            precondition(
                Float(i) == v && i >= 0 && i < vocabulary, "Embedding: id \(v) is not an integer in 0..<\(vocabulary)")
            return i
        }
        var y = Tensor(uninitializedShape: x.shape + [dim])
        y.withUnsafeMutableBufferPointer { yp in
            for (r, i) in ids.enumerated() { (yp.baseAddress! + r * dim).update(from: w + i * dim, count: dim) }
        }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        dy.withUnsafeBufferPointer { g in
            for (r, i) in ids.enumerated() {
                let src = g.baseAddress! + r * dim, dst = dw + i * dim
                for j in 0..<dim { dst[j] += src[j] }
            }
        }
        return Tensor(zeros: inputShape)
    }

    public var summary: String { "Embedding(\(vocabulary)×\(dim))" }
}
