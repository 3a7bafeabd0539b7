import Kernel
import Exchange
#if canImport(Glibc)
import Glibc
#endif

/// f copies of one vector.
func tile(_ v: Tensor, _ f: Int) -> Tensor {
    let d = v.count
    var out = Tensor(uninitializedShape: [f, d])
    out.withUnsafeMutableBufferPointer { o in v.withUnsafeBufferPointer { p in
        for k in 0..<f { (o.baseAddress! + k * d).update(from: p.baseAddress!, count: d) }
    } }
    return out
}

func scaled(_ v: Tensor, _ a: Float) -> Tensor {
    var out = v
    out.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] *= a } }
    return out
}

/// Label flipping: the Byzantine workers train honestly on labels y → C−1−y and send what they compute (a data
/// attack: the exchange step leaves their rows as sent).
public struct LabelFlipAttack: ByzantineAttack {
    public init() {}
    public var name: String { "label-flip" }
    public var replacesRows: Bool { false }
    public func poisonedLabel(_ label: Int32, classes: Int) -> Int32 { Int32(classes - 1) - label }
    public mutating func rows(honest: Tensor, f: Int, rng: inout RNG) throws(FjordError) -> Tensor {
        throw .usage("label-flip acts on the Byzantine workers' training labels and has no gradient rows: use robust-agg train")
    }
}

/// Sign flip: every Byzantine sends −mean_H (byzfl's SignFlipping).
public struct SignFlipAttack: ByzantineAttack {
    public init() {}
    public var name: String { "sign-flip" }
    public mutating func rows(honest: Tensor, f: Int, rng: inout RNG) throws(FjordError) -> Tensor {
        tile(scaled(meanOfRows(honest, Array(0..<honest.shape[0])), -1), f)
    }
}

/// Inner-product manipulation (Xie, Koyejo, Gupta, UAI 2019): −ε·mean_H. With `mixtailor`, MixTailor's
/// ε-reverse: −(ε/f)·Σ_H g (so the Byzantine sum is −ε Σ_H g).
public struct IPMAttack: ByzantineAttack {
    public var epsilon: Double
    public var mixtailor: Bool
    public init(epsilon: Double, mixtailor: Bool = false) {
        self.epsilon = epsilon
        self.mixtailor = mixtailor
    }
    public var name: String { "ipm(ε=\(formatNumberShort(epsilon)))" }
    public mutating func rows(honest: Tensor, f: Int, rng: inout RNG) throws(FjordError) -> Tensor {
        let h = honest.shape[0]
        let factor = mixtailor ? -epsilon * Double(h) / Double(max(f, 1)) : -epsilon
        return tile(scaled(meanOfRows(honest, Array(0..<h)), Float(factor)), f)
    }
}

/// Gaussian noise: each Byzantine row ~ N(0, σ² I) (MixTailor uses σ = 200).
public struct GaussianAttack: ByzantineAttack {
    public var sigma: Double
    public init(sigma: Double = 200) { self.sigma = sigma }
    public var name: String { "gaussian(σ=\(formatNumberShort(sigma)))" }
    public mutating func rows(honest: Tensor, f: Int, rng: inout RNG) throws(FjordError) -> Tensor {
        scaled(rng.tensor([f, honest.shape[1]], .normal), Float(sigma))
    }
}

/// A little is enough (Baruch, Baruch, Goldberg, NeurIPS 2019): per coordinate μ_j − z σ_j over the honest rows
/// (σ with ddof 1). z from the paper: s = ⌊n/2 + 1⌋ − f, z = Φ⁻¹((n − s)/n); the common variant (epfml, blades)
/// uses Φ⁻¹((n − f − s)/(n − f)), which is 0 for n = 12, f = 2. `z` overrides both.
public struct ALIEAttack: ByzantineAttack {
    public enum Variant: String, Sendable { case paper, variant }
    public var variant: Variant
    public var z: Double?
    public var plus: Bool
    public init(variant: Variant = .paper, z: Double? = nil, plus: Bool = false) {
        self.variant = variant
        self.z = z
        self.plus = plus
    }
    public var name: String { "alie" }

    public static func zmax(n: Int, f: Int, variant: Variant) -> Double {
        let s = n / 2 + 1 - f
        let q = variant == .paper ? Double(n - s) / Double(n) : Double(n - f - s) / Double(n - f)
        return Normal.quantile(q)
    }

