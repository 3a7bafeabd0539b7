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
///  2. it is calibrated (BCTS by default) on the clients' hold-out logits and labels, pooled by one allgather;
///  3. each client runs MLLS (EM) on its own unlabelled test rows, source prior the mean calibrated hold-out
///     posterior, and gets q̂_k;
///  4. FTW (`combined`): the q̂_k are averaged through one allreduce (``MultiNodeLabelShift``) and r_k = mean q̂ / p̂_tr,k;
///     FITW: r_k = q̂_k / p̂_tr,k, nothing shared.
/// Then the IW-ERM model is trained from the same initial parameters with those weights. Every client is a rank of
/// a ``Communicator`` (threads here, processes under MPI), and bytes are what the communicator carried: the gradient
/// exchange, and what estimation sent (vrls: phase 1's gradients, 4(m + 1) bytes a hold-out row, the q̂ allreduce).
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

    /// Simulated: the clients as threads of this process (``LocalCommunicator``), client k on rank k. Returns
    /// rank 0's result (every rank's is the same but for the bytes, which are rank 0's).
    public static func run(
        _ split: FederatedSplit, _ weighting: Weighting, _ o: Options,
        codec: ((_ rank: Int) throws -> any GradientCodec)? = nil
    ) throws -> Result {
        let factory = Handed(codec)
        return try LocalCommunicator.run(workers: split.clients) { comm in
            try train(comm, split, weighting, o, codec: try factory.value?(comm.rank))
        }[0]
    }

    /// SPMD: this process is client `comm.rank` of `split` (every rank calls with the same split, weighting and
    /// options: the split is seeded, so each rank draws it identically and uses only its own rows' labels). What
    /// leaves a client goes through `comm` and is counted there: gradients (encoded by `codec`, nil: float32), and for
    /// estimation the hold-out logits (vrls), the q̂ allreduce (vrls, FTW) or the public test rows (density ratios,
    /// FTW); at the end each client's accuracy and weights are gathered for the report.
    public static func train(
        _ comm: any Communicator, _ split: FederatedSplit, _ weighting: Weighting, _ o: Options,
        codec: (any GradientCodec)? = nil
    ) throws -> Result {
        guard o.hidden >= 1, o.steps >= 1, o.batch >= 1, o.rate > 0, o.rate.isFinite, o.entropy.isFinite,
            o.holdoutFraction > 0, o.holdoutFraction < 1
        else {
            throw FjordError.usage(
                "federated training: hidden, steps, batch ≥ 1, rate > 0, hold-out fraction in (0, 1)")
        }
        guard comm.size == split.clients else {
            throw FjordError.usage(
                "\(split.name) has \(split.clients) clients: run it on as many workers, not \(comm.size)")
        }
        let start = monotonicSeconds()
        let k = comm.rank, m = split.data.classes
        let truth = split.trueWeights(combined: o.combined)[k]
        let labels = split.trainRows[k].map { Int(split.data.labels[$0]) }
        var classWeights: [Double]?
        var weights: [Double]
        let before = comm.traffic.sent
        switch weighting {
        case .none: weights = [Double](repeating: 1, count: truth.count)
        case .truth: weights = truth
        case .covariate:
            guard let w = split.trueCovariateWeights(combined: o.combined) else {
                throw FjordError.usage("true-x needs a split whose covariate ratio is known (colored-digits)")
            }
            weights = w[k]
        case .given, .vrls:
            guard split.configuration != nil else {
                throw FjordError.usage(
                    "\(weighting.rawValue) weights classes: it needs a label-shift split, not \(split.name)")
            }
            if weighting == .vrls {
                classWeights = try estimate(comm, split, o, codec: codec)
            } else {
                guard let g = o.given, g.count == split.clients, g.allSatisfy({ $0.count == m }),
                    g.allSatisfy({ $0.allSatisfy { $0 >= 0 && $0.isFinite } })
                else {
                    throw FjordError.data(
                        "given ratios: one row of \(m) finite weights ≥ 0 per client (\(split.clients) rows)")
                }
                classWeights = g[k]
            }
            weights = labels.map { classWeights![$0] }
        case .ulsif, .kliep, .classifier, .nnbd:
            weights = try densityRatio(comm, split, weighting, o)
        }
        // what estimation sent (vrls: phase 1's gradients, the hold-out logits, the q̂; FTW ratios: the public rows)
        let estimationBytes = comm.traffic.sent - before
        let rowWeights = weights.map(Float.init)
        let trained = try fedSGD(
            comm, split.data, rows: split.trainRows, weights: rowWeights, entropy: 0, o, codec: codec)
        let model = Sequential.mlp([split.data.dimension, o.hidden, m], init: .he, seed: o.seed)
        _ = trained.parameters.withUnsafeBufferPointer { model.parameterBuffer.update(fromContentsOf: $0) }
        let accuracy = try evaluate(model, on: split.test(k)).accuracy
        let num = zip(weights, truth).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let error = (num / truth.reduce(0) { $0 + $1 * $1 }).squareRoot()
        // the report: every client's accuracy, weight error and class weights, gathered
        let report = comm.allgather(encode([accuracy, error] + (classWeights ?? [])))
        let rows = report.map(decode)
        return Result(
            weighting: weighting, combined: o.combined, accuracy: rows.map { $0[0] },
            ratios: classWeights == nil ? nil : rows.map { Array($0[2...]) },
            ratioError: rows.map { $0[1] }, gradientBytes: trained.gradientBytes,
            estimationBytes: estimationBytes, parameters: trained.parameters,
            seconds: monotonicSeconds() - start)
    }

    /// Every rank's floats, in rank order, concatenated.
    static func allgather(_ comm: any Communicator, _ v: [Float]) -> [Float] {
        comm.allgather(v.withUnsafeBytes { Array($0) }).flatMap { bytes in
            bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        }
    }

    static func encode(_ v: [Double]) -> [UInt8] {
        v.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
    }
    static func decode(_ b: [UInt8]) -> [Double] {
        stride(from: 0, to: b.count, by: 8).map { o in
            Double(bitPattern: b[o..<(o + 8)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        }
    }

    /// Client `comm.rank`'s r̂(x) at its training rows from a density ratio fitted locally: against its own test
    /// rows (FITW) or the public test rows every client allgathers (FTW, `publicRows` each).
    static func densityRatio(
        _ comm: any Communicator, _ split: FederatedSplit, _ weighting: Weighting, _ o: Options
    ) throws -> [Double] {
        guard let method = LabelShiftMethod(rawValue: weighting.rawValue), method.isDensityRatio else {
            preconditionFailure("\(weighting) is not a density ratio")
        }
        guard o.publicRows >= 1 else { throw FjordError.usage("FTW-ERM needs ≥ 1 public test row per client") }
        let d = split.data.dimension, k = comm.rank
        func rows(_ r: [Int]) -> [Float] { split.data.subset(r).features.scalars }
        let numerator =
            o.combined
            ? allgather(comm, rows(Array(split.testRows[k].prefix(o.publicRows)))).map(Double.init)
            : rows(split.testRows[k]).map(Double.init)
        var settings = o.densityRatio
        settings.seed ^= UInt64(k)
        let train = rows(split.trainRows[k]).map(Double.init)
        return try together(comm) {
            try DensityRatio.fit(method, numerator: numerator, denominator: train, dimension: d, settings).ratio(train)
        }
    }

    /// Runs a step that may fail on some clients only (a fit on the client's own data) so that all of them stop
    /// together: every rank allgathers its error message (empty when it succeeded), and if any failed, every rank
    /// throws the first failure, naming its client, instead of leaving the others waiting at the next collective.
    static func together<T>(_ comm: any Communicator, _ body: () throws -> T) throws -> T {
        var value: T?
        var message: [UInt8] = []
        do { value = try body() } catch { message = Array(("\(error)".isEmpty ? "failed" : "\(error)").utf8) }
        let all = comm.allgather(message)
        if let first = all.firstIndex(where: { !$0.isEmpty }) {
            throw FjordError.data("client \(first): " + String(decoding: all[first], as: UTF8.self))
        }
        return value!
    }

    /// VRLS's multi-node estimate of client `comm.rank`'s class weights.
    static func estimate(
        _ comm: any Communicator, _ split: FederatedSplit, _ o: Options, codec: (any GradientCodec)?
    ) throws -> [Double] {
        let k = comm.rank, m = split.data.classes
        var fit: [[Int]] = [], holdout: [[Int]] = []
        for c in 0..<split.clients {  // every client's fit rows: the trainer's partition names them all
            var rng = RNG(seed: o.seed, stream: 0x401D).substream(UInt64(c))
            let rows = split.trainRows[c]
            let order = rng.permutation(rows.count)
            let h = max(1, Int((Double(rows.count) * o.holdoutFraction).rounded()))
            holdout.append(order[..<h].map { rows[$0] })
            fit.append(order[h...].map { rows[$0] })
        }
        let phase1 = try fedSGD(comm, split.data, rows: fit, weights: nil, entropy: o.entropy, o, codec: codec)
        let model = Sequential.mlp([split.data.dimension, o.hidden, m], init: .he, seed: o.seed)
        _ = phase1.parameters.withUnsafeBufferPointer { model.parameterBuffer.update(fromContentsOf: $0) }
        // the hold-out logits and labels are pooled (allgather), and every client fits the same calibration
        let mine = split.data.subset(holdout[k])
        let z = ClassifierTraining.logits(model, mine)
        var message: [Float] = []
        for (i, y) in mine.labels.enumerated() { message += z[(i * m)..<(i * m + m)].map(Float.init) + [Float(y)] }
        let pooled = allgather(comm, message)
        var logits: [Double] = [], labels: [Int] = []
        for r in stride(from: 0, to: pooled.count, by: m + 1) {
            logits += pooled[r..<(r + m)].map(Double.init)
            labels.append(Int(pooled[r + m]))
        }
        let cal = try Calibration(o.calibration, logits: logits, labels: labels, classes: m)
        let prior = cal.apply(logits).mean
        let f = cal.apply(ClassifierTraining.logits(model, split.test(k)))
        let q = try EMLabelShift.estimate(target: f, source: prior, convention: .meanPosterior).target
        let p = split.trainFrequencies(k)
        let ratios =
            o.combined
            ? try MultiNodeLabelShift.weights(comm, target: q, trainFrequencies: p)
            : zip(q, p).map { q, p in p > 0 ? q / p : 0 }
        return ratios
    }

    /// FedSGD through Learn's data-parallel trainer: client `comm.rank` trains on `rows[comm.rank]` (indices into
    /// `data`) with its row weights `weights` (nil: 1).
    static func fedSGD(
        _ comm: any Communicator, _ data: Dataset, rows: [[Int]], weights: [Float]?, entropy: Float, _ o: Options,
        codec: (any GradientCodec)?
    ) throws -> (parameters: [Float], gradientBytes: Int) {
        let (hidden, seed, rate, decay) = (o.hidden, o.seed, o.rate, o.weightDecay)
        var setup = TrainingSetup(
            model: { Sequential.mlp([data.dimension, hidden, data.classes], init: .he, seed: seed) },
            optimizer: { Adam(.constant(rate), weightDecay: decay) })
        let handed = Handed(codec)
        if codec != nil { setup.makeCodec = { _ in handed.value! } }
        setup.makeObjective = { _, model, local in
            ModelObjective.crossEntropy(model, data: local, weights: weights, entropy: entropy)
        }
        var config = TrainingConfig(steps: o.steps, batchSize: o.batch)
        config.partition = .given(rows)
        config.seed = o.seed
        let report = try trainDataParallel(comm, train: data, test: nil, setup: setup, config: config)
        return (report.parameters, report.gradientTraffic.sent)
    }
}
