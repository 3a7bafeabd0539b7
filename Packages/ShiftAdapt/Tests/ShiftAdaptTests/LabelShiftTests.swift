import CShift
import Exchange
import Kernel
import Testing

@testable import ShiftAdapt

/// The estimators against closed forms: exact posteriors of a known mixture, perfect classifiers, the reference
/// code's federated ratios.
@Suite struct LabelShiftTests {
    /// Exact Bayes posteriors of a 1-D mixture (class c ~ N(μ_c, 1), priors `prior`) at the points.
    static func posteriors(_ xs: [Double], means: [Double], prior: [Double]) -> Posteriors {
        let m = means.count
        var v: [Double] = []
        for x in xs {
            let l = (0..<m).map { prior[$0] * exp(-0.5 * (x - means[$0]) * (x - means[$0])) }
            let s = l.reduce(0, +)
            v += l.map { $0 / s }
        }
        return Posteriors(rows: xs.count, classes: m, values: v)
    }

    /// n points and labels from the mixture with class prior q.
    static func draw(_ n: Int, means: [Double], prior q: [Double], seed: UInt64) -> ([Double], [Int]) {
        var rng = RNG(seed: seed)
        var xs: [Double] = [], ys: [Int] = []
        for _ in 0..<n {
            let u = rng.uniformDouble()
            var c = 0, acc = q[0]
            while u >= acc && c < q.count - 1 {
                c += 1
                acc += q[c]
            }
            xs.append(means[c] + Double(rng.normal()))
            ys.append(c)
        }
        return (xs, ys)
    }

    static let means = [-2.0, 0, 2], pi = [0.5, 0.3, 0.2], q = [0.1, 0.3, 0.6]