    public mutating func rows(honest: Tensor, f: Int, rng: inout RNG) throws(FjordError) -> Tensor {
        let h = honest.shape[0], d = honest.shape[1]
        guard h >= 2 else { throw .data("alie: needs at least 2 honest rows for a standard deviation") }
        let zz = z ?? ALIEAttack.zmax(n: h + f, f: f, variant: variant)
        var out = Tensor(uninitializedShape: [d])
        honest.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { o in
            for k in 0..<d {
                var m = 0.0
                for i in 0..<h { m += Double(x[i * d + k]) }
                m /= Double(h)
                var v = 0.0
                for i in 0..<h { let e = Double(x[i * d + k]) - m; v += e * e }
                let sd = (v / Double(h - 1)).squareRoot()
                o[k] = Float(plus ? m + zz * sd : m - zz * sd)
            }
        } }
        return tile(out, f)
    }
}

/// Mimic: every Byzantine copies honest worker 0's gradient.
public struct MimicAttack: ByzantineAttack {
    public init() {}
    public var name: String { "mimic" }
    public mutating func rows(honest: Tensor, f: Int, rng: inout RNG) throws(FjordError) -> Tensor {
        tile(selectRows(honest, [0]).reshaped([honest.shape[1]]), f)
    }
}

/// Fang et al. (USENIX Security 2020) against Krum: mal = w̄ − λ·sign(w̄), with λ halved from the paper's
/// upper bound until Krum (n rows, f Byzantine) selects a Byzantine row (or λ < 1e-5); f copies.
/// (Here the honest mean w̄ plays the reference direction, as in gradient space.)
public struct FangKrumAttack: ByzantineAttack {
    public init() {}
    public var name: String { "fang-krum" }
    public mutating func rows(honest: Tensor, f: Int, rng: inout RNG) throws(FjordError) -> Tensor {
        let h = honest.shape[0], d = honest.shape[1], n = h + f
        let mean = meanOfRows(honest, Array(0..<h))
        let dev = mean.scalars.map { $0 > 0 ? Float(1) : ($0 < 0 ? -1 : 0) }
        let dist = squaredDistances(honest).map { $0.squareRoot() }
        let k = max(1, n - f - 2)
        var minSum = Double.infinity
        for i in 0..<h {
            let row = (0..<h).filter { $0 != i }.map { dist[i * h + $0] }.sorted()
            minSum = min(minSum, row.prefix(max(1, min(k, row.count))).reduce(0, +))
        }
        let xs = honest.scalars, ms = mean.scalars
        var maxToMean = 0.0
        for i in 0..<h {
            var s2 = 0.0
            for k in 0..<d {
                let e = Double(xs[i * d + k]) - Double(ms[k])
                s2 += e * e
            }
            maxToMean = max(maxToMean, s2.squareRoot())
        }
        var lambda = minSum / (Double(max(n - 2 * f - 1, 1)) * Double(d).squareRoot()) + maxToMean / Double(d).squareRoot()
        var mal = mean
        while lambda >= 1e-5 {
            mal = Tensor(shape: [d], values: zip(mean.scalars, dev).map { $0 - Float(lambda) * $1 })
            let all = try stackRows(honest, tile(mal, f))
            if n > 2 * f + 2, let pick = try? KrumRule(f: f).selected(all).first, pick >= h { break }
            lambda /= 2
        }
        return tile(mal, f)
    }
}

/// Fang et al. against trimmed mean / median: per coordinate with the honest mean's sign s, Byzantine values drawn
/// uniformly beyond the honest extreme on the side opposite to s (w_max·[1, b] when s < 0, w_min·[1, b] when s > 0,
/// with b = 2 and the interval taken toward larger magnitude), independently for each of the f rows.
public struct FangTrimmedMeanAttack: ByzantineAttack {
    public init() {}
    public var name: String { "fang-trmean" }
    public mutating func rows(honest: Tensor, f: Int, rng: inout RNG) throws(FjordError) -> Tensor {
        let h = honest.shape[0], d = honest.shape[1]
        var out = Tensor(uninitializedShape: [f, d])
        let x = honest.scalars
        out.withUnsafeMutableBufferPointer { o in
            for k in 0..<d {
                var mx = -Float.infinity, mn = Float.infinity, s: Float = 0
                for i in 0..<h { let v = x[i * d + k]; mx = max(mx, v); mn = min(mn, v); s += v }
                for r in 0..<f {
                    let u = rng.uniform()
                    if s < 0 {        // push up: beyond the largest honest value
                        let lo = mx, hi = mx > 0 ? 2 * mx : mx / 2
                        o[r * d + k] = lo + u * (hi - lo)
                    } else {          // push down: below the smallest
                        let hi = mn, lo = mn < 0 ? 2 * mn : mn / 2
                        o[r * d + k] = lo + u * (hi - lo)
                    }
                }
            }
        }
        return out
    }
}

