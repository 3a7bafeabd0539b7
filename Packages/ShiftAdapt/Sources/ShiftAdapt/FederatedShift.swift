import Exchange
import Kernel
import Learn

/// Importance-weighted federated training (IW-ERM), the protocol of both papers' code: FedSGD, one minibatch step per
/// client per round, the clients' gradients averaged through Learn's exchange and one shared Adam step (lr 1e-3, L2
/// weight decay 1e-6, as `server.py`), client k's rows weighted by r_k:
///
///     min_θ Σ_k (1/B) Σ_{i ∈ B_k} r_k(x_i, y_i) · CE(f_θ(x_i), y_i)
///
/// Weights (``Weighting``): `none` (FedAvg's unweighted ERM), `true` (the split's true weights,
/// ``FederatedSplit/trueWeights(combined:)``, the reference code's `--use-true-ratio`), `given` (class weights from
/// elsewhere), a density ratio on features estimated per client (`ulsif`, `kliep`, `classifier`, `nnbd`: FITW-ERM against
/// the client's own unlabelled test rows, nothing shared; FTW-ERM against the pooled public test sample, `publicRows`
/// unlabelled test rows from every client, their 4·d bytes a row counted), or `vrls` (label shift only, the VRLS
/// paper's multi-node procedure):
///  1. FedSGD trains a classifier with cross-entropy + ζ·(negative entropy) on each client's fit rows (all but a
///     hold-out fraction);
///  2. it is calibrated (BCTS by default) on the clients' pooled hold-out logits;
///  3. each client runs MLLS (EM) on its own unlabelled test rows, source prior the mean calibrated hold-out
///     posterior, and gets q̂_k;
///  4. FTW (`combined`): the q̂_k are averaged through one allreduce (``MultiNodeLabelShift``) and r_k = mean q̂ / p̂_tr,k;
///     FITW: r_k = q̂_k / p̂_tr,k, nothing shared.
/// Then the IW-ERM model is trained from the same initial parameters with those weights. Bytes: the gradient
/// exchange per client, and for `vrls` what estimation moved (phase 1's gradients, the hold-out logits and labels
/// pooled for calibration, counted at 4(m + 1) bytes a row, and the q̂ allreduce).
public enum FederatedShift {
    public enum Weighting: String, CaseIterable, Sendable {
        case none
        case truth = "true"
        /// The exact p_te(x)/p_tr(x) where the split knows it (colored digits): the best a feature-based estimator
        /// can reach.
        case covariate = "true-x"
        case vrls
        /// The ratios of ``Options/given`` (a clients × classes matrix from any estimator).
        case given
        case ulsif
        case kliep
        case classifier
        case nnbd
    }

    public struct Options: Sendable {
        public var hidden = 128
        public var steps = 2000
        public var batch = 64
        public var rate: Float = 1e-3
        public var weightDecay: Float = 1e-6
        /// FTW-ERM's pooled-test ratio (true) or FITW-ERM's own-test ratio (false).
        public var combined = true
        /// ζ of the VRLS classifier (step 1).
        public var entropy: Float = 0.1
        public var holdoutFraction = 0.2
        public var calibration = Calibration.Kind.bcts
        public var seed: UInt64 = 0
        /// The weights of `given`: one row of class weights per client.
        public var given: [[Double]]?
        /// FTW-ERM with a density ratio: unlabelled test rows each client shares.
        public var publicRows = 100
        /// The density-ratio estimators' grids and kernels.
        public var densityRatio = DensityRatio.Settings()
        public init() {}
    }

    public struct Result: Sendable {
        public var weighting: Weighting
        public var combined: Bool
        /// Per client: test accuracy of the final model.
        public var accuracy: [Double]
        /// Per client: the class weights trained with (label weightings; nil for density ratios).
        public var ratios: [[Double]]?
        /// Per client: the relative error ‖r̂_k − r_k‖₂/‖r_k‖₂ over its training rows, against the true weights.
        public var ratioError: [Double]
        /// Bytes one client sent for the gradient exchange of the IW-ERM training.
        public var gradientBytes: Int
        /// Bytes one client sent to estimate its weights (0 for `none` and `true`).
        public var estimationBytes: Int
        public var parameters: [Float]
        public var seconds: Double
    }

