import Kernel
import Learn

/// A Wasserstein GAN with gradient penalty (WGAN-GP, Gulrajani et al. 2017) built from Learn's layers: a
/// generator G: ℝᵏ → ℝ² and a critic D: ℝ² → ℝ, each an MLP of ReLU layers with He initialisation (the toy script's
/// architecture: three hidden layers, z ~ N(0, I)). The two players' objectives are
///
///     critic     L_D = mean D(G(z)) − mean D(x) + λ · mean (‖∇ₓD(x̂)‖₂ − 1)²,   x̂ = α x + (1 − α) G(z), α ~ U(0, 1)
///     generator  L_G = −mean D(G(z))
///
/// so (∇θ_D L_D, ∇θ_G L_G) is the game's vector field, the operator the VI methods step along.
///
/// **The penalty's gradient** differentiates an input gradient, which Learn's first-order layers do not give, so the
/// critic's penalty has its own exact double backward for the ReLU MLP it is. With a₀ = x̂, zₖ = aₖ₋₁Wₖᵀ + bₖ,
/// aₖ = mₖ ⊙ zₖ (mₖ = [zₖ > 0]) and D = a_{L−1} w_Lᵀ + b_L, the input gradient is the chain
///
///     G_{L−1} = 1 w_L,   Δₖ = mₖ ⊙ Gₖ,   Gₖ₋₁ = Δₖ Wₖ   (k = L−1 … 1),   g = G₀,
///
/// and reverse mode through that chain, from Ḡ₀ = ∂P/∂g = 2λ/B · (‖g‖ − 1) g/‖g‖, gives
///
///     W̄ₖ += Δₖᵀ Ḡₖ₋₁,   Ḡₖ = mₖ ⊙ (Ḡₖ₋₁ Wₖᵀ)   (k = 1 … L−1),   w̄_L += 1ᵀ Ḡ_{L−1};
///
/// the masks are piecewise constant, so the biases get nothing from the penalty (almost everywhere). This is what
/// PyTorch's double backward computes for the toy script (ReLU'' = 0); two GEMMs per layer. A test checks it against
/// finite differences of the penalty computed from Learn's own backward pass.
public final class WassersteinGAN {
    public let generator: Sequential
    public let critic: Sequential
    /// λ of the penalty (the toy script's 0.1).
    public let penalty: Float
    /// The dimension k of the generator's input noise.
    public let latent: Int

    /// Generator k → hidden → … → 2 and critic 2 → hidden → … → 1, each with `layers` hidden ReLU layers.
    public init(
        hidden: Int = 128, layers: Int = 3, latent: Int = 2, penalty: Float = 0.1, seed: UInt64 = 0
    ) throws(FjordError) {
        guard hidden >= 1, hidden <= 4096 else { throw .usage("--hidden must be in 1…4096, not \(hidden)") }
        guard layers >= 1, layers <= 16 else { throw .usage("--layers must be in 1…16, not \(layers)") }
        guard latent >= 1, latent <= 1024 else { throw .usage("--latent must be in 1…1024, not \(latent)") }
        guard penalty >= 0, penalty.isFinite else { throw .usage("--penalty must be a finite number ≥ 0") }
        let inner = [Int](repeating: hidden, count: layers)
        generator = Sequential.mlp([latent] + inner + [2], activation: .relu, init: .he, seed: seed)
        critic = Sequential.mlp([2] + inner + [1], activation: .relu, init: .he, seed: seed ^ 0xC217)
        self.penalty = penalty
        self.latent = latent
    }

    /// n generated points (n×2) from noise z (n×k).
    public func generate(_ z: Tensor) -> Tensor { generator.forward(z) }

