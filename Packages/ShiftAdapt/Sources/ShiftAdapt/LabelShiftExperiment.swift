import Kernel
import Learn

/// The label-shift protocol of Alexandari et al. (2020) and the VRLS paper on a real data set: split it into a
/// training set, a labelled hold-out set and a target pool; train a classifier (ζ = 0, and ζ > 0 for VRLS); calibrate
/// it on the hold-out set; then, per trial, draw a target prior q ~ Dirichlet(α) and a target sample of that prior
/// from the pool (with replacement within classes), estimate the weights with every method and score them against
/// the true weights of the drawn sample, w*_y = (target frequency of y)/(hold-out frequency of y), the convention
/// every estimate here uses. Accuracy on the target sample: the classifier's argmax, after the Bayes-rule
/// adaptation p(y|x) ∝ f_y(x) ŵ_y with the estimated weights, and with the true ones.
public enum LabelShiftExperiment {
    public struct Options: Sendable {
        public var alphas: [Double] = [0.1, 0.5, 1, 10]
        public var trials = 10
        public var targetSize = 500
        public var entropies: [Float] = [0, 0.1]
        public var training = ClassifierTraining.Options()
        public var calibration = Calibration.Kind.bcts
        /// Rows for training and for the hold-out set; the rest is the target pool.
        public var trainRows = 900
        public var holdoutRows = 400
        public var seed: UInt64 = 0
        public init() {}
    }

    /// Per (ζ, α, method): the weights' MSE and the adapted accuracy, over the trials.
    public struct Cell: Sendable {
        public var entropy: Float
        public var alpha: Double
        public var method: String
        public var mse: [Double]
        public var accuracy: [Double]
    }

    public struct Result: Sendable {
        public var cells: [Cell]
        /// Per ζ: the calibrated hold-out NLL before and after, and the pool accuracy.
        public var models: [(entropy: Float, nll: (before: Double, after: Double), poolAccuracy: Double)]
    }

    public static func run(_ data: Dataset, _ o: Options) throws -> Result {
        guard o.trainRows >= 1, o.holdoutRows >= 1, o.trainRows + o.holdoutRows < data.count else {
            throw FjordError.usage(
                "train \(o.trainRows) + hold-out \(o.holdoutRows) rows must leave a pool in \(data.count)")
        }
        guard o.trials >= 1, o.targetSize >= 1, !o.alphas.isEmpty, !o.entropies.isEmpty else {
            throw FjordError.usage("≥ 1 trial, ≥ 1 target row, at least one α and one ζ")
        }
        var rng = RNG(seed: o.seed)
        let order = rng.permutation(data.count)
        let train = data.subset(Array(order[..<o.trainRows]))
        let holdout = data.subset(Array(order[o.trainRows..<(o.trainRows + o.holdoutRows)]))
        let pool = data.subset(Array(order[(o.trainRows + o.holdoutRows)...]))
        let m = data.classes
        let hy = holdout.labels.map(Int.init), py = pool.labels.map(Int.init)
        let freq = labelFrequencies(hy, classes: m)
        var cells: [Cell] = []
        var models: [(Float, (Double, Double), Double)] = []
        for zeta in o.entropies {
            var t = o.training
            t.entropy = zeta
            let model = try ClassifierTraining.train(train, t)
            let cal = try Calibration(
                o.calibration, logits: ClassifierTraining.logits(model, holdout), labels: hy, classes: m)
            let ph = cal.apply(ClassifierTraining.logits(model, holdout))
            let pp = cal.apply(ClassifierTraining.logits(model, pool))
            let poolAcc = zip(pp.predictions, py).filter { $0 == $1 }.count
            models.append((zeta, cal.nll, Double(poolAcc) / Double(py.count)))
            for alpha in o.alphas {
                var trialRNG = RNG(seed: o.seed ^ 0x7A1).substream(UInt64(alpha * 1000))
                var perMethod: [String: (mse: [Double], acc: [Double])] = [:]
                for _ in 0..<o.trials {
                    let q = try PriorShift.dirichlet(alpha: alpha, classes: m, rng: &trialRNG)
                    let idx = try PriorShift.sample(pool: py, prior: q, count: o.targetSize, rng: &trialRNG)
                    let target = Posteriors(
                        rows: idx.count, classes: m, values: idx.flatMap { pp.values[($0 * m)..<($0 * m + m)] })
                    let ty = idx.map { py[$0] }
                    let truth = zip(labelFrequencies(ty, classes: m), freq).map { $1 > 0 ? $0 / $1 : 0 }
                    func accuracy(_ w: [Double]?) -> Double {
                        var right = 0
                        for (j, y) in ty.enumerated() {
                            var best = 0, bestV = -1.0
                            for c in 0..<m {
                                let v = target.values[j * m + c] * (w?[c] ?? 1)
                                if v > bestV { (best, bestV) = (c, v) }
                            }
                            if best == y { right += 1 }
                        }
                        return Double(right) / Double(ty.count)
                    }
                    perMethod["none", default: ([], [])].mse.append(
                        LabelShiftEstimate.meanSquaredError([Double](repeating: 1, count: m), truth))
                    perMethod["none"]!.acc.append(accuracy(nil))
                    perMethod["true", default: ([], [])].mse.append(0)
                    perMethod["true"]!.acc.append(accuracy(truth))
                    for method in [LabelShiftMethod.bbse, .bbseSoft, .rlls, .mlls] {
                        let e = try LabelShift.estimate(
                            method, holdout: ph, labels: hy, target: target, prior: .holdoutLabels)
                        perMethod[method.rawValue, default: ([], [])].mse.append(e.meanSquaredError(truth))
                        perMethod[method.rawValue]!.acc.append(accuracy(e.weights))
                    }
                }
                for name in ["none", "bbse", "bbse-soft", "rlls", "mlls", "true"] {
                    let r = perMethod[name]!
                    cells.append(Cell(entropy: zeta, alpha: alpha, method: name, mse: r.mse, accuracy: r.acc))
                }
            }
        }
        return Result(
            cells: cells,
            models: models.map { (entropy: $0.0, nll: (before: $0.1.0, after: $0.1.1), poolAccuracy: $0.2) })
    }
}
