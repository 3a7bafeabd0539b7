import CRobust
import Kernel
import Learn
import Testing

@testable import RobustAgg

func stack(_ rows: [[Float]]) -> Tensor { Tensor(shape: [rows.count, rows[0].count], values: rows.flatMap { $0 }) }

func agg(_ r: some AggregationRule, _ x: Tensor) throws -> [Float] {
    var rule = r
    var rng = RNG(seed: 0)
    return try rule.aggregate(x, rng: &rng).scalars
}

@Suite struct RuleTests {
    @Test func medianOddEvenLowerTiesDuplicates() throws {
        #expect(try agg(MedianRule(), stack([[1, 9], [3, 2], [2, 2]])) == [2, 2])
        #expect(try agg(MedianRule(), stack([[1, 4], [3, 2], [2, 8], [10, 6]])) == [2.5, 5])
        #expect(try agg(MedianRule(lower: true), stack([[1, 4], [3, 2], [2, 8], [10, 6]])) == [2, 4])
        #expect(try agg(MedianRule(), stack([[5], [5], [5], [1]])) == [5])
        #expect(try agg(MedianRule(), stack([[7, -1]])) == [7, -1])
    }

    /// Majority vote of signs: ties and all-zero columns give 0; magnitudes do not matter, only the votes.
    @Test func signMajority() throws {
        let x = stack([[3, -1, 0, 2, -0.0], [1e-9, -5, 0, -2, 0], [-100, 4, 0, 0, 0]])
        #expect(try agg(SignMajorityRule(), x) == [1, -1, 0, 0, 0])
        #expect(throws: FjordError.self) { try agg(SignMajorityRule(), stack([[1], [.nan]])) }
    }

    @Test func trimmedMean() throws {
        #expect(try agg(TrimmedMeanRule(trim: 1), stack([[1], [100], [3], [-50], [5]])) == [3])
        #expect(try agg(TrimmedMeanRule(trim: 0), stack([[1], [2], [6]])) == [3])
        #expect(throws: FjordError.self) { try agg(TrimmedMeanRule(trim: 2), stack([[1], [2], [3], [4]])) }
    }

