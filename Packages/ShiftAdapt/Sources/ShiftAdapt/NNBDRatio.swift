import Exchange
import Kernel
import Learn

/// The non-negative Bregman (nnBD-LSIF) density ratio of the FTW-ERM code (`dafl/ratio_estimation.py`, adapted from
/// Kato & Teshima's D3RE, ICLR 2021): a neural model r_θ(x) (here an MLP d → hidden → 1 with ReLU, trained through
/// Learn's training loop with Adam) fitted on paired minibatches of train (denominator) and test (numerator) rows.
/// With C an upper bound on the true ratio r* = p_te/p_tr,
///
///     L_tr = mean_tr(r²/2),   L_mid = mean_te(r²/(2C)),   L_te = mean_te(−r + r²/(2C))
///     loss = L_te − L_mid + L_tr = ½ E_tr[r²] − E_te[r]         (uLSIF)   when L_tr − L_mid ≥ 0,
///     loss = −(L_tr − L_mid)                                     (ascend)  otherwise.
///
/// The corrected term ∫(p_tr − p_te/C) r²/2 is ≥ 0 for every C ≥ sup r*, so an over-estimate of C is safe; the
/// correction stops the flexible model from driving the empirical uLSIF loss to −∞ by over-fitting the test rows.
/// `descentOnly` drops it (plain neural uLSIF). After fitting, r̂ = max(r_θ, 10⁻⁴) (the reference's `ForcePositive`).
///
/// C, when not given, is estimated as the reference's `runner_upper_bound_estimate.py` does: k-means (10 clusters,
/// here Lloyd's algorithm from a seeded k-means++ start) on train ∪ test, then the largest over clusters of the
/// cluster's share of the test rows over its share of the train rows (clusters without train rows skipped).
public struct NNBDRatio: Sendable {
    public struct Options: Sendable {
        public var hidden = 64
        public var steps = 1000
        /// Train rows and test rows per step.
        public var batch = 128
        public var rate: Float = 1e-3
        public var weightDecay: Float = 1e-6
        /// The upper bound C on the ratio (nil: estimated by k-means).
        public var bound: Double?
        public var clusters = 10
        public var descentOnly = false
        public var seed: UInt64 = 0
        public init() {}
    }

    public let dimension: Int
    public let hidden: Int
    /// The fitted MLP's flat parameters.
    public let parameters: [Float]
    /// C, and whether it was estimated.
    public let bound: Double
    public let boundEstimated: Bool

    public init(numerator x: [Double], denominator y: [Double], dimension d: Int, _ o: Options = Options()) throws {
        guard d >= 1, x.count % d == 0, y.count % d == 0, x.count >= d, y.count >= d else {
            throw FjordError.data("nnbd: both samples need ≥ 1 row of \(d) features")
        }
        guard x.allSatisfy(\.isFinite), y.allSatisfy(\.isFinite) else {
            throw FjordError.data("nnbd: a sample has NaN or infinite features")
        }
        guard o.hidden >= 1, o.steps >= 1, o.batch >= 1, o.rate > 0, o.rate.isFinite, o.clusters >= 1 else {
            throw FjordError.usage("nnbd: hidden, steps, batch and clusters ≥ 1, a finite rate > 0")
        }
        if let c = o.bound, !(c > 0 && c.isFinite) {
            throw FjordError.usage("nnbd: the bound C must be finite and > 0")
        }
        let c =
            try o.bound
            ?? Self.upperBound(numerator: x, denominator: y, dimension: d, clusters: o.clusters, seed: o.seed)
        let ny = y.count / d
        let rows = try Dataset(
            name: "nnbd", features: Tensor(shape: [ny + x.count / d, d], values: (y + x).map(Float.init)),
            labels: [Int32](repeating: 0, count: ny + x.count / d), classes: 1)
        let model = Sequential.mlp([d, o.hidden, 1], init: .he, seed: o.seed)
        var rng = RNG(seed: o.seed, stream: 0x3BD)
        var order = Array(0..<(rows.count - ny))
        rng.shuffle(&order)
        let loss = Loss(
            model: model, rows: rows, trainRows: ny, bound: c, descentOnly: o.descentOnly, order: order, rng: rng)
        var config = TrainingConfig(steps: o.steps, batchSize: min(o.batch, ny))
        config.seed = o.seed
        try trainAlone(
            model, objective: loss, optimizer: Adam(.constant(o.rate), weightDecay: o.weightDecay), config: config)
        dimension = d
        hidden = o.hidden
        parameters = model.parameterValues
        bound = c
        boundEstimated = o.bound == nil
    }

    /// r̂ = max(r_θ, 10⁻⁴) at rows of `points` (n×d).
    public func ratio(_ points: [Double]) -> [Double] {
        let n = points.count / dimension
        guard n > 0 else { return [] }
        let model = Sequential.mlp([dimension, hidden, 1])
        _ = parameters.withUnsafeBufferPointer { model.parameterBuffer.update(fromContentsOf: $0) }
        return model.forward(Tensor(shape: [n, dimension], values: points.map(Float.init))).scalars.map {
            max(Double($0), 1e-4)
        }
    }

