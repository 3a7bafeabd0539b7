import Kernel
import Learn

/// A colour-flip shift in the style of ColoredMNIST (Arjovsky et al. 2019), built as the FTW-ERM code builds it
/// (`dafl/colored_mnist.py`), on bundled digits: the binary label is digit ≥ 5, flipped with probability η (label
/// noise, 0.25 there); the image is drawn in red (colour 0) or green (colour 1) by the noisy label, the colour then
/// flipped with probability e, the environment's. The features are the two channels, 2 × 64: the image in the
/// channel of its colour, zeros in the other. Client k trains in an environment with flip e_tr,k and is tested in one
/// with e_te,k; the reference's two clients are (0.5, 0.2) and (0.2, 0.8).
///
/// The true weight of a row (the reference's `ColoredMNISTTrueRatioModel`), the ratio of test to train density of
/// (x, y) since only the colour's law given the label changes:
///
///     r_k(x, y) = (1 − e_te)/(1 − e_tr)  if colour = y,   e_te/e_tr  otherwise
///
/// with e_te = e_te,k (FITW-ERM) or, for the mixture of the clients' equal-sized tests (FTW-ERM), their mean. With η = 0
/// the label is a function of the image and this is also p_te(x)/p_tr(x), what the feature-based estimators
/// (uLSIF, KLIEP, the classifier) estimate; with η > 0 the colour also carries label information and they estimate
/// the x-marginal ratio only.
public struct ColoredDigits: Sendable {
    public struct Environment: Sendable, Equatable {
        public var trainFlip: Double
        public var testFlip: Double
        public init(trainFlip: Double, testFlip: Double) {
            self.trainFlip = trainFlip
            self.testFlip = testFlip
        }
    }

    /// The reference code's two clients.
    public static let reference = [
        Environment(trainFlip: 0.5, testFlip: 0.2), Environment(trainFlip: 0.2, testFlip: 0.8),
    ]

    public let environments: [Environment]
    public let labelNoise: Double
    /// Per row of the split's data: its colour (0 red, 1 green).
    public let colours: [UInt8]
    /// Per row: the clean label (digit ≥ 5), before the label noise.
    public let digits: [UInt8]

    /// Row r's exact covariate ratio p_te(x)/p_tr(x) on client k: the colour agrees with the clean label d with
    /// probability a(e) = (1 − η)(1 − e) + η e, so the ratio is a(e_te)/a(e_tr) when it does and
    /// (1 − a(e_te))/(1 − a(e_tr)) when not. What a feature-based estimator can reach at best; equal to
    /// ``ratio(client:row:combined:labels:)`` when η = 0.
    public func covariateRatio(client k: Int, row r: Int, combined: Bool) -> Double {
        let etr = environments[k].trainFlip
        let ete =
            combined
            ? environments.reduce(0) { $0 + $1.testFlip } / Double(environments.count) : environments[k].testFlip
        func agree(_ e: Double) -> Double { (1 - labelNoise) * (1 - e) + labelNoise * e }
        return colours[r] == digits[r] ? agree(ete) / agree(etr) : (1 - agree(ete)) / (1 - agree(etr))
    }

    /// Row r's true weight on client k's training set.
    public func ratio(client k: Int, row r: Int, combined: Bool, labels: [Int32]) -> Double {
        let etr = environments[k].trainFlip
        let ete =
            combined
            ? environments.reduce(0) { $0 + $1.testFlip } / Double(environments.count) : environments[k].testFlip
        return Int32(colours[r]) == labels[r] ? (1 - ete) / (1 - etr) : ete / etr
    }

    /// Draws client k's `trainRows` training rows from a seeded train pool of `digits` (with replacement, each draw
    /// coloured afresh) and its `testRows` test rows from the disjoint test pool.
    public static func split(
        _ digits: Dataset, environments: [Environment] = reference, labelNoise: Double = 0.25, trainRows n: Int = 500,
        testRows t: Int = 200, testPoolFraction: Double = 0.3, seed: UInt64
    ) throws(FjordError) -> FederatedSplit {
        guard digits.classes == 10 else { throw .data("\(digits.name): colored digits needs the 10 digit classes") }
        guard !environments.isEmpty,
            environments.allSatisfy({ $0.trainFlip > 0 && $0.trainFlip < 1 && $0.testFlip >= 0 && $0.testFlip <= 1 })
        else { throw .usage("colored digits: train flips in (0, 1) and test flips in [0, 1], ≥ 1 environment") }
        guard labelNoise >= 0, labelNoise < 0.5, n >= 1, t >= 1, testPoolFraction > 0, testPoolFraction < 1 else {
            throw .usage("colored digits: label noise in [0, 0.5), ≥ 1 train and test row, a test pool in (0, 1)")
        }
        var rng = RNG(seed: seed, stream: 0xC010)
        let pools = FederatedSplit.pools(digits.count, testFraction: testPoolFraction, rng: &rng)
        let d = digits.dimension
        var features: [Float] = [], labels: [Int32] = [], colours: [UInt8] = [], clean: [UInt8] = []
        var trainRows: [[Int]] = [], testRows: [[Int]] = []
        digits.features.withUnsafeBufferPointer { x in
            func draw(_ count: Int, pool: [Int], flip: Double) -> [Int] {
                var rows: [Int] = []
                for _ in 0..<count {
                    let i = pool[rng.int(below: pool.count)]
                    var y: Int32 = digits.labels[i] >= 5 ? 1 : 0
                    clean.append(UInt8(y))
                    if rng.uniformDouble() < labelNoise { y ^= 1 }
                    var c = UInt8(y)
                    if rng.uniformDouble() < flip { c ^= 1 }
                    let image = x[(i * d)..<(i * d + d)]
                    features += c == 0 ? Array(image) : [Float](repeating: 0, count: d)
                    features += c == 1 ? Array(image) : [Float](repeating: 0, count: d)
                    rows.append(labels.count)
                    labels.append(y)
                    colours.append(c)
                }
                return rows
            }
            for e in environments {
                trainRows.append(draw(n, pool: pools.train, flip: e.trainFlip))
                testRows.append(draw(t, pool: pools.test, flip: e.testFlip))
            }
        }
        let data = try Dataset(
            name: "colored-digits", features: Tensor(shape: [labels.count, 2 * d], values: features), labels: labels,
            classes: 2)
        let truth = ColoredDigits(
            environments: environments, labelNoise: labelNoise, colours: colours, digits: clean)
        return FederatedSplit(
            name: "colored-digits", data: data, truth: .colour(truth), trainRows: trainRows, testRows: testRows)
    }
}