    /// The column kernel against sorting each column, for every n up to 70 and widths across tile edges.
    @Test func columnKernelMatchesSorting() throws {
        var g = RNG(seed: 3)
        for n in [1, 2, 3, 5, 8, 12, 13, 16, 17, 31, 33, 64, 70] {
            for d in [1, 255, 257, 600, 1024] {
                let x = g.tensor([n, d])
                let v = x.scalars
                let b = n / 4
                let med = try agg(MedianRule(), x), tm = try agg(TrimmedMeanRule(trim: b), x)
                for k in 0..<d {
                    let col = (0..<n).map { v[$0 * d + k] }.sorted()
                    let m = n % 2 == 1 ? col[n / 2] : (col[n / 2 - 1] + col[n / 2]) / 2
                    let t = col[b..<(n - b)].reduce(0, +) / Float(n - 2 * b)
                    #expect(
                        abs(med[k] - m) <= 1e-6 * max(1, abs(m)) && abs(tm[k] - t) <= 1e-5 * max(1, abs(t)),
                        "n \(n) d \(d) k \(k)")
                    if abs(med[k] - m) > 1e-6 * max(1, abs(m)) { return }
                }
            }
        }
    }

    /// The AVX2 path (16-row blocks sorted in registers) and the portable path apply the same comparators, so they
    /// give the same bits, ties and signed zeros included.
    @Test func registerAndPortablePathsAgreeBitwise() throws {
        var g = RNG(seed: 5)
        for n in [4, 12, 16, 23, 64, 70] {
            let d = 300
            var v = g.tensor([n, d]).scalars
            // ties in the first third of the columns (the rest have sums whose bits depend on the order)
            for k in v.indices where k % d < d / 3 { v[k] = (v[k] * 4).rounded() / 4 }
            for k in stride(from: 0, to: v.count, by: 7) where k % d < d / 3 { v[k] = k % 2 == 0 ? 0 : -0.0 }
            let x = Tensor(shape: [n, d], values: v)
            for rule in [MedianRule(), MedianRule(lower: true)] as [any AggregationRule] + [
                TrimmedMeanRule(trim: n / 4)
            ] {
                let fast = try agg(rule, x)
                fjr_use_registers(0)
                let portable = try agg(rule, x)
                fjr_use_registers(1)
                let differing = zip(fast, portable).filter { $0.bitPattern != $1.bitPattern }.count
                #expect(differing == 0, "n \(n) \(rule): \(differing) of \(d) coordinates differ")
            }
        }
    }

    /// Median, trimmed mean and geomed split columns across threads; the bytes must not depend on the count (the
    /// geometric median sums its distances per fixed 2¹⁸-column chunk, so d spans two chunks here).
    @Test func threadCountDoesNotChangeTheBits() throws {
        var g = RNG(seed: 8)
        let x = g.tensor([5, (1 << 18) + 1000])
        for make in [
            { MedianRule(threads: $0) }, { TrimmedMeanRule(trim: 1, threads: $0) },
            { GeometricMedianRule(threads: $0) },
        ] as [(Int) -> any AggregationRule] {
            let one = try agg(make(1), x).map(\.bitPattern)
            for t in [2, 3, 8] {
                #expect(try agg(make(t), x).map(\.bitPattern) == one, "\(make(t).name) with \(t) threads")
            }
        }
    }

    @Test func krumPicksTheClusterAndChecksItsBound() throws {
        // 5 honest points near 0, 2 far outliers: n = 7 = 2f + 3 with f = 2 (the minimum)
        let x = stack([[0, 0], [0.1, 0], [0, 0.1], [-0.1, 0], [0, -0.1], [10, 10], [10, 10.1]])
        // scores with k = n−f−2 = 3 nearest, squared: point 0 has 0.01·3 = 0.03, the least
        #expect(try KrumRule(f: 2).selected(x) == [0])
        #expect(try agg(KrumRule(f: 2), x) == [0, 0])
        let mk = try agg(KrumRule(f: 2, m: 3), x)
        #expect(abs(mk[0] - (0 + 0.1 + -0.1) / 3) < 1e-6 || abs(mk[1]) < 0.1)
        #expect(throws: FjordError.self) { try KrumRule(f: 3).selected(x) }  // n = 7 ≤ 2·3 + 2
        // ties go to the lowest index
        #expect(try KrumRule(f: 0).selected(stack([[1], [1], [1]])) == [0])
        // duplicates of an attacker row cannot win when honest rows agree more
        let dup = stack([[1, 1], [1.1, 1], [0.9, 1], [1, 1.1], [1, 0.9], [5, 5], [5, 5]])
        #expect(try KrumRule(f: 2).selected(dup)[0] < 5)
    }

    @Test func krumScoresEqualTheDefinition() throws {
        var g = RNG(seed: 5)
        let x = g.tensor([9, 7])
        let v = x.scalars
        let scores = try KrumRule(f: 2).scores(x)
        for i in 0..<9 {
            let dists = (0..<9).filter { $0 != i }.map { j in
                (0..<7).reduce(0.0) { $0 + Double((v[i * 7 + $1] - v[j * 7 + $1]) * (v[i * 7 + $1] - v[j * 7 + $1])) }
            }.sorted()
            #expect(abs(scores[i] - dists[0..<5].reduce(0, +)) < 1e-4)
        }
        let byzfl = try KrumRule(f: 2, neighbours: .byzfl).scores(x)
        #expect(byzfl.indices.allSatisfy { byzfl[$0] >= scores[$0] })  // one more neighbour
    }

    /// Rows far from the origin compared with their spread (model weights, say): a float Gram matrix would cancel
    /// to noise, the distances must still be the definition's, and Krum must pick from the tight cluster.
    @Test func krumStaysExactFarFromTheOrigin() throws {
        var g = RNG(seed: 6)
        let (n, d) = (9, 1000)
        let noise = g.tensor([n, d]).scalars
        // rows 0–6: 1000 + 1e-3·noise; rows 7, 8: 1000 + 0.1·noise (the far ones)
        let v = (0..<(n * d)).map { k in Float(1000) + (k / d < 7 ? 1e-3 : 0.1) * noise[k] }
        let x = Tensor(shape: [n, d], values: v)
        let scores = try KrumRule(f: 2).scores(x)
        for i in 0..<n {
            let dists = (0..<n).filter { $0 != i }.map { j in
                (0..<d).reduce(0.0) {
                    let e = Double(v[i * d + $1]) - Double(v[j * d + $1])
                    return $0 + e * e
                }
            }.sorted()
            let exact = dists[0..<5].reduce(0, +)
            #expect(abs(scores[i] - exact) <= 1e-9 * exact, "row \(i): \(scores[i]) vs \(exact)")
        }
        #expect(try KrumRule(f: 2).selected(x)[0] < 7)
        // identical rows are at distance exactly 0
        let twins = stack([[1e3, 2e3, 3e3], [1e3, 2e3, 3e3], [5, 6, 7], [8, 9, 10]])
        #expect(squaredDistances(twins)[1] == 0)
    }

    /// At the geometric median z (not at a data point) the unit vectors toward the points sum to zero.
    @Test func geometricMedianSatisfiesItsOptimalityCondition() throws {
        var g = RNG(seed: 7)
        let x = g.tensor([11, 5])
        let z = try agg(GeometricMedianRule(nu: 1e-9, tolerance: 1e-9, maxIterations: 2000), x)
        let v = x.scalars
        var grad = [Double](repeating: 0, count: 5)
        for i in 0..<11 {
            let diff = (0..<5).map { Double(z[$0] - v[i * 5 + $0]) }
            let nrm = diff.map { $0 * $0 }.reduce(0, +).squareRoot()
            for k in 0..<5 { grad[k] += diff[k] / nrm }
        }
        #expect(grad.map { $0 * $0 }.reduce(0, +).squareRoot() < 1e-2, "‖∇‖ = \(grad)")
        // on a line with an odd count it is the middle point
        #expect(
            try agg(
                GeometricMedianRule(nu: 1e-9, tolerance: 1e-12, maxIterations: 5000),
                stack([[0], [1], [2], [10], [100]])
            ).map { abs($0 - 2) < 1e-2 } == [true])
    }

    /// Rows of 1e6 + N(0, 1): the iterate is kept in double, so the answer is the double-precision Weiszfeld
    /// point rounded once (float32 sums were 2 ulp off, with a worse objective than the rounded optimum).
    @Test func geometricMedianFarFromTheOriginIsTheRoundedDoubleOptimum() throws {
        var g = RNG(seed: 11)
        let (n, d) = (9, 300)
        let x = Tensor(shape: [n, d], values: g.tensor([n, d]).scalars.map { 1e6 + $0 })
        let rule = GeometricMedianRule(nu: 1e-9, tolerance: 1e-13, maxIterations: 5000)
        let z = try agg(rule, x)
        let v = x.scalars.map(Double.init)
        // the oracle: the same smoothed Weiszfeld, everything in double, no blocking
        var w = (0..<d).map { k in (0..<n).reduce(0.0) { $0 + v[$1 * d + k] } / Double(n) }
        func distances(_ p: [Double]) -> [Double] {
            (0..<n).map { i in
                (0..<d).reduce(0.0) { $0 + (v[i * d + $1] - p[$1]) * (v[i * d + $1] - p[$1]) }.squareRoot()
            }
        }
        let floor = 1e-9 * distances(w).reduce(0, +) / Double(n)
        for _ in 0..<5000 {
            let beta = distances(w).map { 1 / max(floor, $0) }, total = beta.reduce(0, +)
            w = (0..<d).map { k in (0..<n).reduce(0.0) { $0 + beta[$1] * v[$1 * d + k] } / total }
        }
        #expect(z == w.map { Float($0) })
        func objective(_ p: [Double]) -> Double { distances(p).reduce(0, +) }
        #expect(objective(z.map(Double.init)) <= objective(w.map { Double(Float($0)) }) * (1 + 1e-12))
    }

    /// The smoothing ν is relative to the rows' spread: at scale 1e-8 the answer is the scale-1 answer scaled
    /// (an absolute ν = 1e-6 exceeded every distance there and gave the mean).
    @Test func geometricMedianIsScaleEquivariant() throws {
        let rows: [[Float]] = [[0, 0], [1, 0], [0, 1], [10, 10], [0.2, 0.3]]
        let one = try agg(GeometricMedianRule(), stack(rows))
        let tiny = try agg(GeometricMedianRule(), stack(rows.map { $0.map { $0 * 1e-8 } }))
        for k in 0..<2 { #expect(abs(tiny[k] / 1e-8 - one[k]) <= 1e-4 * abs(one[k]), "\(tiny) against \(one)") }
        let mean: [Float] = [2.24, 2.26]
        #expect(abs(one[0] - mean[0]) > 1, "the geometric median is not the mean")
        #expect(try agg(GeometricMedianRule(), stack([[3, 4], [3, 4]])) == [3, 4])  // no spread: the common row
    }

    /// Finite rows near the float limit (means up to 1.8e38, representable) give finite answers inside the
    /// columns' range for every rule, also with nearest-neighbour mixing; the averaging rules give the mean of
    /// what they select as double arithmetic defines it (float sums overflowed to inf: trimmed mean, Multi-Krum,
    /// MDA, SMEA).
    @Test func rowsNearTheFloatLimitGiveFiniteAnswers() throws {
        var g = RNG(seed: 4)
        let (n, d) = (15, 300)  // three tiles of the rank kernels, one partial
        let v = (0..<(n * d)).map { _ in Float(1.2e38 + 1e38 * g.uniform()) }
        let x = Tensor(shape: [n, d], values: v)
        for kind in RuleKind.allCases where kind != .centeredClipping && kind != .signMajority {
            for nnm in [false, true] {
                var settings = RuleSettings(f: 2)
                settings.nnm = nnm
                let out = try agg(kind.make(settings), x)
                for k in 0..<d {
                    let column = (0..<n).map { v[$0 * d + k] }
                    #expect(out[k].isFinite && out[k] >= column.min()! && out[k] <= column.max()!, "\(kind) nnm \(nnm)")
                }
            }
        }
        // trimmed mean: the double mean of the middle n − 4 sorted values, rounded once
        let trimmed = try agg(TrimmedMeanRule(trim: 2), x)
        for k in 0..<d {
            let middle = (0..<n).map { Double(v[$0 * d + k]) }.sorted()[2..<(n - 2)]
            #expect(trimmed[k] == Float(middle.reduce(0, +) / Double(n - 4)))
        }
    }

    /// Fang et al.'s attack on Krum halves λ until Krum picks its row: with an infinite honest value λ was
    /// infinite and the loop never ended (found by the bad-input matrix); it is refused instead.
    @Test func fangKrumRefusesNonFiniteRows() throws {
        var attack = FangKrumAttack()
        var rng = RNG(seed: 1)
        #expect(throws: FjordError.self) {
            _ = try attack.rows(honest: stack([[1, 2], [.infinity, 4], [5, 6], [7, 8], [9, 10]]), f: 1, rng: &rng)
        }
    }

    @Test func bulyanBoundsAndRobustness() throws {
        // n = 11 = 4f + 3 with f = 2: honest rows near 1, two attackers at 100
        var rows: [[Float]] = (0..<9).map { k in [1 + Float(k) * 0.01, 1 - Float(k) * 0.01] }
        rows += [[100, -100], [100, -100]]
        let out = try agg(BulyanRule(f: 2), stack(rows))
        #expect(out.allSatisfy { abs($0 - 1) < 0.05 })
        #expect(throws: FjordError.self) { try agg(BulyanRule(f: 2), stack(Array(rows.prefix(10)))) }  // 10 < 11
        for s in ["krum", "geomed", "median", "mean"] {
            for a in ["krum", "geomed", "median", "mean"] where !(s == "mean" && a == "mean") {
                let o = try agg(BulyanRule(f: 2, selection: s, final: a), stack(rows))
                #expect(o.allSatisfy { $0.isFinite })
            }
        }
    }

    @Test func centeredClippingAndNNM() throws {
        let x = stack([[1, 0], [3, 0], [2, 0]])
        #expect(try agg(CenteredClippingRule(tau: 1e9), x) == [2, 0])  // v₀ = 0, unclipped: the mean
        let clipped = try agg(CenteredClippingRule(tau: 1), x)
        #expect(abs(clipped[0] - 1) < 1e-6)  // every row clipped to length 1 toward it
        // NNM then mean: each row averaged with its n−f nearest
        let nnm = try agg(NNMRule(f: 1, inner: MeanRule()), stack([[0], [1], [10]]))
        #expect(abs(nnm[0] - Float((0.5 + 0.5 + 5.5) / 3)) < 1e-6)
    }

    /// MDA and SMEA on hand-made stacks: the outlier is left out, ties keep the first subset in itertools order,
    /// and 2f < n is enforced.
    @Test func subsetRules() throws {
        for c in [SubsetRule.Criterion.diameter, .eigenvalue] {
            #expect(try agg(SubsetRule(f: 1, criterion: c), stack([[0], [1], [2], [100]])) == [1])
            let two = try agg(SubsetRule(f: 1, criterion: c), stack([[0, 0], [3, 0], [0, 3], [30, 30]]))
            #expect(two == [1, 1])
            #expect(throws: FjordError.self) { try agg(SubsetRule(f: 2, criterion: c), stack([[0], [1], [2], [3]])) }
            #expect(throws: FjordError.self) {
                try agg(SubsetRule(f: 1, criterion: c), stack([[0], [.nan], [2], [3]]))
            }
        }
        // every subset of three has the same diameter here: the first, {0, 1, 2}, is kept
        #expect(try agg(SubsetRule(f: 1, criterion: .diameter), stack([[0], [0], [6], [6]])) == [2])
        // MDA and SMEA differ: {0, 1, 3, 4} has the smaller diameter, {0, 2, 3, 4} the smaller largest variance
        // (found by a numpy search; both unique by a clear margin)
        let x = stack([[-2, 2], [1, -3], [-1, 3], [0, -3], [2, 2]])
        #expect(try agg(SubsetRule(f: 1, criterion: .diameter), x) == [0.25, -0.5])
        #expect(try agg(SubsetRule(f: 1, criterion: .eigenvalue), x) == [-0.25, 1])
        #expect(binomial(64, 10) == 151_473_214_816 && binomial(5, 0) == 1 && binomial(3, 5) == 0)
    }

    /// A stack with no rows is refused by every rule and one with no columns by every robust rule (the plain mean
    /// of zero-width rows is the empty vector), never dereferenced.
    @Test func emptyStacksAreRefused() throws {
        for kind in RuleKind.allCases {
            let rule = kind.make(RuleSettings(f: 0)), name = kind.rawValue
            #expect(throws: FjordError.self, "\(name) [0, 4]") { try agg(rule, Tensor(zeros: [0, 4])) }
            if kind == .mean {
                #expect(try agg(rule, Tensor(zeros: [3, 0])).isEmpty)
            } else {
                #expect(throws: FjordError.self, "\(name) [3, 0]") { try agg(rule, Tensor(zeros: [3, 0])) }
            }
        }
    }

    @Test func nonFiniteRowsAreRefused() throws {
        #expect(throws: FjordError.self) { try agg(MedianRule(), stack([[1, .nan], [2, 3]])) }
        #expect(throws: FjordError.self) { try agg(KrumRule(f: 0), stack([[1], [.infinity], [2]])) }
        // median, trimmed mean and geomed find them while they read the values: every position (full tiles, the
        // last partial tile, rows in a partial block of 16), both paths, NaN and both infinities
        var g = RNG(seed: 9)
        for (n, d) in [(5, 300), (20, 300), (64, 130)] {
            let clean = g.tensor([n, d]).scalars
            for (k, bad) in [(0, Float.nan), (n * d - 1, .infinity), ((n - 1) * d + 129, -.infinity), (d + 7, .nan)] {
                var v = clean
                v[k] = bad
                let x = Tensor(shape: [n, d], values: v)
                for registers: Int32 in [1, 0] {
                    fjr_use_registers(registers)
                    for rule in [MedianRule(), TrimmedMeanRule(trim: 1), GeometricMedianRule()] as [any AggregationRule]
                    {
                        #expect(throws: FjordError.self, "n \(n) k \(k) \(bad) \(rule.name)") { try agg(rule, x) }
                    }
                }
                fjr_use_registers(1)
            }
        }
        // finite values whose squares overflow a float are not mistaken for garbage
        let huge = try agg(
            GeometricMedianRule(),
            stack([
                [Float](repeating: 3e20, count: 9), [Float](repeating: -3e20, count: 9),
                [Float](repeating: 1e20, count: 9),
            ]))
        #expect(huge.allSatisfy { abs($0 - 1e20) < 1e16 }, "\(huge)")
    }

    @Test func mixTailorDrawsUniformlyAndDeterministically() throws {
        let pool: [any AggregationRule] = [MeanRule(), MedianRule(), TrimmedMeanRule(trim: 1), KrumRule(f: 1)]
        var a = MixTailorRule(pool: pool), b = MixTailorRule(pool: pool)
        let x = stack([[1], [2], [3], [4], [50]])
        for step in 0..<4000 {
            var r1 = RNG(seed: 9).substream(UInt64(step)), r2 = RNG(seed: 9).substream(UInt64(step))
            _ = try a.aggregate(x, rng: &r1)
            _ = try b.aggregate(x, rng: &r2)
        }
        #expect(a.draws == b.draws)
        let counts = (0..<4).map { k in a.draws.filter { $0 == k }.count }
        #expect(counts.allSatisfy { abs($0 - 1000) < 120 }, "\(counts)")
        #expect(MixTailorRule.paperPool(f: 2).count == 64)
    }

    /// `mixtailor-code`: Bulyan(krum, median) as MixTailor's code computes it, against a direct transcription of
    /// that code's definition (θ = n − 2f rounds of Krum with unsquared ℓ2 distances among the remaining rows,
    /// k = max(1, m − f − 2), then torch.median's lower median of the θ rows); the default pool differs from it.
    @Test func mixTailorCodeVariant() throws {
        var rng = RNG(seed: 12)
        var differs = 0
        for trial in 0..<40 {
            let n = 12, f = 2, d = 3
            let rows: [[Float]] = (0..<n).map { i in
                (0..<d).map { _ in Float(rng.normal()) * (i < 3 ? 4 : 1) + (i == 0 ? 6 : 0) }
            }
            // the oracle
            func dist(_ a: [Float], _ b: [Float]) -> Double {
                zip(a, b).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }.squareRoot()
            }
            var remaining = Array(0..<n), chosen: [Int] = []
            while chosen.count < n - 2 * f {
                let m = remaining.count, k = min(m - 1, max(1, m - f - 2))
                let scores = remaining.map { i in
                    remaining.filter { $0 != i }.map { dist(rows[i], rows[$0]) }.sorted()[0..<k].reduce(0, +)
                }
                let best = scores.indices.min { scores[$0] != scores[$1] ? scores[$0] < scores[$1] : $0 < $1 }!
                chosen.append(remaining.remove(at: best))
            }
            let theta = chosen.count
            let want: [Float] = (0..<d).map { j in chosen.map { rows[$0][j] }.sorted()[(theta - 1) / 2] }
            let code = try agg(BulyanRule(f: f, selection: "krum", final: "median", paperCode: true), stack(rows))
            #expect(code == want, "trial \(trial)")
            let plain = try agg(BulyanRule(f: f, selection: "krum", final: "median"), stack(rows))
            if plain != code { differs += 1 }
        }
        #expect(differs > 0, "θ = 8 is even: the averaged and the lower median must differ somewhere")
        let pool = MixTailorRule.paperPool(f: 2, code: true)
        #expect(pool.count == 64 && pool.compactMap { $0 as? MedianRule }.allSatisfy { $0.lower })
        #expect(pool.compactMap { $0 as? BulyanRule }.allSatisfy { $0.paperCode })
        #expect(RuleKind(rawValue: "mixtailor-code") != nil)
    }
}

