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