/// The tailored (adaptive) attacker of MixTailor: picks ε from a grid to minimise ⟨A(H ∪ f·ipm_ε), mean_H⟩ for
/// a known rule A, or summed over every rule of a pool (it knows the pool, not the step's draw). ipm_ε is Xie et
/// al.'s −ε·mean_H, or with `mixtailorScale` MixTailor's ε-reverse −(ε/f)·Σ_H.
public struct TailoredAttack: ByzantineAttack {
    public var targets: [any AggregationRule]
    public var grid: [Double]
    public var mixtailorScale: Bool
    public var lastEpsilon = 0.0
    public init(targets: [any AggregationRule], grid: [Double] = [0.1, 0.5, 1, 10, 100], mixtailorScale: Bool = false) {
        self.targets = targets
        self.grid = grid
        self.mixtailorScale = mixtailorScale
    }
    public var name: String { targets.count == 1 ? "tailored(\(targets[0].name))" : "tailored(pool of \(targets.count))" }

    public mutating func rows(honest: Tensor, f: Int, rng: inout RNG) throws(FjordError) -> Tensor {
        let h = honest.shape[0]
        let mean = meanOfRows(honest, Array(0..<h))
        var best = (eps: grid[0], score: Double.infinity, rows: honest)
        for eps in grid {
            var ipm = IPMAttack(epsilon: eps, mixtailor: mixtailorScale)
            let bad = try ipm.rows(honest: honest, f: f, rng: &rng)
            let all = try stackRows(honest, bad)
            var score = 0.0
            for k in targets.indices {
                var r = targets[k]
                var probe = RNG(seed: 0xA77AC)
                guard let agg = try? r.aggregate(all, rng: &probe) else { continue }
                score += Double(BLAS.dot(agg.count, agg.scalars, mean.scalars))
            }
            if score < best.score { best = (eps, score, bad) }
        }
        lastEpsilon = best.eps
        return best.rows
    }
}

/// The adaptive attack as MixTailor's code composes it (`Adaptive` in dbqf/attacks/attacks.py): for each pool
/// member A its own ε*(A) = argmin_ε ⟨A(H ∪ f·a_ε), mean_H⟩ with a_ε = −(ε/f)·Σ_H, then every Byzantine row is
/// −(1/f)·Σ_A a_{ε*(A)} = (Σ_A ε*(A) / f²)·Σ_H. The final sign flip turns the attack into a scaled-up honest
/// gradient; this is here to reproduce the paper's numbers, `tailored-pool` is the attack as the text describes it.
public struct PaperAdaptiveAttack: ByzantineAttack {
    public var targets: [any AggregationRule]
    public var grid: [Double]
    public init(targets: [any AggregationRule], grid: [Double] = [0.1, 0.5, 1, 10, 100]) {
        self.targets = targets
        self.grid = grid
    }
    public var name: String { "adaptive-paper(pool of \(targets.count))" }

    public mutating func rows(honest: Tensor, f: Int, rng: inout RNG) throws(FjordError) -> Tensor {
        var epsilonSum = 0.0
        for target in targets {
            var one = TailoredAttack(targets: [target], grid: grid, mixtailorScale: true)
            _ = try one.rows(honest: honest, f: f, rng: &rng)
            epsilonSum += one.lastEpsilon
        }
        let h = honest.shape[0]
        let fd = Double(max(f, 1))
        return tile(scaled(meanOfRows(honest, Array(0..<h)), Float(epsilonSum * Double(h) / (fd * fd))), f)
    }
}

func formatNumberShort(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e9 ? String(Int(v)) : String(v) }