@Suite struct AttackTests {
    let honest = stack([[1, 2], [3, 2], [2, 5]])

    func rows(_ a: some ByzantineAttack, f: Int = 2) throws -> [Float] {
        var att = a
        var rng = RNG(seed: 1)
        return try att.rows(honest: honest, f: f, rng: &rng).scalars
    }

    @Test func definitions() throws {
        #expect(try rows(SignFlipAttack()) == [-2, -3, -2, -3])
        #expect(try rows(IPMAttack(epsilon: 0.5)) == [-1, -1.5, -1, -1.5])
        #expect(try rows(IPMAttack(epsilon: 1, mixtailor: true)) == [-3, -4.5, -3, -4.5])  // −(ε/f)·Σ_H = −(1/2)(6, 9)
        #expect(try rows(MimicAttack(), f: 1) == [1, 2])
        let g = try rows(GaussianAttack(sigma: 200), f: 50)
        #expect(abs(g.map { Double($0) * Double($0) }.reduce(0, +) / 100 - 40000) < 8000)
        // ALIE with z = 1: μ − σ (ddof 1): column 0 μ 2 σ 1; column 1 μ 3 σ √3
        let a = try rows(ALIEAttack(z: 1), f: 1)
        #expect(abs(a[0] - 1) < 1e-6 && abs(a[1] - Float(3 - 3.0.squareRoot())) < 1e-5)
    }