    /// With the exact posteriors under π, EM recovers the target prior of a 20,000-point sample to sampling error,
    /// and its weights satisfy Σ w π = 1; on the source sample itself it finds no shift.
    @Test func emRecoversAKnownPrior() throws {
        let (xt, yt) = Self.draw(20000, means: Self.means, prior: Self.q, seed: 1)
        let f = Self.posteriors(xt, means: Self.means, prior: Self.pi)
        let e = try EMLabelShift.estimate(target: f, source: Self.pi, convention: .holdoutLabels)
        var empirical = [Double](repeating: 0, count: 3)
        for y in yt { empirical[y] += 1 / 20000 }
        for c in 0..<3 { #expect(abs(e.target[c] - empirical[c]) < 0.015, "q̂ \(e.target) against \(empirical)") }
        #expect(e.converged && abs(e.normalisation - 1) < 1e-9)
        let (xs, _) = Self.draw(5000, means: Self.means, prior: Self.pi, seed: 2)
        let fs = Self.posteriors(xs, means: Self.means, prior: Self.pi)
        let none = try EMLabelShift.estimate(target: fs, source: fs.mean, convention: .meanPosterior)
        #expect(none.iterations == 1 && none.weights.allSatisfy { abs($0 - 1) < 1e-12 }, "\(none.weights)")
    }

    /// A perfect classifier makes Ĉ diagonal: BBSE (hard and soft) and RLLS with Δ = 0 give exactly the ratio of the
    /// target's and the hold-out's label frequencies.
    @Test func bbseIsExactWithAPerfectConfusionMatrix() throws {
        func oneHot(_ ys: [Int]) -> Posteriors {
            Posteriors(rows: ys.count, classes: 3, values: ys.flatMap { y in (0..<3).map { $0 == y ? 1.0 : 0 } })
        }
        let hy = [0, 0, 0, 0, 0, 1, 1, 1, 2, 2], ty = [0, 1, 1, 2, 2, 2, 2, 2]
        let truth = [(1.0 / 8) / 0.5, (2.0 / 8) / 0.3, (5.0 / 8) / 0.2]
        for method in [LabelShiftMethod.bbse, .bbseSoft, .rlls] {
            let e = try LabelShift.estimate(
                method, holdout: oneHot(hy), labels: hy, target: oneHot(ty), rllsAlpha: 0)
            for c in 0..<3 { #expect(abs(e.weights[c] - truth[c]) < 1e-6, "\(method): \(e.weights) against \(truth)") }
            #expect(e.convention == .holdoutLabels && abs(e.normalisation - 1) < 1e-6)
        }
    }

    /// On the mixture (an imperfect classifier), soft BBSE's unclipped weights satisfy Σ w p = 1 exactly; RLLS with
    /// a large Δ shrinks to no shift (w = 1), and every RLLS weight is ≥ 0.
    @Test func bbseNormalisesAndRllsShrinks() throws {
        let (xh, yh) = Self.draw(3000, means: Self.means, prior: Self.pi, seed: 3)
        let (xt, _) = Self.draw(3000, means: Self.means, prior: Self.q, seed: 4)
        let h = Self.posteriors(xh, means: Self.means, prior: Self.pi)
        let t = Self.posteriors(xt, means: Self.means, prior: Self.pi)
        let soft = try LabelShift.estimate(.bbseSoft, holdout: h, labels: yh, target: t)
        #expect(soft.clipped == 0 && abs(soft.normalisation - 1) < 1e-9)
        for c in 0..<3 { #expect(abs(soft.weights[c] - Self.q[c] / Self.pi[c]) < 0.15, "\(soft.weights)") }
        let shrunk = try LabelShift.estimate(.rlls, holdout: h, labels: yh, target: t, rllsAlpha: 1000)
        #expect(shrunk.weights.allSatisfy { abs($0 - 1) < 1e-6 }, "\(shrunk.weights)")
        let rlls = try LabelShift.estimate(.rlls, holdout: h, labels: yh, target: t)
        #expect(rlls.weights.allSatisfy { $0 >= 0 })
    }

    /// The reference code's test vectors: `5clients` (research §2) and the 4-class case of its
    /// `test_get_ratios_combined`.
    @Test func federatedRatiosMatchTheReferenceCode() throws {
        let c = ShiftConfiguration.fiveClients()
        let fitw = c.ratios(combined: false)[0], ftw = c.ratios(combined: true)[0]
        let expectFitw = [171, 1, 1, 1, 1, 0.0058479532, 1, 1, 1, 1]
        let expectFtw = [35, 35, 35, 35, 35, 0.0058479532, 1, 1, 1, 1]
        for i in 0..<10 {
            #expect(abs(fitw[i] - expectFitw[i]) < 1e-6 * expectFitw[i], "FITW \(fitw)")
            #expect(abs(ftw[i] - expectFtw[i]) < 1e-6 * expectFtw[i], "FTW \(ftw)")
        }
        #expect(abs(c.share(client: 0, of: 5) - 0.977142857) < 1e-6)
        #expect(abs(c.share(client: 0, of: 1) - 0.0057142857) < 1e-6)
        let four = try ShiftConfiguration(name: "test", classes: 4, train: [[:], [:]], test: [[0: 0.5], [1: 0.5]])
        let combined = four.ratios(combined: true), own = four.ratios(combined: false)
        let a: Double = 4.0 / 3, b: Double = 2.0 / 3
        let wanted: [[Double]] = [[a, a, b, b], [a, a, b, b], [2, b, b, b], [b, 2, b, b]]
        for (got, want) in zip(combined + own, wanted) {
            #expect(zip(got, want).allSatisfy { abs($0 - $1) < 1e-12 }, "\(got) against \(want)")
        }
    }

    /// Multi-node aggregation on the reference code's `5clients`: with every node's q̂ its true test distribution,
    /// `mean` pooling gives exactly the FTW-ERM ratios and `sum` five times them; each node sends 4m bytes.
    @Test func multiNodeWeightsAreTheFtwRatios() throws {
        let c = ShiftConfiguration.fiveClients()
        let ftw = c.ratios(combined: true)
        for pooling in MultiNodeLabelShift.Pooling.allCases {
            let got = try LocalCommunicator.run(workers: 5) { comm in
                (
                    try MultiNodeLabelShift.weights(
                        comm, target: c.test[comm.rank], trainFrequencies: c.train[comm.rank], pooling: pooling),
                    comm.traffic.sent
                )
            }
            for k in 0..<5 {
                let want = ftw[k].map { $0 * (pooling == .sum ? 5 : 1) }
                #expect(
                    zip(got[k].0, want).allSatisfy { abs($0 - $1) <= 1e-5 * $1 }, "\(pooling) node \(k): \(got[k].0)")
                #expect(got[k].1 == 40, "node \(k) sent \(got[k].1) bytes")
            }
        }
    }

    /// BCTS on logits 3z + c of a model whose true posteriors are softmax(z) recovers T = 3 and lowers the NLL to
    /// that of the true posteriors; TS alone recovers T but not the bias.
    @Test func bctsRecoversTemperatureAndBias() throws {
        var rng = RNG(seed: 5)
        let n = 1500, m = 4
        var z: [Double] = [], ys: [Int] = []
        let shift = [0.5, -1.0, 0.2, 0.3]
        var trueNLL = 0.0
        for _ in 0..<n {
            let zi = (0..<m).map { _ in 1.5 * Double(rng.normal()) }
            var p = zi.map { exp($0) }
            let s = p.reduce(0, +)
            p = p.map { $0 / s }
            let u = rng.uniformDouble()
            var c = 0, acc = p[0]
            while u >= acc && c < m - 1 {
                c += 1
                acc += p[c]
            }
            ys.append(c)
            trueNLL -= log(p[c]) / Double(n)
            z += (0..<m).map { 3 * zi[$0] + shift[$0] }
        }
        let b = try Calibration(.bcts, logits: z, labels: ys, classes: m)
        #expect(abs(b.temperature! - 3) < 0.4, "T = \(b.temperature!), \(b.iterations) iterations")
        #expect(b.nll.after < b.nll.before && abs(b.nll.after - trueNLL) < 0.01, "\(b.nll), true \(trueNLL)")
        let t = try Calibration(.ts, logits: z, labels: ys, classes: m)
        #expect(t.nll.after > b.nll.after && t.nll.after < t.nll.before)
        let v = try Calibration(.vs, logits: z, labels: ys, classes: m)
        #expect(v.nll.after <= b.nll.after + 1e-3)
    }

    /// Dirichlet priors: on the simplex, mean 1/m and variance (1/m)(1 − 1/m)/(mα + 1); tweak-one as defined.
    @Test func dirichletMomentsAndTweakOne() throws {
        var rng = RNG(seed: 6)
        for alpha in [0.1, 1, 10] {
            let m = 5, draws = 20000
            var mean = 0.0, sq = 0.0
            for _ in 0..<draws {
                let q = try PriorShift.dirichlet(alpha: alpha, classes: m, rng: &rng)
                #expect(abs(q.reduce(0, +) - 1) < 1e-9 && q.allSatisfy { $0 >= 0 })
                mean += q[0] / Double(draws)
                sq += q[0] * q[0] / Double(draws)
            }
            let variance = (1.0 / 5) * (4.0 / 5) / (5 * alpha + 1)
            #expect(abs(mean - 0.2) < 0.01 && abs((sq - mean * mean) / variance - 1) < 0.05, "α \(alpha)")
        }
        let t = try PriorShift.tweakOne(rho: 0.7, target: 2, classes: 4)
        #expect(abs(t[2] - 0.7) < 1e-12 && abs(t[0] - 0.1) < 1e-12)
    }

    @Test func badInputIsRefused() throws {
        #expect(throws: FjordError.self) { try Posteriors(probabilities: Tensor(shape: [1, 2], values: [0.5, 0.6])) }
        #expect(throws: FjordError.self) { try Posteriors(probabilities: Tensor(shape: [1, 2], values: [-0.1, 1.1])) }
        #expect(throws: FjordError.self) { try classLabels(Tensor([0, 3]), classes: 3) }
        #expect(throws: FjordError.self) { try classLabels(Tensor([0.5]), classes: 3) }
        // a class never predicted: singular confusion matrix
        let h = try Posteriors(probabilities: Tensor(shape: [2, 2], values: [1, 0, 1, 0]))
        #expect(throws: FjordError.self) { try LabelShift.estimate(.bbse, holdout: h, labels: [0, 1], target: h) }
        #expect(throws: FjordError.self) {
            try EMLabelShift.estimate(target: h, source: [1, 0], convention: .holdoutLabels)
        }
    }
}

#if canImport(Glibc)
    import Glibc
#endif

/// The C EM kernel: its AVX2 and portable paths give the same bits, and EM on float32 probabilities straight from a
/// tensor (not renormalised) gives the Double path's estimate.
@Suite(.serialized) struct EMKernelTests {
    @Test func avx2AndPortablePathsAgreeAndFloatMatchesDouble() throws {
        var rng = RNG(seed: 3)
        let n = 999, m = 11  // odd sizes: remainders in rows and classes
        var v = [Float](repeating: 0, count: n * m)
        for i in 0..<n {
            var s: Float = 0
            for c in 0..<m {
                v[i * m + c] = exp(2 * rng.normal())
                s += v[i * m + c]
            }
            for c in 0..<m { v[i * m + c] /= s }
        }
        let t = Tensor(shape: [n, m], values: v)
        let pi = [Double](repeating: 1 / Double(m), count: m)
        let fast = try EMLabelShift.estimate(targetProbabilities: t, source: pi, convention: .holdoutLabels)
        fjs_use_registers(0)
        let portable = try EMLabelShift.estimate(targetProbabilities: t, source: pi, convention: .holdoutLabels)
        let portableDouble = try EMLabelShift.estimate(
            target: try Posteriors(probabilities: t), source: pi, convention: .holdoutLabels)
        fjs_use_registers(1)
        let double = try EMLabelShift.estimate(
            target: try Posteriors(probabilities: t), source: pi, convention: .holdoutLabels)
        #expect(fast.weights == portable.weights && fast.iterations == portable.iterations)
        #expect(double.weights == portableDouble.weights)
        #expect(zip(fast.weights, double.weights).allSatisfy { abs($0 - $1) < 1e-9 })
        var bad = v
        bad[5 * m + 2] = .nan
        #expect(throws: FjordError.self) {
            try EMLabelShift.estimate(
                targetProbabilities: Tensor(shape: [n, m], values: bad), source: pi, convention: .holdoutLabels)
        }
    }
}
