import Kernel
import Learn
import Testing

@testable import ShiftAdapt

/// nnBD-LSIF against its definition (the loss's gradient by central differences on both branches), a known
/// Gaussian ratio, identical samples, and the k-means bound on clusters whose shares are known; colored digits' and
/// the selection shift's true weights against their definitions.
@Suite struct NNBDRatioTests {
    static func normal(_ n: Int, mean: Double, seed: UInt64) -> [Double] {
        var rng = RNG(seed: seed)
        return (0..<n).map { _ in mean + Double(rng.normal()) }
    }

    /// The objective's gradient along a random unit direction against a central difference of its loss, with C
    /// large (the uLSIF branch) and tiny (the non-negative correction ascends).
    @Test(arguments: [100.0, 0.05]) func lossGradientMatchesFiniteDifferences(bound: Double) throws {
        let x = Self.normal(80, mean: 0.5, seed: 1), y = Self.normal(80, mean: 0, seed: 2)
        let rows = try Dataset(
            name: "t", features: Tensor(shape: [80, 2], values: (y + x).map(Float.init)),
            labels: [Int32](repeating: 0, count: 80), classes: 1)
        let model = Sequential.mlp([2, 8, 1], activation: .tanh, init: .he, seed: 3)
        let loss = NNBDRatio.Loss(
            model: model, rows: rows, trainRows: 20, bound: bound, descentOnly: false, order: Array(0..<20),
            rng: RNG(seed: 4))
        let theta = model.parameterValues
        var rng = RNG(seed: 5)
        var v = (0..<theta.count).map { _ in Double(rng.normal()) }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        v = v.map { $0 / norm }
        let batch = Array(0..<20)
        func value(_ t: Double) throws -> (Double, [Float]) {
            var copy = loss
            copy.cursor = 0
            let p = zip(theta, v).map { Float(Double($0) + t * $1) }
            var g = [Float](repeating: 0, count: theta.count)
            let l = try p.withUnsafeBufferPointer { pb in
                try g.withUnsafeMutableBufferPointer { gb in try copy.loss(batch: batch, parameters: pb, gradient: gb) }
            }
            return (l, g)
        }
        let (_, g) = try value(0)
        let h = 1e-3
        let fd = (try value(h).0 - value(-h).0) / (2 * h)
        let analytic = zip(g, v).reduce(0) { $0 + Double($1.0) * $1.1 }
        #expect(abs(fd - analytic) <= 0.02 * max(abs(fd), 1e-3), "C = \(bound): fd \(fd), analytic \(analytic)")
    }

    /// Denominator N(0, 1), numerator N(0.5, 1): r(x) = exp(0.5x − 0.125); the mean |r̂ − r| on |x| ≤ 1.5 is below
    /// 0.2 and Σ r̂/n over the denominator within 0.15 of 1. Identical samples give r̂ within 0.15 of 1 on average.
    @Test func recoversAKnownRatioAndOneOnIdenticalSamples() throws {
        let y = Self.normal(1000, mean: 0, seed: 10), x = Self.normal(1000, mean: 0.5, seed: 11)
        let fit = try NNBDRatio(numerator: x, denominator: y, dimension: 1)
        #expect(fit.boundEstimated && fit.bound >= 1)
        let grid = stride(from: -1.5, through: 1.5, by: 0.1).map { $0 }
        let error = zip(grid, fit.ratio(grid)).reduce(0.0) { $0 + abs($1.1 - exp(0.5 * $1.0 - 0.125)) } / 31
        #expect(error < 0.2, "mean |r̂ − r| \(error)")
        let mass = fit.ratio(y).reduce(0, +) / 1000
        #expect(abs(mass - 1) < 0.15, "mean r̂ over the denominator \(mass)")
        let same = try NNBDRatio(numerator: y, denominator: y, dimension: 1)
        let r = same.ratio(y)
        #expect(abs(r.reduce(0, +) / 1000 - 1) < 0.15 && r.allSatisfy { $0 >= 1e-4 })
    }

    /// Two far-apart clusters holding half the train rows each and 90% / 10% of the test rows: C = 0.9/0.5.
    @Test func boundOnSeparatedClusters() throws {
        let y = (0..<100).map { Double($0 % 2) * 100 + Double($0) * 1e-3 }
        let x = (0..<100).map { Double($0 < 90 ? 0 : 1) * 100 + Double($0) * 1e-3 }
        let c = try NNBDRatio.upperBound(numerator: x, denominator: y, dimension: 1, clusters: 2)
        #expect(abs(c - 1.8) < 1e-12, "\(c)")
    }

    /// Colored digits: each training row's colour agrees with its label with probability 1 − e_tr; the true
    /// weights average to 1 over the training rows (an importance weight integrates to 1 under the train law);
    /// with no label noise the covariate ratio is the joint one.
    @Test func coloredDigitsWeightsFollowTheirDefinition() throws {
        let digits = BundledData.digits.load()
        let s = try ColoredDigits.split(digits, trainRows: 4000, testRows: 100, seed: 1)
        let w = s.trueWeights(combined: false)
        guard case .colour(let c) = s.truth else {
            Issue.record("not a colour split")
            return
        }
        for k in 0..<2 {
            let rows = s.trainRows[k]
            let agree = Double(rows.filter { Int32(c.colours[$0]) == s.data.labels[$0] }.count) / 4000
            let e = ColoredDigits.reference[k].trainFlip
            #expect(abs(agree - (1 - e)) < 4 * (e * (1 - e) / 4000).squareRoot(), "client \(k): \(agree)")
            #expect(abs(w[k].reduce(0, +) / 4000 - 1) < 0.1, "client \(k)")
        }
        #expect(Set(w[0].map { ($0 * 1e9).rounded() }) == [1.6e9, 0.4e9])  // (1 − 0.2)/(1 − 0.5), 0.2/0.5
        let clean = try ColoredDigits.split(digits, labelNoise: 0, trainRows: 200, testRows: 50, seed: 2)
        let joint = clean.trueWeights(combined: true), covariate = clean.trueCovariateWeights(combined: true)!
        #expect(zip(joint, covariate).allSatisfy { zip($0, $1).allSatisfy { abs($0 - $1) < 1e-12 } })
        #expect(throws: FjordError.self) { try FederatedShift.run(clean, .vrls, FederatedShift.Options()) }
    }

    /// The selection shift's true weights are importance weights: they average to 1 over each client's training
    /// rows (FITW and FTW; at β = 0.25, where they are light-tailed enough for 20000 draws to show it to 5%), and
    /// with one client FTW's pooled test is the client's own.
    @Test func selectionShiftWeightsAverageToOne() throws {
        let digits = BundledData.digits.load()
        let s = try SelectionShift.split(digits, clients: 3, beta: 0.25, trainRows: 20000, testRows: 10, seed: 4)
        for combined in [false, true] {
            for (k, w) in s.trueWeights(combined: combined).enumerated() {
                #expect(w.allSatisfy { $0 > 0 && $0.isFinite })
                #expect(abs(w.reduce(0, +) / Double(w.count) - 1) < 0.05, "client \(k), combined \(combined)")
            }
        }
        let one = try SelectionShift.split(digits, clients: 1, trainRows: 50, testRows: 10, seed: 5)
        #expect(one.trueWeights(combined: true) == one.trueWeights(combined: false))
        #expect(one.trueCovariateWeights(combined: false) == one.trueWeights(combined: false))
    }
}

#if canImport(Glibc)
    import Glibc
#endif