    /// `codec` (per rank, nil: float32) encodes every gradient the clients exchange, in both trainings of `vrls`.
    public static func run(
        _ split: FederatedSplit, _ weighting: Weighting, _ o: Options,
        codec: ((_ rank: Int) throws -> any GradientCodec)? = nil
    ) throws -> Result {
        guard o.hidden >= 1, o.steps >= 1, o.batch >= 1, o.rate > 0, o.rate.isFinite, o.entropy.isFinite,
            o.holdoutFraction > 0, o.holdoutFraction < 1
        else {
            throw FjordError.usage(
                "federated training: hidden, steps, batch ≥ 1, rate > 0, hold-out fraction in (0, 1)")
        }
        let start = monotonicSeconds()
        let k = split.clients, m = split.data.classes
        let truth = split.trueWeights(combined: o.combined)
        var ratios: [[Double]]?
        var rowWeights: [[Double]]
        var estimationBytes = 0
        switch weighting {
        case .none: rowWeights = truth.map { [Double](repeating: 1, count: $0.count) }
        case .truth: rowWeights = truth
        case .covariate:
            guard let w = split.trueCovariateWeights(combined: o.combined) else {
                throw FjordError.usage("true-x needs a split whose covariate ratio is known (colored-digits)")
            }
            rowWeights = w
        case .given, .vrls:
            guard split.configuration != nil else {
                throw FjordError.usage(
                    "\(weighting.rawValue) weights classes: it needs a label-shift split, not \(split.name)")
            }
            if weighting == .vrls {
                (ratios, estimationBytes) = try estimate(split, o, codec: codec)
            } else {
                guard let g = o.given, g.count == k, g.allSatisfy({ $0.count == m }),
                    g.allSatisfy({ $0.allSatisfy { $0 >= 0 && $0.isFinite } })
                else {
                    throw FjordError.data("given ratios: one row of \(m) finite weights ≥ 0 per client (\(k) rows)")
                }
                ratios = g
            }
            rowWeights = (0..<k).map { c in split.trainRows[c].map { ratios![c][Int(split.data.labels[$0])] } }
        case .ulsif, .kliep, .classifier, .nnbd:
            (rowWeights, estimationBytes) = try densityRatio(split, weighting, o)
        }
        let trained = try fedSGD(
            split.data, rows: split.trainRows, weights: rowWeights.map { $0.map(Float.init) }, entropy: 0, o,
            codec: codec)
        let model = Sequential.mlp([split.data.dimension, o.hidden, m], init: .he, seed: o.seed)
        _ = trained.parameters.withUnsafeBufferPointer { model.parameterBuffer.update(fromContentsOf: $0) }
        let accuracy = try (0..<k).map { c in try evaluate(model, on: split.test(c)).accuracy }
        let error = (0..<k).map { c in
            let num = zip(rowWeights[c], truth[c]).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            return (num / truth[c].reduce(0) { $0 + $1 * $1 }).squareRoot()
        }
        return Result(
            weighting: weighting, combined: o.combined, accuracy: accuracy, ratios: ratios, ratioError: error,
            gradientBytes: trained.gradientBytes, estimationBytes: estimationBytes, parameters: trained.parameters,
            seconds: monotonicSeconds() - start)
    }

    /// Per client, r̂(x) of its training rows from a density ratio fitted locally: against its own test rows
    /// (FITW) or the pooled public test rows (FTW). Bytes: the public rows one client sends.
    static func densityRatio(
        _ split: FederatedSplit, _ weighting: Weighting, _ o: Options
    ) throws -> (weights: [[Double]], bytes: Int) {
        guard let method = LabelShiftMethod(rawValue: weighting.rawValue), method.isDensityRatio else {
            preconditionFailure("\(weighting) is not a density ratio")
        }
        let d = split.data.dimension
        guard o.publicRows >= 1 else { throw FjordError.usage("FTW-ERM needs ≥ 1 public test row per client") }
        let features = split.data.features.scalars
        func rows(_ r: [Int]) -> [Double] { r.flatMap { i in features[(i * d)..<(i * d + d)].map(Double.init) } }
        let pooled = rows(split.testRows.flatMap { $0.prefix(o.publicRows) })
        var weights: [[Double]] = []
        for c in 0..<split.clients {
            var settings = o.densityRatio
            settings.seed ^= UInt64(c)
            let train = rows(split.trainRows[c])
            let fit = try DensityRatio.fit(
                method, numerator: o.combined ? pooled : rows(split.testRows[c]), denominator: train, dimension: d,
                settings)
            weights.append(fit.ratio(train))
        }
        let shared = o.combined ? min(o.publicRows, split.testRows[0].count) * d * 4 : 0
        return (weights, shared)
    }

