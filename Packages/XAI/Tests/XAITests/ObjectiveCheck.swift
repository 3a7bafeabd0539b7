import Kernel
import Learn

/// The worst relative error, over every `stride`-th parameter, between an objective's gradient at `p` and central
/// finite differences with step `eps` (errors relative to max(0.05, |numeric|)).
func objectiveGradientError<O: Objective>(
    _ o: inout O, at p: [Float], batch: [Int], stride step: Int = 2, eps: Float = 1e-2
) throws -> Double {
    let n = p.count
    var g = [Float](repeating: 0, count: n)
    _ = try p.withUnsafeBufferPointer { pp in
        try g.withUnsafeMutableBufferPointer { gp in try o.loss(batch: batch, parameters: pp, gradient: gp) }
    }
    var scratch = [Float](repeating: 0, count: n)
    func f(_ x: [Float]) throws -> Double {
        try x.withUnsafeBufferPointer { xp in
            try scratch.withUnsafeMutableBufferPointer { sp in try o.loss(batch: batch, parameters: xp, gradient: sp) }
        }
    }
    var worst = 0.0
    var q = p
    for i in stride(from: 0, to: n, by: step) {
        q[i] = p[i] + eps
        let lp = try f(q)
        q[i] = p[i] - eps
        let lm = try f(q)
        q[i] = p[i]
        let num = (lp - lm) / Double(2 * eps)
        worst = max(worst, abs(num - Double(g[i])) / max(0.05, abs(num)))
    }
    return worst
}
