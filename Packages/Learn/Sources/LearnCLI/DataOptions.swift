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
        if let problem = DataSource.checkSamples(samples) { throw ValidationError(problem) }
    }

    public func load(seed: UInt64) throws(FjordError) -> (train: Dataset, test: Dataset) {
        let all: Dataset
        if let f = features, let l = labels {
            all = try Dataset.load(features: f, labels: l)
        } else {
            all = data.load(samples: samples, seed: seed)
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
