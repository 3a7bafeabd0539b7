import ArgumentParser
import FjordCLI
import Kernel
import Learn

/// Where training data comes from, and how it is split and scaled.
public struct DataOptions: ParsableArguments {
    public init() {}

    @Option(help: "A bundled or synthetic data set.") public var data = DataSource.digits
    @Option(help: ArgumentHelp("Features .npy ([n, d]); with --labels, replaces --data.", valueName: "FILE"))
    var features: String?
    @Option(help: ArgumentHelp("Labels .npy ([n] integers).", valueName: "FILE"))
    var labels: String?
    @Option(help: "Fraction held out for testing (stratified, seeded).") var testFraction = 0.2
    @Option(help: "Rows of synthetic data.") public var samples = 4000
    @Flag(inversion: .prefixedNo, help: "Standardise features with the training part's mean and std.")
    var standardize = true

    public func validate() throws {
        if (features == nil) != (labels == nil) { throw ValidationError("give --features and --labels together") }
        if !(testFraction > 0 && testFraction < 1) { throw ValidationError("--test-fraction must be in (0, 1)") }
        if samples < 10 { throw ValidationError("--samples must be ≥ 10") }
    }

    public func load(seed: UInt64) throws(FjordError) -> (train: Dataset, test: Dataset) {
        let all: Dataset
        if let f = features, let l = labels {
            all = try Dataset.load(features: f, labels: l)
        } else {
            switch data {
            case .gaussian:
                all = Synthetic.gaussianMixture(samples: samples, dimension: 20, classes: 4, separation: 1, seed: seed)
            case .teacher:
                all = Synthetic.teacherStudent(samples: samples, dimension: 20, hidden: 16, classes: 4, seed: seed)
            case .digits: all = BundledData.digits.load()
            case .breastCancer: all = BundledData.breastCancer.load()
            case .wine: all = BundledData.wine.load()
            case .iris: all = BundledData.iris.load()
            }
        }
        return standardize
            ? all.standardizedSplit(testFraction: testFraction, seed: seed)
            : all.split(testFraction: testFraction, seed: seed)
    }
}

/// The model: an MLP from the data's dimension through --hidden to the class count.
public struct ModelOptions: ParsableArguments {
    public init() {}

    @Option(help: "Hidden layer widths, comma-separated (empty: logistic regression).") public var hidden = "32"
    @Option(help: "Activation.") public var activation = Activation.Kind.relu

    public func validate() throws {
        if (try? widths()) == nil { throw ValidationError("--hidden must be positive integers separated by commas") }
    }

    public func widths() throws -> [Int] {
        if hidden.isEmpty { return [] }
        return try hidden.split(separator: ",").map { s in
            guard let w = Int(s), w > 0 else { throw ValidationError("bad width '\(s)'") }
            return w
        }
    }

    public func sizes(input: Int, classes: Int) -> [Int] { [input] + ((try? widths()) ?? []) + [classes] }
}
