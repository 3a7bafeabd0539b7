import Kernel

/// Central finite differences against a layer's backward pass: how every layer's hand-written gradient is tested
/// (a package adding layers calls it from its own tests).
///
/// The scalar is L(x, θ) = Σₖ rₖ · yₖ with a fixed random r, accumulated in double, so ∂L/∂y = r. Returns the
/// relative errors ‖a − n‖ / max(‖a‖, ‖n‖, 1e-6) of the input gradient and of the parameter gradient.
public func gradientCheck(
    _ layer: any Layer, input: Tensor, eps: Float = 1e-2, seed: UInt64 = 1,
    checkInput: Bool = true
) -> (input: Double, parameters: Double) {
    gradientCheck(model: Sequential([layer], seed: seed), input: input, eps: eps, seed: seed, checkInput: checkInput)
}

/// ``gradientCheck(_:input:eps:seed:checkInput:)`` through a whole model, at its current parameters.
public func gradientCheck(
    model: Sequential, input: Tensor, eps: Float = 1e-2, seed: UInt64 = 1, checkInput: Bool = true
) -> (input: Double, parameters: Double) {
    var rng = RNG(seed: seed, stream: 99)
    let y0 = model.forward(input)
    let r = rng.tensor(y0.shape)
    func loss(_ x: Tensor) -> Double {
        let y = model.forward(x)
        return y.withUnsafeBufferPointer { yp in
            r.withUnsafeBufferPointer { rp in
                var s = 0.0
                for k in 0..<yp.count { s += Double(yp[k]) * Double(rp[k]) }
                return s
            }
        }
    }
    model.zeroGradients()
    _ = model.forward(input)
    let dx = model.backward(r)!
    let analyticParams = Array(model.gradientBuffer)

    var numericInput = [Double](repeating: 0, count: input.count)
    if checkInput {
        for i in 0..<input.count {
            var xp = input, xm = input
            xp[flat: i] += eps
            xm[flat: i] -= eps
            numericInput[i] = (loss(xp) - loss(xm)) / Double(2 * eps)
        }
    }
    let p = model.parameterBuffer
    var numericParams = [Double](repeating: 0, count: p.count)
    for i in 0..<p.count {
        let keep = p[i]
        p[i] = keep + eps
        let lp = loss(input)
        p[i] = keep - eps
        let lm = loss(input)
        p[i] = keep
        numericParams[i] = (lp - lm) / Double(2 * eps)
    }
    func rel(_ a: [Double], _ n: [Double]) -> Double {
        let diff = zip(a, n).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
        let na = a.map { $0 * $0 }.reduce(0, +).squareRoot(), nn = n.map { $0 * $0 }.reduce(0, +).squareRoot()
        return diff / max(na, nn, 1e-6)
    }
    return (
        checkInput ? rel(dx.scalars.map(Double.init), numericInput) : 0,
        rel(analyticParams.map(Double.init), numericParams)
    )
}

/// A tensor of normal draws pushed away from zero (|x| ≥ 0.1), so ReLU's kink is not straddled by ±eps.
public func awayFromZero(_ shape: [Int], seed: UInt64) -> Tensor {
    var rng = RNG(seed: seed)
    var t = rng.tensor(shape)
    t.withUnsafeMutableBufferPointer { p in
        for i in p.indices where abs(p[i]) < 0.1 { p[i] = p[i] < 0 ? -0.1 - p[i] : 0.1 + p[i] }
    }
    return t
}