    /// Sets `critic.gradients` to ∇θ_D L_D at real points `real` (B×2), generated points `fake` (B×2) and
    /// interpolation weights `alpha` (B); returns the critic's Wasserstein estimate mean D(x) − mean D(G(z)) and the
    /// penalty term λ·mean(‖∇ₓD(x̂)‖ − 1)².
    @discardableResult
    public func criticGradient(real: Tensor, fake: Tensor, alpha: [Float]) -> (estimate: Double, penalty: Double) {
        let b = real.shape[0]
        precondition(fake.shape == real.shape && alpha.count == b && real.shape == [b, 2])
        let inv = 1 / Float(b)
        var gp = 0.0
        critic.zeroGradients()
        if penalty > 0 { gp = penaltyGradient(interpolate(real, fake, alpha)) }
        let dReal = critic.forward(real)
        critic.backward(Tensor(shape: [b, 1], repeating: -inv), inputGradient: false)
        let dFake = critic.forward(fake)
        critic.backward(Tensor(shape: [b, 1], repeating: inv), inputGradient: false)
        return (mean(dReal) - mean(dFake), gp)
    }

    /// Sets `generator.gradients` to ∇θ_G L_G at noise z (B×k) and returns L_G. Leaves the critic's gradient zero.
    @discardableResult
    public func generatorGradient(_ z: Tensor) -> Double {
        let b = z.shape[0]
        generator.zeroGradients()
        critic.zeroGradients()
        let fake = generator.forward(z)
        let d = critic.forward(fake)
        let dx = critic.backward(Tensor(shape: [b, 1], repeating: -1 / Float(b)))!
        critic.zeroGradients()
        generator.backward(dx, inputGradient: false)
        return -mean(d)
    }

    /// L_D at the given points, computed directly (the input gradient by a backward pass, no parameter gradients
    /// kept): the quantity ``criticGradient(real:fake:alpha:)`` differentiates, for checks.
    public func criticLoss(real: Tensor, fake: Tensor, alpha: [Float]) -> Double {
        let b = real.shape[0]
        let saved = Array(critic.gradientBuffer)
        defer { for i in saved.indices { critic.gradientBuffer[i] = saved[i] } }
        var gp = 0.0
        if penalty > 0 {
            _ = critic.forward(interpolate(real, fake, alpha))
            let g = critic.backward(Tensor(shape: [b, 1], repeating: 1))!.scalars
            for i in 0..<b {
                let norm = (g[2 * i] * g[2 * i] + g[2 * i + 1] * g[2 * i + 1]).squareRoot()
                gp += Double((norm - 1) * (norm - 1))
            }
            gp *= Double(penalty) / Double(b)
        }
        return mean(critic.forward(fake)) - mean(critic.forward(real)) + gp
    }

