import ArgumentParser
import DistributedCLI
import FjordCLI
import Kernel
import Learn
import LearnCLI
import Quant
import ShiftAdapt

extension FederatedShift.Weighting: Choice {
    public var help: String {
        switch self {
        case .none: "unweighted (FedAvg's ERM)"
        case .truth: "the configuration's true ratios (the reference code's --use-true-ratio)"
        case .covariate: "colored-digits: the exact p_te(x)/p_tr(x), the best a feature-based estimator can reach"
        case .vrls: "estimated: FedSGD classifier with the entropy term, calibrated, MLLS per client"
        case .given: "the clients × classes matrix of --ratios"
        case .ulsif: "covariate: uLSIF ratio per client (FITW: own test rows; FTW: the public test rows)"
        case .kliep: "covariate: KLIEP ratio per client"
        case .classifier: "covariate: logistic domain classifier ratio per client"
        case .nnbd: "covariate: the FTW-ERM code's non-negative Bregman neural ratio, bound C by k-means"
        }
    }
}

/// The federated shifts `train` realises.
enum SplitKind: String, Choice {
    case fiveClients = "5clients"
    case tenClients = "10clients-v2"
    case colored = "colored-digits"
    case selection = "selection"
    var help: String {
        switch self {
        case .fiveClients: ConfigKind.fiveClients.help
        case .tenClients: ConfigKind.tenClients.help
        case .colored: "binary digit ≥ 5, drawn red or green by its label, colour flipped per --flips (covariate shift)"
        case .selection:
            "--clients clients sample rows ∝ exp(±β t_k(x)) along random directions (covariate shift, known ratio)"
        }
    }
}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Importance-weighted federated training (FedSGD) under a label or covariate shift.",
        discussion: """
            Realises --config on the data (bundled digits, or --features/--labels): a seeded disjoint train and test \
            pool, each client drawing --train-rows and --test-rows with its configured class priors (colored-digits: \
            uniformly, each draw coloured by its label and flipped with the client's train or test probability, \
            the ColoredMNIST construction of the FTW-ERM code; selection: rows drawn ∝ exp(±β t_k(x)) along each \
            client's random direction). Trains an MLP \
            d–--hidden–classes by FedSGD (one --batch per client per step, gradients averaged through Learn's \
            exchange, encoded with --scheme, one Adam step) with client k's rows weighted by r_k: FTW-ERM's pooled test over its train \
            (default) or FITW-ERM's own test over its train (--fitw). --weights vrls estimates r_k(y) as the VRLS paper \
            does (only m-vectors leave a client for the FTW pooling); ulsif, kliep, classifier and nnbd estimate r_k(x) on \
            features, each client against its own test rows (FITW) or the --public-rows every client shares (FTW); \
            none is FedAvg. --backend mpi runs one client per mpirun rank (-np = clients), with the same results.
            Writes the final parameters as a float32 .npy vector; stderr (or --json FILE) gets per-client test \
            accuracy (mean, min, max), the weights used and their error against the true ratios, and bytes sent.
            Example: shift-adapt train --config 5clients --weights vrls --json run.json -o params.npy
            """)

    @Option(help: "The federated shift.") var config = SplitKind.fiveClients
    @Option(help: "colored-digits: per client TRAIN:TEST colour-flip probabilities, comma-separated.")
    var flips = "0.5:0.2,0.2:0.8"
    @Option(help: "colored-digits: label noise η.") var labelNoise = 0.25
    @Option(help: "selection: clients.") var clients = 3
    @Option(help: "selection: strength β of the feature-dependent sampling.") var beta = 0.5
    @Option(help: "FTW with ulsif, kliep, classifier, nnbd: unlabelled test rows each client shares.") var publicRows =
        100
    @Option(help: "classifier: its L2 weight.") var l2 = 1e-4
    @Option(help: "ulsif, kliep: Gaussian kernels.") var kernels = 100
    @Option(help: "Where the importance weights come from.") var weights = FederatedShift.Weighting.vrls
    @Option(help: ArgumentHelp("--weights given: clients × classes weights (.npy).", valueName: "FILE"))
    var ratios: String?
    @Flag(help: "FITW-ERM: weight by each client's own test over its train (default: FTW-ERM's pooled test).")
    var fitw = false
    @Option(help: ArgumentHelp("Features (n×d .npy) instead of bundled digits.", valueName: "FILE")) var features:
        String?
    @Option(help: ArgumentHelp("Labels (n .npy) of --features.", valueName: "FILE")) var labels: String?
    @Option(help: "Training rows per client.") var trainRows = 500
    @Option(help: "Test rows per client.") var testRows = 200
    @Option(help: "FedSGD steps (each training run).") var steps = 2000
    @Option(help: "Rows per client per step.") var batch = 64
    @Option(help: "Hidden units.") var hidden = 128
    @Option(help: "Adam learning rate.") var lr: Float = 1e-3
    @Option(help: "vrls: ζ of the classifier's entropy term.") var entropy: Float = 0.1
    @Option(help: "vrls: calibration on the pooled hold-out.") var calibration = Calibration.Kind.bcts
    @Option(help: "Seed of the split, the models and the batches.") var seed: UInt64 = 0
    @Option(help: ArgumentHelp("Write the summary as JSON to FILE.", valueName: "FILE")) var json: String?
    @Option(help: "Where the clients run: threads of this process, or one mpirun rank per client.")
    var backend = Backend.local
    @OptionGroup(title: "Codec") var codec: CodecOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if (weights == .given) != (ratios != nil) { throw ValidationError("--ratios goes with --weights given") }
        if (features == nil) != (labels == nil) { throw ValidationError("--features and --labels go together") }
        for (v, name) in [(trainRows, "--train-rows"), (testRows, "--test-rows"), (steps, "--steps")]
        where v < 1 || v > 10_000_000 {
            throw ValidationError("\(name) must be in 1…10^7")
        }
        if batch < 1 || hidden < 1 || publicRows < 1 || kernels < 1 {
            throw ValidationError("--batch, --hidden, --public-rows and --kernels must be ≥ 1")
        }
        if !(l2 >= 0 && l2.isFinite) { throw ValidationError("--l2 must be a finite number ≥ 0") }
        if !(lr > 0 && lr.isFinite) || !(entropy >= 0 && entropy.isFinite) {
            throw ValidationError("--lr must be > 0 and --entropy ≥ 0, finite")
        }
    }

    func run() throws { try runTool("shift-adapt train") { try execute() } }

    func execute() throws {
        let data =
            try features.map { f throws(FjordError) in try Dataset.load(features: f, labels: labels!) }
            ?? BundledData.digits.load()
        var o = FederatedShift.Options()
        (o.steps, o.batch, o.hidden, o.rate, o.entropy) = (steps, batch, hidden, lr, entropy)
        (o.combined, o.calibration, o.seed) = (!fitw, calibration, seed)
        let split: FederatedSplit
        switch config {
        case .colored:
            split = try ColoredDigits.split(
                data, environments: try environments(), labelNoise: labelNoise, trainRows: trainRows,
                testRows: testRows, seed: seed)
        case .selection:
            split = try SelectionShift.split(
                data, clients: clients, beta: beta, trainRows: trainRows, testRows: testRows, seed: seed)
        case .fiveClients, .tenClients:
            let c = config == .fiveClients ? ConfigKind.fiveClients.make : ConfigKind.tenClients.make
            split = try FederatedSplit(data, c, trainRows: trainRows, testRows: testRows, seed: seed)
        }
        o.publicRows = publicRows
        (o.densityRatio.l2, o.densityRatio.kernels, o.densityRatio.seed) = (l2, kernels, seed)
        if let ratios {
            guard let c = split.configuration else {
                throw FjordError.usage("--weights given holds class weights: it needs a label-shift --config")
            }
            let t = try readOneTensor(ratios)
            guard t.rank == 2, t.shape == [c.clients, c.classes] else {
                throw FjordError.data("\(ratios): shape \(t.shape), expected [\(c.clients), \(c.classes)]")
            }
            o.given = (0..<c.clients).map { k in (0..<c.classes).map { Double(t.scalars[k * c.classes + $0]) } }
        }
        let model = Sequential.mlp([split.data.dimension, hidden, split.data.classes])
        let make = try (codec.scheme ?? .none).factory(
            codec.settings, dimension: model.parameterCount,
            blocks: model.views.map { (offset: $0.offset, count: $0.count) },
            types: model.views.map { layerType($0, model).rawValue })
        let (r, rank) = try backend.run(
            spmd: { comm in try FederatedShift.train(comm, split, weights, o, codec: try make?(comm.rank)) },
            local: { try FederatedShift.run(split, weights, o, codec: make) })
        if rank != 0 { return }  // every rank holds the same parameters; rank 0 writes them
        try output.write { sink in try NpyWriter(sink).write(Tensor(shape: [r.parameters.count], values: r.parameters))
        }
        let text = summary(r, split.name)
        if let json { try AtomicFile.write(text + "\n", to: json) } else { printError(text) }
    }

    func environments() throws -> [ColoredDigits.Environment] {
        try flips.split(separator: ",").map { pair in
            let p = pair.split(separator: ":").compactMap { Double($0) }
            guard p.count == 2 else { throw FjordError.usage("--flips: \"\(pair)\" is not TRAIN:TEST") }
            return ColoredDigits.Environment(trainFlip: p[0], testFlip: p[1])
        }
    }

    func summary(_ r: FederatedShift.Result, _ name: String) -> String {
        let acc = r.accuracy
        func number(_ x: Double) -> JSON { x.isFinite ? .number(x) : .null }
        func list(_ v: [Double]) -> JSON { .array(v.map(number)) }
        let fields: [String: JSON] = [
            "config": .string(name), "scheme": .string((codec.scheme ?? .none).rawValue),
            "weights": .string(r.weighting.rawValue),
            "ratio": .string(r.combined ? "ftw: pooled test / client train" : "fitw: client test / client train"),
            "accuracy_mean": number(acc.reduce(0, +) / Double(acc.count)), "accuracy_min": number(acc.min()!),
            "accuracy_max": number(acc.max()!), "accuracy": list(acc), "ratio_relative_error": list(r.ratioError),
            "class_ratios": r.ratios.map { .array($0.map(list)) } ?? .null,
            "gradient_bytes_per_client": .number(Double(r.gradientBytes)),
            "estimation_bytes_per_client": .number(Double(r.estimationBytes)), "seconds": number(r.seconds),
        ]
        return JSON.object(fields).serialized
    }
}