    /// research/robust-agg.md's worked values (statistics.NormalDist), paper / variant.
    @Test func alieZ() throws {
        let cases: [(Int, Int, Double, Double)] = [
            (12, 2, 0.2104, 0.0), (25, 5, 0.4677, 0.2533), (20, 4, 0.3853, 0.1573), (50, 24, 1.7507, 1.4261),
        ]
        for (n, f, p, v) in cases {
            #expect(abs(try ALIEAttack.zmax(n: n, f: f, variant: .paper) - p) < 1e-4, "(\(n),\(f)) paper")
            #expect(abs(try ALIEAttack.zmax(n: n, f: f, variant: .variant) - v) < 1e-4, "(\(n),\(f)) variant")
        }
        // s = ⌊n/2 + 1⌋ − f ≤ 0: a usage error, not a trap (the review's `attack --kind alie -f 7` on 5 honest rows)
        #expect(throws: FjordError.self) { _ = try ALIEAttack.zmax(n: 12, f: 7, variant: .paper) }
        #expect(throws: FjordError.self) { _ = try ALIEAttack.zmax(n: 12, f: 7, variant: .variant) }
        var a = ALIEAttack()
        var rng = RNG(seed: 0)
        #expect(throws: FjordError.self) { _ = try a.rows(honest: Tensor(zeros: [5, 3]), f: 7, rng: &rng) }
    }

