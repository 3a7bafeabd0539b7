import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// Elementwise activation functions, one layer type for all (their backward passes differ only in f').
///
///     relu(x)    = max(x, 0)                      f' = 1[x > 0]
///     gelu(x)    = x Φ(x) = x (1 + erf(x/√2)) / 2 f' = Φ(x) + x φ(x)      (exact, PyTorch's default; Kernel's GELU)
///     tanh(x)                                     f' = 1 - tanh²(x)
///     sigmoid(x) = 1 / (1 + e^{-x})               f' = σ(x)(1 - σ(x))
public final class Activation: Layer {
    public enum Kind: String, CaseIterable, Sendable { case relu, gelu, tanh, sigmoid }
    public let kind: Kind
    var input: Tensor?
    var output: Tensor?

    public init(_ kind: Kind) { self.kind = kind }

    public func forward(_ x: Tensor) -> Tensor {
        input = x
        var y = Tensor(uninitializedShape: x.shape)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                switch kind {
                case .relu: for i in 0..<xp.count { yp[i] = max(xp[i], 0) }
                case .gelu: GELU.forward(xp.baseAddress!, yp.baseAddress!, count: xp.count)
                case .tanh: for i in 0..<xp.count { yp[i] = tanhf(xp[i]) }
                case .sigmoid: for i in 0..<xp.count { yp[i] = 1 / (1 + expf(-xp[i])) }
                }
            }
        }
        output = y
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input, let y = output else { preconditionFailure("Activation.backward before forward") }
        var dx = Tensor(uninitializedShape: x.shape)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeBufferPointer { yp in
                dy.withUnsafeBufferPointer { g in
                    dx.withUnsafeMutableBufferPointer { d in
                        switch kind {
                        case .relu: for i in 0..<d.count { d[i] = xp[i] > 0 ? g[i] : 0 }
                        case .gelu: GELU.backward(xp.baseAddress!, g.baseAddress!, d.baseAddress!, count: d.count)
                        case .tanh: for i in 0..<d.count { d[i] = g[i] * (1 - yp[i] * yp[i]) }
                        case .sigmoid: for i in 0..<d.count { d[i] = g[i] * yp[i] * (1 - yp[i]) }
                        }
                    }
                }
            }
        }
        return dx
    }

    public var summary: String { kind.rawValue.uppercased() == "RELU" ? "ReLU" : kind.rawValue.capitalized }
}
