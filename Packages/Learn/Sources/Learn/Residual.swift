import Kernel

/// A residual connection around one layer: y = x + f(x) (He et al. 2016), so ∂L/∂x = ∂L/∂y + f′(x)ᵀ ∂L/∂y.
/// The wrapped layer's parameters are this layer's, under the same names.
public final class Residual: Layer {
    public let inner: any Layer

    public init(_ inner: any Layer) { self.inner = inner }

    public var parameterSpecs: [ParameterSpec] { inner.parameterSpecs }
    public func bind(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {
        inner.bind(parameters: parameters, gradients: gradients)
    }
    public func initialize(_ rng: inout RNG) { inner.initialize(&rng) }

    public func forward(_ x: Tensor) -> Tensor {
        var y = inner.forward(x)
        precondition(y.shape == x.shape, "Residual: the inner layer changed the shape \(x.shape) to \(y.shape)")
        y.withUnsafeMutableBufferPointer { yp in
            x.withUnsafeBufferPointer { xp in for i in 0..<yp.count { yp[i] += xp[i] } }
        }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        var dx = inner.backward(dy)
        dx.withUnsafeMutableBufferPointer { d in
            dy.withUnsafeBufferPointer { g in for i in 0..<d.count { d[i] += g[i] } }
        }
        return dx
    }

    public var summary: String { "Residual(\(inner.summary))" }
}