    /// VRLS's multi-node estimate of every client's weights, and the bytes one client sent for it.
    static func estimate(
        _ split: FederatedSplit, _ o: Options, codec: ((_ rank: Int) throws -> any GradientCodec)?
    ) throws -> (ratios: [[Double]], bytes: Int) {
        let k = split.clients, m = split.data.classes
        var rng = RNG(seed: o.seed, stream: 0x401D)
        var fit: [[Int]] = [], holdout: [[Int]] = []
        for c in 0..<k {
            let rows = split.trainRows[c]
            let order = rng.permutation(rows.count)
            let h = max(1, Int((Double(rows.count) * o.holdoutFraction).rounded()))
            holdout.append(order[..<h].map { rows[$0] })
            fit.append(order[h...].map { rows[$0] })
        }
        let phase1 = try fedSGD(split.data, rows: fit, weights: nil, entropy: o.entropy, o, codec: codec)
        let model = Sequential.mlp([split.data.dimension, o.hidden, m], init: .he, seed: o.seed)
        _ = phase1.parameters.withUnsafeBufferPointer { model.parameterBuffer.update(fromContentsOf: $0) }
        let pooled = split.data.subset(holdout.flatMap { $0 })
        let cal = try Calibration(
            o.calibration, logits: ClassifierTraining.logits(model, pooled), labels: pooled.labels.map(Int.init),
            classes: m)
        let prior = cal.apply(ClassifierTraining.logits(model, pooled)).mean
        var targets: [[Double]] = []
        for c in 0..<k {
            let f = cal.apply(ClassifierTraining.logits(model, split.test(c)))
            targets.append(try EMLabelShift.estimate(target: f, source: prior, convention: .meanPosterior).target)
        }
        let frequencies = (0..<k).map { split.trainFrequencies($0) }
        var ratios: [[Double]]
        var shared = 0
        if o.combined {
            let (t, f) = (targets, frequencies)
            let out = try LocalCommunicator.run(workers: k) { comm in
                let w = try MultiNodeLabelShift.weights(comm, target: t[comm.rank], trainFrequencies: f[comm.rank])
                return (w, comm.traffic.sent)
            }
            ratios = out.map(\.0)
            shared = out[0].1
        } else {
            ratios = (0..<k).map { c in zip(targets[c], frequencies[c]).map { q, p in p > 0 ? q / p : 0 } }
        }
        return (ratios, phase1.gradientBytes + holdout[0].count * 4 * (m + 1) + shared)
    }

    /// FedSGD through Learn's data-parallel trainer: client c trains on `rows[c]` with row weights `weights?[c]`.
    static func fedSGD(
        _ data: Dataset, rows: [[Int]], weights: [[Float]]?, entropy: Float, _ o: Options,
        codec: ((_ rank: Int) throws -> any GradientCodec)?
    ) throws -> (parameters: [Float], gradientBytes: Int) {
        var shards: [[Int]] = []
        var lo = 0
        for r in rows {
            shards.append(Array(lo..<(lo + r.count)))
            lo += r.count
        }
        let train = data.subset(rows.flatMap { $0 })
        let (hidden, seed, rate, decay) = (o.hidden, o.seed, o.rate, o.weightDecay)
        var setup = TrainingSetup(
            model: { Sequential.mlp([data.dimension, hidden, data.classes], init: .he, seed: seed) },
            optimizer: { Adam(.constant(rate), weightDecay: decay) })
        if let codec { setup.makeCodec = codec }
        setup.makeObjective = { rank, model, local in
            ModelObjective.crossEntropy(model, data: local, weights: weights?[rank], entropy: entropy)
        }
        var config = TrainingConfig(steps: o.steps, batchSize: o.batch)
        config.partition = .given(shards)
        config.seed = o.seed
        let reports = try trainLocal(workers: rows.count, train: train, test: nil, setup: setup, config: config)
        return (reports[0].parameters, reports[0].gradientTraffic.sent)
    }
}
