import Kernel
import Learn

/// The federated shift experiments of both papers on bundled digits, over seeds: per split (a label-shift
/// configuration or colored digits) and weighting, FTW-ERM's and FITW-ERM's ratio, the IW-ERM model's per-client test
/// accuracy (mean, worst and best client), the weights' relative error against the true ones, and the bytes one
/// client sent. Each seed draws its own split, models and batches.
public enum FederatedExperiment {
    public enum Setup: String, CaseIterable, Sendable {
        case fiveClients = "5clients"
        case tenClients = "10clients-v2"
        case colored = "colored-digits"
        case selection = "selection-digits"

        /// What is compared: the label shifts' class weights (true, and VRLS's estimate), colored digits' row weights
        /// (the true joint weight, the exact covariate ratio, and the feature-based estimators).
        public var weightings: [FederatedShift.Weighting] {
            switch self {
            case .fiveClients, .tenClients: [.none, .truth, .vrls]
            case .colored: [.none, .truth, .covariate, .nnbd, .classifier]
            case .selection: [.none, .truth, .classifier, .ulsif, .kliep, .nnbd]
            }
        }

        public func split(_ digits: Dataset, rows: (train: Int, test: Int), seed: UInt64) throws -> FederatedSplit {
            switch self {
            case .fiveClients:
                try FederatedSplit(digits, .fiveClients(), trainRows: rows.train, testRows: rows.test, seed: seed)
            case .tenClients:
                try FederatedSplit(digits, .tenClients(), trainRows: rows.train, testRows: rows.test, seed: seed)
            case .colored: try ColoredDigits.split(digits, trainRows: rows.train, testRows: rows.test, seed: seed)
            case .selection: try SelectionShift.split(digits, trainRows: rows.train, testRows: rows.test, seed: seed)
            }
        }
    }

    public struct Options: Sendable {
        public var setups = Setup.allCases
        public var seeds = 3
        /// FedSGD steps for the label shifts, and for colored digits (whose 25% label noise a longer run memorises).
        public var steps = 2000
        public var coloredSteps = 200
        public var rows = (train: 500, test: 200)
        public var training = FederatedShift.Options()
        public init() {}
    }

    /// One (setup, weighting, ratio) over the seeds.
    public struct Cell: Sendable {
        public var setup: Setup
        public var weighting: FederatedShift.Weighting
        public var combined: Bool
        /// Per seed: mean, worst and best client accuracy, the mean relative weight error, bytes per client.
        public var mean: [Double] = []
        public var worst: [Double] = []
        public var best: [Double] = []
        public var ratioError: [Double] = []
        public var gradientBytes: [Double] = []
        public var estimationBytes: [Double] = []
    }

    public static func run(_ digits: Dataset, _ o: Options, progress: ((String) -> Void)? = nil) throws -> [Cell] {
        guard o.seeds >= 1 else { throw FjordError.usage("the federated experiments need ≥ 1 seed") }
        var cells: [Cell] = []
        for setup in o.setups {
            for combined in [true, false] {
                for w in setup.weightings where combined || w != .none {  // FedAvg has no ratio: run once
                    var cell = Cell(setup: setup, weighting: w, combined: combined)
                    for s in 0..<o.seeds {
                        var t = o.training
                        (t.combined, t.seed) = (combined, UInt64(s))
                        t.steps = setup == .colored ? o.coloredSteps : o.steps
                        let split = try setup.split(digits, rows: o.rows, seed: UInt64(s))
                        progress?("\(setup.rawValue) \(w.rawValue) \(combined ? "ftw" : "fitw") seed \(s)")
                        let r = try FederatedShift.run(split, w, t)
                        cell.mean.append(r.accuracy.reduce(0, +) / Double(r.accuracy.count))
                        cell.worst.append(r.accuracy.min()!)
                        cell.best.append(r.accuracy.max()!)
                        cell.ratioError.append(r.ratioError.reduce(0, +) / Double(r.ratioError.count))
                        cell.gradientBytes.append(Double(r.gradientBytes))
                        cell.estimationBytes.append(Double(r.estimationBytes))
                    }
                    cells.append(cell)
                }
            }
        }
        return cells
    }
}
