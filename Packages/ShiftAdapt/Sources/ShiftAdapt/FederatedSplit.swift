import Kernel
import Learn

/// A federated label-shift data set: a ``ShiftConfiguration`` realised on a real data set. The rows are shuffled
/// (seeded) into a disjoint train pool and test pool; client k then draws `trainRows` rows from the train pool with
/// class prior p_tr,k and `testRows` from the test pool with p_te,k (``PriorShift/sample(pool:prior:count:rng:)``:
/// the class by the prior, then a row of that class uniformly, with replacement).
///
/// Where we differ from the reference code (`TargetShift.split_dataset`): it splits each class without replacement
/// in proportion to the configuration, which on MNIST (≈5400 rows a class) gives client 0 of `5clients` 30 rows of
/// each minority class. Bundled digits has ≈125 training rows a class, so the same split would leave minority
/// classes empty (⌊0.0057 · 125⌋ = 0) and the configured ratios would not be the data's. Drawing with replacement
/// keeps every client's label distribution the configured one in expectation, at the cost of repeated rows.
///
/// ``ColoredDigits`` builds the other kind: a covariate shift whose true ratio depends on each row's colour.
public struct FederatedSplit: Sendable {
    /// What the true importance weight of a training row is.
    public enum Truth: Sendable {
        /// A label shift: r_k(y) from the configuration (``ShiftConfiguration/ratios(combined:)``).
        case labels(ShiftConfiguration)
        /// A colour shift: r_k(x, y) from the environments' flip probabilities (``ColoredDigits/ratio(client:row:combined:labels:)``).
        case colour(ColoredDigits)
        /// A covariate shift with each client's training-row weights known (``SelectionShift``): own test over train
        /// (FITW) and pooled test over train (FTW).
        case covariate(fitw: [[Double]], ftw: [[Double]])
    }

    public let name: String
    public let data: Dataset
    public let truth: Truth
    /// Client k's training rows (indices into `data`).
    public let trainRows: [[Int]]
    /// Client k's test rows (indices into `data`; labelled, for scoring; the estimators see only their features).
    public let testRows: [[Int]]

    public init(
        _ data: Dataset, _ configuration: ShiftConfiguration, trainRows n: Int, testRows t: Int,
        testPoolFraction: Double = 0.3, seed: UInt64
    ) throws(FjordError) {
        guard data.classes == configuration.classes else {
            throw .data("\(data.name) has \(data.classes) classes, \(configuration.name) \(configuration.classes)")
        }
        guard n >= 1, t >= 1, testPoolFraction > 0, testPoolFraction < 1 else {
            throw .usage("a federated split needs ≥ 1 train and test row per client and a test pool in (0, 1)")
        }
        var rng = RNG(seed: seed, stream: 0xFED)
        let (trainPool, testPool) = Self.pools(data.count, testFraction: testPoolFraction, rng: &rng)
        let trainLabels = trainPool.map { Int(data.labels[$0]) }, testLabels = testPool.map { Int(data.labels[$0]) }
        var tr: [[Int]] = [], te: [[Int]] = []
        for k in 0..<configuration.clients {
            tr.append(
                try PriorShift.sample(pool: trainLabels, prior: configuration.train[k], count: n, rng: &rng).map {
                    trainPool[$0]
                })
            te.append(
                try PriorShift.sample(pool: testLabels, prior: configuration.test[k], count: t, rng: &rng).map {
                    testPool[$0]
                })
        }
        self.init(name: configuration.name, data: data, truth: .labels(configuration), trainRows: tr, testRows: te)
    }

    /// A seeded shuffle of 0..<count cut into a train pool and a test pool of `testFraction` of the rows: the
    /// disjoint pools every shift simulator draws its clients' rows from.
    static func pools(_ count: Int, testFraction: Double, rng: inout RNG) -> (train: [Int], test: [Int]) {
        let order = rng.permutation(count)
        let cut = count - Int((Double(count) * testFraction).rounded())
        return (Array(order[..<cut]), Array(order[cut...]))
    }

    /// From rows already drawn.
    public init(name: String, data: Dataset, truth: Truth, trainRows: [[Int]], testRows: [[Int]]) {
        precondition(trainRows.count == testRows.count && !trainRows.isEmpty, "one train and test set per client")
        self.name = name
        self.data = data
        self.truth = truth
        self.trainRows = trainRows
        self.testRows = testRows
    }

    /// The label configuration, if this is a label shift.
    public var configuration: ShiftConfiguration? {
        if case .labels(let c) = truth { return c }
        return nil
    }

    /// Per client, the true weight of each of its training rows: FTW-ERM's pooled test over the client's train
    /// (`combined`) or FITW-ERM's own test over its train.
    /// Per client, the exact covariate ratio p_te(x)/p_tr(x) of each training row, where the split knows it in closed
    /// form (colored digits, a selection shift; nil for a label shift, where it is not a function of the features alone).
    public func trueCovariateWeights(combined: Bool) -> [[Double]]? {
        switch truth {
        case .labels: return nil
        case .colour(let d):
            return (0..<clients).map { k in
                trainRows[k].map { d.covariateRatio(client: k, row: $0, combined: combined) }
            }
        case .covariate(let fitw, let ftw): return combined ? ftw : fitw
        }
    }

    public func trueWeights(combined: Bool) -> [[Double]] {
        switch truth {
        case .labels(let c):
            let r = c.ratios(combined: combined)
            return (0..<clients).map { k in trainRows[k].map { r[k][Int(data.labels[$0])] } }
        case .colour(let d):
            return (0..<clients).map { k in
                trainRows[k].map { d.ratio(client: k, row: $0, combined: combined, labels: data.labels) }
            }
        case .covariate(let fitw, let ftw): return combined ? ftw : fitw
        }
    }

    public var clients: Int { trainRows.count }
    public func train(_ k: Int) -> Dataset { data.subset(trainRows[k]) }
    public func test(_ k: Int) -> Dataset { data.subset(testRows[k]) }

    /// Client k's realised training label frequencies.
    public func trainFrequencies(_ k: Int) -> [Double] {
        labelFrequencies(trainRows[k].map { Int(data.labels[$0]) }, classes: data.classes)
    }

    /// Client k's realised test label frequencies.
    public func testFrequencies(_ k: Int) -> [Double] {
        labelFrequencies(testRows[k].map { Int(data.labels[$0]) }, classes: data.classes)
    }
}
