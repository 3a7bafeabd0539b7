import Kernel

/// Post-hoc calibration of a classifier's logits z, fitted on a labelled hold-out set by minimising its negative
/// log-likelihood (Guo et al. 2017; Alexandari, Kundaje & Shrikumar 2020):
///
///     TS    softmax(z/T)            VS    softmax(a ⊙ z + b)            BCTS  softmax(z/T + b)
///
/// with one bias per class in VS and BCTS (abstention's `TempScaling(bias_positions='all')` is BCTS). The fit is
/// L-BFGS on the scale 1/T (or a) and b, from T = 1 and b = 0, to a gradient norm of 10⁻⁸ (or until the NLL stops
/// falling, or 500 iterations), in Double.
/// Posteriors given as probabilities are mapped to logits first (``Posteriors/inverseSoftmax``, as abstention does).
public struct Calibration: Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case none
        case ts
        case vs
        case bcts
    }

    public let kind: Kind
    public let classes: Int
    /// The multiplier of z: 1/T (one entry) or a (m entries, VS).
    public private(set) var scale: [Double]
    /// The per-class bias b (zeros for TS and none).
    public private(set) var bias: [Double]
    /// The hold-out negative log-likelihood before and after the fit.
    public private(set) var nll: (before: Double, after: Double) = (0, 0)
    public private(set) var iterations = 0

    /// T of TS and BCTS.
    public var temperature: Double? { kind == .ts || kind == .bcts ? 1 / scale[0] : nil }

    /// Fits on hold-out logits (row-major n×m) and labels.
    public init(_ kind: Kind, logits z: [Double], labels: [Int], classes m: Int) throws(FjordError) {
        self.kind = kind
        classes = m
        scale = [Double](repeating: 1, count: kind == .vs ? m : 1)
        bias = [Double](repeating: 0, count: m)
        let n = labels.count
        guard n > 0, z.count == n * m else { throw .data("calibration: \(n) labels for \(z.count / max(m, 1)) rows") }
        let zero = Self.objective(kind, z, labels, m, scale: scale, bias: bias, gradient: false).value
        nll = (zero, zero)
        guard kind != .none else { return }
        // parameters: scale entries, then bias entries (BCTS, VS)
        let usesBias = kind != .ts
        var x = scale + (usesBias ? bias : [])
        let split = scale.count
        let f = { (p: [Double]) -> (Double, [Double]) in
            let r = Self.objective(
                kind, z, labels, m, scale: Array(p[..<split]),
                bias: usesBias ? Array(p[split...]) : [Double](repeating: 0, count: m),
                gradient: true)
            return (r.value, Array(r.gradScale + (usesBias ? r.gradBias : [])))
        }
        iterations = LBFGS.minimize(&x, f)
        scale = Array(x[..<split])
        if usesBias { bias = Array(x[split...]) }
        nll.after = Self.objective(kind, z, labels, m, scale: scale, bias: bias, gradient: false).value
    }

    /// Calibrated probabilities of logits (row-major n×m).
    public func apply(_ z: [Double]) -> Posteriors {
        var u = z
        for o in stride(from: 0, to: u.count, by: classes) {
            for c in 0..<classes { u[o + c] = u[o + c] * scale[kind == .vs ? c : 0] + bias[c] }
        }
        Posteriors.softmaxRows(&u, classes: classes)
        return Posteriors(rows: u.count / classes, classes: classes, values: u)
    }

    /// The mean NLL of labels under softmax(scale ⊙ z + bias) and its gradient.
    static func objective(
        _ kind: Kind, _ z: [Double], _ labels: [Int], _ m: Int, scale: [Double], bias: [Double], gradient: Bool
    ) -> (value: Double, gradScale: [Double], gradBias: [Double]) {
        let n = labels.count
        var value = 0.0
        var gs = [Double](repeating: 0, count: scale.count), gb = [Double](repeating: 0, count: m)
        var u = [Double](repeating: 0, count: m)
        for i in 0..<n {
            var mx = -Double.infinity
            for c in 0..<m {
                u[c] = z[i * m + c] * scale[scale.count == 1 ? 0 : c] + bias[c]
                mx = max(mx, u[c])
            }
            var s = 0.0
            for c in 0..<m { s += exp(u[c] - mx) }
            let lse = mx + log(s)
            value += lse - u[labels[i]]
            if gradient {
                for c in 0..<m {
                    let d = exp(u[c] - lse) - (c == labels[i] ? 1 : 0)
                    gs[scale.count == 1 ? 0 : c] += d * z[i * m + c]
                    gb[c] += d
                }
            }
        }
        let inv = 1 / Double(n)
        return (value * inv, gs.map { $0 * inv }, gb.map { $0 * inv })
    }
}

/// Limited-memory BFGS (memory 10) with a backtracking Armijo line search, for the small smooth fits here.
enum LBFGS {
    /// Minimises f from x in place; returns the iterations taken. Stops at a gradient norm ≤ `tolerance` or when an
    /// iteration lowers f by ≤ 10⁻¹³·max(1, |f|) (the rounding floor of a mean over many terms).
    static func minimize(
        _ x: inout [Double], _ f: ([Double]) -> (Double, [Double]), tolerance: Double = 1e-8, maxIterations: Int = 500
    ) -> Int {
        let n = x.count
        var (fx, g) = f(x)
        var ss: [[Double]] = [], ys: [[Double]] = []
        func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        for it in 0..<maxIterations {
            if dot(g, g).squareRoot() <= tolerance { return it }
            // two-loop recursion
            var q = g
            var alphas: [Double] = []
            for k in stride(from: ss.count - 1, through: 0, by: -1) {
                let a = dot(ss[k], q) / dot(ys[k], ss[k])
                alphas.append(a)
                for j in 0..<n { q[j] -= a * ys[k][j] }
            }
            if let s = ss.last, let y = ys.last {
                let gamma = dot(s, y) / dot(y, y)
                for j in 0..<n { q[j] *= gamma }
            }
            for (idx, k) in ss.indices.enumerated() {
                let a = alphas[ss.count - 1 - idx]
                let b = dot(ys[k], q) / dot(ys[k], ss[k])
                for j in 0..<n { q[j] += (a - b) * ss[k][j] }
            }
            var d = q.map { -$0 }
            if dot(d, g) >= 0 { d = g.map { -$0 } }  // not a descent direction: steepest descent
            var step = 1.0
            var xn = x, fn = fx, gn = g
            while true {
                for j in 0..<n { xn[j] = x[j] + step * d[j] }
                (fn, gn) = f(xn)
                if fn.isFinite && fn <= fx + 1e-4 * step * dot(g, d) { break }
                step *= 0.5
                if step < 1e-20 { return it }
            }
            let s = zip(xn, x).map { $0 - $1 }, y = zip(gn, g).map { $0 - $1 }
            if dot(s, y) > 1e-12 {
                ss.append(s)
                ys.append(y)
                if ss.count > 10 {
                    ss.removeFirst()
                    ys.removeFirst()
                }
            }
            let decrease = fx - fn
            x = xn
            fx = fn
            g = gn
            if decrease <= 1e-13 * max(1, abs(fx)) { return it + 1 }
        }
        return maxIterations
    }
}

#if canImport(Glibc)
    import Glibc
#endif
