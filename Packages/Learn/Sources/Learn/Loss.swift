import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// A loss value and its gradient with respect to the model output.
public struct LossResult: Sendable {
    public var loss: Double
    public var gradient: Tensor
}

/// Softmax cross-entropy over the last axis of `logits` ([n, classes]), with optional per-example weights:
///
///     L = (1/n) Σᵢ wᵢ · (log Σⱼ e^{zᵢⱼ} − z_{i,yᵢ}),     ∂L/∂zᵢⱼ = wᵢ (softmax(zᵢ)ⱼ − 1[j = yᵢ]) / n
///
/// With all wᵢ = 1 this is PyTorch's `cross_entropy` (mean reduction). Importance-weighted training (FTW-ERM,
/// VRLS) passes wᵢ = p_test(xᵢ)/p_train(xᵢ); the 1/n normalisation keeps that an unbiased risk estimate.
/// Throws a `.data` error for a label outside 0..<classes, a weight that is negative or not finite, or a
/// non-finite loss (divergence is reported, not trained through).
///
/// `entropy` ζ adds ζ·(1/n) Σᵢ Σⱼ pᵢⱼ log pᵢⱼ (the negative Shannon entropy of the predictions, unweighted), the
/// regulariser of VRLS (Wu et al., ICLR 2025) that keeps a classifier from growing over-confident:
/// ∂/∂zᵢₖ = ζ pᵢₖ (log pᵢₖ − Σⱼ pᵢⱼ log pᵢⱼ)/n. With ζ = 0 the loss is unchanged.
public func softmaxCrossEntropy(
    logits: Tensor, labels: [Int32], weights: [Float]? = nil, entropy zeta: Float = 0
) throws(FjordError) -> LossResult {
    let (n, c) = rows(logits)
    guard labels.count == n else { throw .data("cross-entropy: \(labels.count) labels for \(n) rows of logits") }
    if let w = weights, w.count != n { throw .data("cross-entropy: \(w.count) weights for \(n) rows") }
    var grad = Tensor(uninitializedShape: logits.shape)
    var total = 0.0
    var failure: FjordError?
    logits.withUnsafeBufferPointer { z in
        grad.withUnsafeMutableBufferPointer { g in
            for i in 0..<n {
                let y = Int(labels[i])
                guard y >= 0 && y < c else {
                    failure = .data("cross-entropy: label \(labels[i]) of row \(i) is outside 0..<\(c)")
                    return
                }
                let wi = weights?[i] ?? 1
                guard wi >= 0 && wi.isFinite else {
                    failure = .data("cross-entropy: weight \(wi) of row \(i) is negative or not finite")
                    return
                }
                let row = z.baseAddress! + i * c, grow = g.baseAddress! + i * c
                var m = -Float.infinity
                for j in 0..<c { m = max(m, row[j]) }
                var s: Float = 0
                for j in 0..<c {
                    let e = expf(row[j] - m)
                    grow[j] = e
                    s += e
                }
                let lse = Double(m) + log(Double(s))
                total += Double(wi) * (lse - Double(row[y]))
                if zeta != 0 {
                    // Ω = Σ p log p with log p = z − lse; its gradient p (log p − Ω), before the CE terms overwrite
                    var omega = 0.0
                    for j in 0..<c { omega += Double(grow[j] / s) * (Double(row[j]) - lse) }
                    total += Double(zeta) * omega
                    for j in 0..<c {
                        let pj = grow[j] / s
                        grow[j] = pj * (wi + zeta * Float(Double(row[j]) - lse - omega)) / Float(n)
                    }
                } else {
                    let scale = wi / (s * Float(n))
                    for j in 0..<c { grow[j] *= scale }
                }
                grow[y] -= wi / Float(n)
            }
        }
    }
    if let failure { throw failure }
    let loss = total / Double(max(n, 1))
    guard loss.isFinite else { throw .data("cross-entropy: the loss is \(loss) (diverged: lower the learning rate)") }
    return LossResult(loss: loss, gradient: grad)
}