    /// The reference's estimate of sup r*: k-means on train ∪ test, the largest test-share over train-share.
    public static func upperBound(
        numerator x: [Double], denominator y: [Double], dimension d: Int, clusters k: Int = 10, seed: UInt64 = 0
    ) throws(FjordError) -> Double {
        let nx = x.count / d, ny = y.count / d
        let assignment = kMeans(y + x, dimension: d, clusters: k, seed: seed)
        var test = [Double](repeating: 0, count: k), train = test
        for (i, a) in assignment.enumerated() {
            if i < ny { train[a] += 1 / Double(ny) } else { test[a] += 1 / Double(nx) }
        }
        let best = (0..<k).filter { train[$0] > 0 }.map { test[$0] / train[$0] }.max() ?? 1
        return max(best, 1)
    }

    /// Lloyd's k-means (at most 100 rounds) from a seeded k-means++ start; the cluster of each row.
    static func kMeans(_ p: [Double], dimension d: Int, clusters k0: Int, seed: UInt64) -> [Int] {
        let n = p.count / d, k = min(k0, n)
        var rng = RNG(seed: seed, stream: 0x4B3A)
        func dist(_ i: Int, _ c: [Double], _ j: Int) -> Double {
            var s = 0.0
            for t in 0..<d {
                let v = p[i * d + t] - c[j * d + t]
                s += v * v
            }
            return s
        }
        let first = rng.int(below: n)
        var centres = Array(p[(first * d)..<(first * d + d)])
        var nearest = (0..<n).map { dist($0, centres, 0) }
        for _ in 1..<k {
            let total = nearest.reduce(0, +)
            var u = rng.uniformDouble() * total, pick = n - 1
            if total > 0 {
                for i in 0..<n {
                    u -= nearest[i]
                    if u < 0 {
                        pick = i
                        break
                    }
                }
            } else {
                pick = rng.int(below: n)
            }
            centres += p[(pick * d)..<(pick * d + d)]
            let j = centres.count / d - 1
            for i in 0..<n { nearest[i] = min(nearest[i], dist(i, centres, j)) }
        }
        var assignment = [Int](repeating: -1, count: n)
        for _ in 0..<100 {
            var changed = false
            for i in 0..<n {
                var best = 0, bestD = Double.infinity
                for j in 0..<k {
                    let v = dist(i, centres, j)
                    if v < bestD { (best, bestD) = (j, v) }
                }
                if assignment[i] != best { (assignment[i], changed) = (best, true) }
            }
            if !changed { break }
            var sums = [Double](repeating: 0, count: k * d), counts = [Int](repeating: 0, count: k)
            for i in 0..<n {
                counts[assignment[i]] += 1
                for t in 0..<d { sums[assignment[i] * d + t] += p[i * d + t] }
            }
            for j in 0..<k where counts[j] > 0 {
                for t in 0..<d { centres[j * d + t] = sums[j * d + t] / Double(counts[j]) }
            }
        }
        return assignment
    }

    /// The nnBD loss of one step: the trainer's batch of train rows and as many test rows, from a per-pass
    /// shuffle of the test rows (the reference's second data loader).
    struct Loss: Objective {
        let model: Sequential
        let rows: Dataset
        let trainRows: Int
        let bound: Double
        let descentOnly: Bool
        var order: [Int]
        var cursor = 0
        var rng: RNG
        var rowCount: Int { trainRows }

        mutating func loss(
            batch: [Int], parameters: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>
        ) throws(FjordError) -> Double {
            var test: [Int] = []
            while test.count < min(batch.count, order.count) {
                if cursor == order.count {
                    rng.shuffle(&order)
                    cursor = 0
                }
                test.append(trainRows + order[cursor])
                cursor += 1
            }
            let own = model.parameterBuffer
            if parameters.baseAddress != UnsafePointer(own.baseAddress) { _ = own.update(fromContentsOf: parameters) }
            model.zeroGradients()
            let r = model.forward(rows.batch(batch + test).x).scalars.map(Double.init)
            let ntr = Double(batch.count), nte = Double(test.count), c = bound
            var ltr = 0.0, lmid = 0.0, lte = 0.0
            for (i, v) in r.enumerated() {
                if i < batch.count {
                    ltr += v * v / (2 * ntr)
                } else {
                    lmid += v * v / (2 * c * nte)
                    lte += (-v + v * v / (2 * c)) / nte
                }
            }
            let ascend = !descentOnly && ltr - lmid < 0
            let loss = ascend ? -(ltr - lmid) : lte - lmid + ltr
            guard loss.isFinite else { throw .data("nnbd: the loss is not finite (diverged; lower the rate)") }
            let dr = r.enumerated().map { i, v -> Float in
                if i < batch.count { return Float(ascend ? -v / ntr : v / ntr) }
                return Float(ascend ? v / (c * nte) : -1 / nte)
            }
            _ = model.backward(Tensor(shape: [r.count, 1], values: dr), inputGradient: false)
            let g = model.gradientBuffer
            if gradient.baseAddress != g.baseAddress { _ = gradient.update(fromContentsOf: g) }
            return loss
        }
    }
}