    @Test func fangAttacksStayOnTheirSide() throws {
        let f = try rows(FangTrimmedMeanAttack(), f: 3)
        // column means are positive, so values go below the smallest honest value
        #expect((0..<3).allSatisfy { f[$0 * 2] <= 1 && f[$0 * 2 + 1] <= 2 })
        let k = try rows(FangKrumAttack(), f: 2)
        #expect(k[0] < 2 && k[1] < 3)  // moved against the sign of the mean
    }

    @Test func tailoredAttackPicksTheWorstEpsilon() throws {
        var g = RNG(seed: 2)
        let h = g.tensor([10, 20]).scalars.map { $0 + 1 }  // a clear common direction
        var t = TailoredAttack(targets: [MeanRule()])
        var rng = RNG(seed: 1)
        _ = try t.rows(honest: Tensor(shape: [10, 20], values: h), f: 2, rng: &rng)
        #expect(t.lastEpsilon == 100)  // against the mean the largest ε flips the aggregate furthest
    }

    /// MixTailor's code composition: against the mean ε* = 100 for each of the two pool members, and each Byzantine
    /// row is −(1/f)·Σ_A −(ε*/f)·Σ_H = (200/4)·Σ_H, a scaled-up honest sum (the sign flip the code adds).
    @Test func paperAdaptiveAttackIsTheCodesComposition() throws {
        var a = PaperAdaptiveAttack(targets: [MeanRule(), MeanRule()])
        var rng = RNG(seed: 1)
        let rows = try a.rows(honest: stack([[1, 2], [3, 4]]), f: 2, rng: &rng)
        #expect(rows.shape == [2, 2])
        #expect(rows.scalars == [200, 300, 200, 300])
    }