/// Mean squared error over all elements: L = (1/N) Σ (yₖ − tₖ)², ∂L/∂yₖ = 2 (yₖ − tₖ) / N (PyTorch's `mse_loss`).
public func meanSquaredError(_ y: Tensor, _ target: Tensor) throws(FjordError) -> LossResult {
    guard y.shape == target.shape else {
        throw .data("mse: output shape \(y.shape) differs from target shape \(target.shape)")
    }
    var grad = Tensor(uninitializedShape: y.shape)
    var total = 0.0
    let n = y.count
    y.withUnsafeBufferPointer { a in
        target.withUnsafeBufferPointer { t in
            grad.withUnsafeMutableBufferPointer { g in
                for k in 0..<n {
                    let d = a[k] - t[k]
                    total += Double(d) * Double(d)
                    g[k] = 2 * d / Float(n)
                }
            }
        }
    }
    let loss = total / Double(max(n, 1))
    guard loss.isFinite else { throw .data("mse: the loss is \(loss) (diverged: lower the learning rate)") }
    return LossResult(loss: loss, gradient: grad)
}

/// Relative L2 error per sample, averaged over the batch (the FNO papers' `LpLoss`, mean instead of sum so the
/// learning rate does not depend on the batch size): with yᵢ and tᵢ the i-th of n samples along the first axis,
///
///     L = (1/n) Σᵢ ‖yᵢ − tᵢ‖₂ / ‖tᵢ‖₂,     ∂L/∂yᵢ = (yᵢ − tᵢ) / (n ‖yᵢ − tᵢ‖₂ ‖tᵢ‖₂)   (0 where yᵢ = tᵢ)
///
/// Sums in double. Throws `.data` for differing shapes, a target sample that is all zero, or a non-finite loss.
public func relativeL2(_ y: Tensor, _ target: Tensor) throws(FjordError) -> LossResult {
    guard y.shape == target.shape, y.rank >= 1 else {
        throw .data("relative L2: output shape \(y.shape) differs from target shape \(target.shape)")
    }
    let n = y.shape[0], m = n == 0 ? 0 : y.count / n
    var grad = Tensor(uninitializedShape: y.shape)
    var total = 0.0
    var zero: Int?
    y.withUnsafeBufferPointer { a in
        target.withUnsafeBufferPointer { t in
            grad.withUnsafeMutableBufferPointer { g in
                for i in 0..<n {
                    var dd = 0.0, tt = 0.0
                    for k in (i * m)..<((i + 1) * m) {
                        let d = Double(a[k] - t[k])
                        dd += d * d
                        tt += Double(t[k]) * Double(t[k])
                    }
                    guard tt > 0 else {
                        zero = i
                        return
                    }
                    let (nd, nt) = (dd.squareRoot(), tt.squareRoot())
                    total += nd / nt
                    let scale = nd > 0 ? Float(1 / (Double(n) * nd * nt)) : 0
                    for k in (i * m)..<((i + 1) * m) { g[k] = (a[k] - t[k]) * scale }
                }
            }
        }
    }
    if let zero { throw .data("relative L2: target sample \(zero) is all zero") }
    let loss = total / Double(max(n, 1))
    guard loss.isFinite else { throw .data("relative L2: the loss is \(loss) (diverged: lower the learning rate)") }
    return LossResult(loss: loss, gradient: grad)
}

/// Index of the largest logit of each row (ties: the first).
public func argmax(_ logits: Tensor) -> [Int32] {
    let (n, c) = rows(logits)
    return logits.withUnsafeBufferPointer { z in
        (0..<n).map { i in
            var best = 0
            for j in 1..<max(c, 1) where z[i * c + j] > z[i * c + best] { best = j }
            return Int32(best)
        }
    }
}