    /// λ·mean(‖∇ₓD(x̂)‖ − 1)² at the rows of `x` (B×2); accumulates its gradient (the doc comment's double
    /// backward) into the critic's gradient buffer.
    func penaltyGradient(_ x: Tensor) -> Double {
        let b = x.shape[0]
        let linears = critic.layers.compactMap { $0 as? Linear }
        let weights = critic.views.filter { $0.name.hasSuffix(".weight") }
        let p = critic.parameterBuffer.baseAddress!, dp = critic.gradientBuffer.baseAddress!
        let l = linears.count  // hidden layers: l − 1
        // forward: z₁ … z_{l−1}
        var z: [Tensor] = []
        var a = x
        for k in 0..<(l - 1) {
            let lin = linears[k]
            var out = Tensor(uninitializedShape: [b, lin.outFeatures])
            let bias = p + weights[k].offset + lin.inFeatures * lin.outFeatures
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<b { for j in 0..<lin.outFeatures { o[i * lin.outFeatures + j] = bias[j] } }
                a.withUnsafeBufferPointer { ap in
                    BLAS.sgemm(
                        ap.baseAddress!, p + weights[k].offset, o.baseAddress!, m: b, n: lin.outFeatures,
                        k: lin.inFeatures, transB: true, beta: 1)
                }
            }
            z.append(out)
            var next = out
            next.withUnsafeMutableBufferPointer { q in for i in 0..<q.count where q[i] < 0 { q[i] = 0 } }
            a = next
        }
        // the input-gradient chain, keeping Δₖ
        let last = linears[l - 1]
        var g = Tensor(uninitializedShape: [b, last.inFeatures])
        g.withUnsafeMutableBufferPointer { gp in
            let w = p + weights[l - 1].offset
            for i in 0..<b { for j in 0..<last.inFeatures { gp[i * last.inFeatures + j] = w[j] } }
        }
        var deltas = [Tensor](repeating: g, count: l)
        for k in stride(from: l - 2, through: 0, by: -1) {
            let lin = linears[k]
            var delta = g
            z[k].withUnsafeBufferPointer { zp in
                delta.withUnsafeMutableBufferPointer { d in for i in 0..<d.count where !(zp[i] > 0) { d[i] = 0 } }
            }
            deltas[k] = delta
            g = Tensor(uninitializedShape: [b, lin.inFeatures])
            g.withUnsafeMutableBufferPointer { gp in
                delta.withUnsafeBufferPointer { d in
                    BLAS.sgemm(
                        d.baseAddress!, p + weights[k].offset, gp.baseAddress!, m: b, n: lin.inFeatures,
                        k: lin.outFeatures)
                }
            }
        }
        // P and Ḡ₀
        var total = 0.0
        var bar = Tensor(uninitializedShape: [b, 2])
        let scale = 2 * penalty / Float(b)
        g.withUnsafeBufferPointer { gp in
            bar.withUnsafeMutableBufferPointer { u in
                for i in 0..<b {
                    let norm = (gp[2 * i] * gp[2 * i] + gp[2 * i + 1] * gp[2 * i + 1]).squareRoot()
                    total += Double((norm - 1) * (norm - 1))
                    let c = norm > 0 ? scale * (norm - 1) / norm : 0
                    u[2 * i] = c * gp[2 * i]
                    u[2 * i + 1] = c * gp[2 * i + 1]
                }
            }
        }
        // reverse through the chain
        for k in 0..<(l - 1) {
            let lin = linears[k]
            deltas[k].withUnsafeBufferPointer { d in
                bar.withUnsafeBufferPointer { u in
                    BLAS.sgemm(
                        d.baseAddress!, u.baseAddress!, dp + weights[k].offset, m: lin.outFeatures,
                        n: lin.inFeatures, k: b, transA: true, beta: 1)
                }
            }
            var next = Tensor(uninitializedShape: [b, lin.outFeatures])
            next.withUnsafeMutableBufferPointer { o in
                bar.withUnsafeBufferPointer { u in
                    BLAS.sgemm(
                        u.baseAddress!, p + weights[k].offset, o.baseAddress!, m: b, n: lin.outFeatures,
                        k: lin.inFeatures, transB: true)
                }
                z[k].withUnsafeBufferPointer { zp in for i in 0..<o.count where !(zp[i] > 0) { o[i] = 0 } }
            }
            bar = next
        }
        bar.withUnsafeBufferPointer { u in
            let dw = dp + weights[l - 1].offset
            for i in 0..<b { for j in 0..<last.inFeatures { dw[j] += u[i * last.inFeatures + j] } }
        }
        return total * Double(penalty) / Double(b)
    }

    /// α x + (1 − α) x̃ row by row.
    func interpolate(_ real: Tensor, _ fake: Tensor, _ alpha: [Float]) -> Tensor {
        var out = Tensor(uninitializedShape: real.shape)
        real.withUnsafeBufferPointer { r in
            fake.withUnsafeBufferPointer { f in
                out.withUnsafeMutableBufferPointer { o in
                    for i in 0..<alpha.count {
                        let a = alpha[i]
                        o[2 * i] = a * r[2 * i] + (1 - a) * f[2 * i]
                        o[2 * i + 1] = a * r[2 * i + 1] + (1 - a) * f[2 * i + 1]
                    }
                }
            }
        }
        return out
    }

    func mean(_ t: Tensor) -> Double {
        t.withUnsafeBufferPointer { p in p.reduce(0.0) { $0 + Double($1) } / Double(max(p.count, 1)) }
    }
}