    /// Bucketing: the inner rule sees the means of the permuted buckets (the permutation replayed from the same rng),
    /// a mean inner rule gives the plain mean, and the bucket count is what the inner rule's bounds see.
    @Test func bucketingAveragesPermutedBuckets() throws {
        let x = stack([[1, 0], [3, 0], [5, 0], [7, 0], [9, 0], [100, 0], [11, 0]])
        var rng = RNG(seed: 5)
        var b = BucketingRule(s: 2, inner: MedianRule())
        let out = try b.aggregate(x, rng: &rng)
        var replay = RNG(seed: 5)
        let order = replay.permutation(7)
        let rows = x.scalars
        var means: [Float] = []
        for k in stride(from: 0, to: 7, by: 2) {
            let idx = order[k..<min(7, k + 2)]
            means.append(idx.map { rows[$0 * 2] }.reduce(0, +) / Float(idx.count))
        }
        means.sort()
        #expect(out[0] == (means[1] + means[2]) / 2 && out[1] == 0)
        var m = BucketingRule(s: 3, inner: MeanRule())
        var r2 = RNG(seed: 1)
        let six = stack([[1], [2], [3], [4], [5], [6]])
        #expect(abs(try m.aggregate(six, rng: &r2)[0] - 3.5) < 1e-6)
        var k = BucketingRule(s: 2, inner: KrumRule(f: 2))  // 12 rows → 6 buckets: Krum needs more than 2f + 2 = 6
        var r3 = RNG(seed: 1)
        #expect(throws: FjordError.self) { try k.aggregate(Tensor(zeros: [12, 3]), rng: &r3) }
    }

    /// With few rows (after bucketing) MixTailor draws only among the pool members defined there: at 6 rows and
    /// f = 2 no Krum (needs n > 6) and no Bulyan (needs n ≥ 11); at 12 rows every member can be drawn.
    @Test func mixTailorDrawsOnlyDefinedRules() throws {
        var m = MixTailorRule(pool: MixTailorRule.paperPool(f: 2))
        var rng = RNG(seed: 9)
        var g = RNG(seed: 1)
        for _ in 0..<200 { _ = try m.aggregate(g.tensor([6, 4]), rng: &rng) }
        #expect(m.draws.allSatisfy { (16..<48).contains($0) }, "\(Set(m.draws).sorted())")
        var full = MixTailorRule(pool: MixTailorRule.paperPool(f: 2))
        for _ in 0..<200 { _ = try full.aggregate(g.tensor([12, 4]), rng: &rng) }
        #expect(full.draws.contains { $0 < 16 } && full.draws.contains { $0 >= 48 })
        var none = MixTailorRule(pool: [KrumRule(f: 2)])
        #expect(throws: FjordError.usage("mixtailor: no rule of the pool is defined for 4 rows")) {
            try none.aggregate(g.tensor([4, 3]), rng: &rng)
        }
    }
}
