import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// The alignment term of SRA's objective L = L_CE + λ·L_align between the supervised head's [CLS] attention row α
/// (over [CLS] and the post's tokens) and a target built from the human rationale. SRA's paper does not state its
/// loss in what we could read, so the three forms in use are offered (research/xai.md §2.3, §8):
public enum AlignmentLoss: String, Sendable, CaseIterable {
    /// HateXplain's `masked_cross_entropy`: Σ_t −y_t log softmax(α)_t with y = softmax over the tokens of
    /// 5·(mean annotator mask) (uniform over the tokens for a post without rationale). The log-softmax is applied to
    /// α, which is already a softmax output: that is what the reference code does. ∂/∂α_t = softmax(α)_t − y_t.
    case hatexplainCE = "hatexplain-ce"
    /// Σ_t (α_t − m̂_t)² with m̂ = m/Σm, the normalized mean mask (Herrewijnen et al.'s MSE variant).
    case mse
    /// KL(m̂ ‖ α) = Σ_t m̂_t log(m̂_t/α_t).
    case kl

    /// The target distribution over [CLS] + n tokens ([CLS] gets 0) from a mean mask (one value in [0, 1] per
    /// token); an all-zero mask gives the uniform distribution over the tokens.
    public func target(meanMask m: [Float]) -> [Float] {
        let n = m.count
        var y = [Float](repeating: 0, count: n + 1)
        let total = m.reduce(0, +)
        if total == 0 {
            for j in 0..<n { y[j + 1] = 1 / Float(n) }
            return y
        }
        switch self {
        case .hatexplainCE:
            let mx = m.max()! * 5
            var s: Float = 0
            for j in 0..<n {
                y[j + 1] = expf(5 * m[j] - mx)
                s += y[j + 1]
            }
            for j in 1...n { y[j] /= s }
        case .mse, .kl:
            for j in 0..<n { y[j + 1] = m[j] / total }
        }
        return y
    }

    /// The loss of one row α[0..<len] against its target y, and ∂loss/∂α added into `grad` times `scale`.
    public func loss(
        _ a: UnsafePointer<Float>, target y: [Float], grad: UnsafeMutablePointer<Float>, scale: Float
    ) -> Double {
        let n = y.count
        switch self {
        case .hatexplainCE:
            var mx = -Float.infinity
            for j in 0..<n { mx = max(mx, a[j]) }
            var s: Float = 0
            for j in 0..<n { s += expf(a[j] - mx) }
            let lse = mx + logf(s)
            var l = 0.0
            for j in 0..<n {
                l -= Double(y[j]) * Double(a[j] - lse)
                grad[j] += scale * (expf(a[j] - lse) - y[j])
            }
            return l
        case .mse:
            var l = 0.0
            for j in 0..<n {
                let d = a[j] - y[j]
                l += Double(d * d)
                grad[j] += scale * 2 * d
            }
            return l
        case .kl:
            var l = 0.0
            for j in 0..<n where y[j] > 0 {
                let aj = max(a[j], 1e-8)
                l += Double(y[j]) * Double(logf(y[j] / aj))
                grad[j] -= scale * y[j] / aj
            }
            return l
        }
    }

    /// The alignment term of a batch: (1/B) Σᵢ loss(α_i, targetᵢ) over the rows with a target, α_i the [CLS] row of
    /// `head` in attention weights `a` [B, heads, T, T], and ∂(weight · term)/∂a for
    /// ``MultiHeadAttention/attentionGradient``. A target covers positions 0..<its count of the row.
    public func term(_ a: Tensor, head: Int, targets: [[Float]?], weight: Float) -> (loss: Double, gradient: Tensor) {
        let (b, h, t) = (a.shape[0], a.shape[1], a.shape[2])
        precondition(targets.count == b && head < h, "alignment: one target per row, head < \(h)")
        var g = Tensor(zeros: a.shape)
        var total = 0.0
        let scale = weight / Float(b)
        a.withUnsafeBufferPointer { ap in
            g.withUnsafeMutableBufferPointer { gp in
                for (i, y) in targets.enumerated() {
                    guard let y else { continue }
                    let base = (i * h + head) * t * t  // row 0 ([CLS]) of the head
                    total += loss(ap.baseAddress! + base, target: y, grad: gp.baseAddress! + base, scale: scale)
                }
            }
        }
        return (total / Double(b), g)
    }
}
