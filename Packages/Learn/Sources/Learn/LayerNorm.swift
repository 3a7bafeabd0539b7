import Kernel

/// Layer normalisation over the last axis (Ba, Kiros, Hinton 2016):
///
///     x̂ = (x − μ) / √(σ² + ε),   y = γ ∘ x̂ + β        (μ, σ² the mean and biased variance of the row)
///     ∂x = (1/√(σ²+ε)) · (ĝ − mean(ĝ) − x̂ · mean(ĝ ∘ x̂)),  ĝ = γ ∘ ∂y
///
/// γ = 1, β = 0 initially; ε = 1e-5 as PyTorch.
public final class LayerNorm: Layer {
    public let dim: Int
    public let epsilon: Float
    var gamma: UnsafeMutablePointer<Float>!
    var beta: UnsafeMutablePointer<Float>!
    var dgamma: UnsafeMutablePointer<Float>!
    var dbeta: UnsafeMutablePointer<Float>!
    var normalized: Tensor?
    var rstd: [Float] = []

    public init(_ dim: Int, epsilon: Float = 1e-5) {
        self.dim = dim
        self.epsilon = epsilon
    }

    public var parameterSpecs: [ParameterSpec] { [ParameterSpec("weight", [dim]), ParameterSpec("bias", [dim])] }

    public func bind(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {
        gamma = parameters
        beta = parameters + dim
        dgamma = gradients
        dbeta = gradients + dim
    }

    public func initialize(_ rng: inout RNG) {
        gamma.initialize(repeating: 1, count: dim)
        beta.initialize(repeating: 0, count: dim)
    }

    public func forward(_ x: Tensor) -> Tensor {
        let (n, f) = rows(x)
        precondition(f == dim, "LayerNorm(\(dim)) got input of shape \(x.shape)")
        var xhat = Tensor(uninitializedShape: x.shape)
        var y = Tensor(uninitializedShape: x.shape)
        rstd = [Float](repeating: 0, count: n)
        x.withUnsafeBufferPointer { xp in
            xhat.withUnsafeMutableBufferPointer { hp in
                y.withUnsafeMutableBufferPointer { yp in
                    for r in 0..<n {
                        let row = xp.baseAddress! + r * f
                        var mean = 0.0
                        for j in 0..<f { mean += Double(row[j]) }
                        mean /= Double(f)
                        var v = 0.0
                        for j in 0..<f {
                            let d = Double(row[j]) - mean
                            v += d * d
                        }
                        let rs = Float(1 / (v / Double(f) + Double(epsilon)).squareRoot())
                        rstd[r] = rs
                        for j in 0..<f {
                            let h = (row[j] - Float(mean)) * rs
                            hp[r * f + j] = h
                            yp[r * f + j] = h * gamma[j] + beta[j]
                        }
                    }
                }
            }
        }
        normalized = xhat
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let xhat = normalized else { preconditionFailure("LayerNorm.backward before forward") }
        let (n, f) = rows(xhat)
        var dx = Tensor(uninitializedShape: xhat.shape)
        dy.withUnsafeBufferPointer { g in
            xhat.withUnsafeBufferPointer { h in
                dx.withUnsafeMutableBufferPointer { d in
                    for r in 0..<n {
                        var m1: Float = 0, m2: Float = 0
                        for j in 0..<f {
                            let k = r * f + j
                            dgamma[j] += g[k] * h[k]
                            dbeta[j] += g[k]
                            let gh = g[k] * gamma[j]
                            m1 += gh
                            m2 += gh * h[k]
                        }
                        m1 /= Float(f)
                        m2 /= Float(f)
                        for j in 0..<f {
                            let k = r * f + j
                            d[k] = rstd[r] * (g[k] * gamma[j] - m1 - h[k] * m2)
                        }
                    }
                }
            }
        }
        return dx
    }

    public var summary: String { "LayerNorm(\(dim))" }
}
