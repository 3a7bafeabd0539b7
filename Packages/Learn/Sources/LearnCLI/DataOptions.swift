import ArgumentParser
import FjordCLI
import Kernel
import Learn

/// Where training data comes from, and how it is split and scaled.
public struct DataOptions: ParsableArguments {
    public init() {}

    @Option(help: "Bundled data set (digits, breast-cancer, wine, iris) or synthetic (gaussian, teacher).")
    public var data = "digits"
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
        } else if let b = BundledData(rawValue: data) {
            all = b.load()
        } else if data == "gaussian" {
            all = Synthetic.gaussianMixture(samples: samples, dimension: 20, classes: 4, separation: 1, seed: seed)
        } else if data == "teacher" {
            all = Synthetic.teacherStudent(samples: samples, dimension: 20, hidden: 16, classes: 4, seed: seed)
        } else {
            throw .usage("--data '\(data)': expected one of \(BundledData.allCases.map(\.rawValue).joined(separator: ", ")), gaussian, teacher")
        }
        var (train, test) = all.split(testFraction: testFraction, seed: seed)
        if standardize {
            let m = train.featureMoments()
            train = train.standardized(mean: m.mean, std: m.std)
            test = test.standardized(mean: m.mean, std: m.std)
        }
        return (train, test)
    }
}

/// The model: an MLP from the data's dimension through --hidden to the class count.
public struct ModelOptions: ParsableArguments {
    public init() {}

    @Option(help: "Hidden layer widths, comma-separated (empty: logistic regression).") public var hidden = "32"
    @Option(help: "Activation: relu, gelu, tanh or sigmoid.") public var activation = "relu"

    public func validate() throws {
        if Activation.Kind(rawValue: activation) == nil { throw ValidationError("--activation must be relu, gelu, tanh or sigmoid") }
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
