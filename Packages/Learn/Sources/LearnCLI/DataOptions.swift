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
    @Option(
        help: ArgumentHelp(
            "1-D convolutions before the dense layers, channels comma-separated (kernel 5, stride 2, padding 2; "
                + "the features are read as one signal), e.g. 25,25,25 for MNIST-1D's CNN.", valueName: "CHANNELS"))
    public var conv = ""

    public func validate() throws {
        if (try? widths()) == nil { throw ValidationError("--hidden must be positive integers separated by commas") }
        if (try? channels()) == nil { throw ValidationError("--conv must be positive integers separated by commas") }
    }

    public func channels() throws -> [Int] {
        if conv.isEmpty { return [] }
        return try conv.split(separator: ",").map { s in
            guard let w = Int(s), w > 0 else { throw ValidationError("bad channel count '\(s)'") }
            return w
        }
    }

    /// The model: an MLP, or with --conv a 1-D CNN ending in that MLP.
    public func model(input: Int, classes: Int, seed: UInt64 = 0) -> Sequential {
        let ch = (try? channels()) ?? []
        if ch.isEmpty {
            return Sequential.mlp(sizes(input: input, classes: classes), activation: activation, seed: seed)
        }
        return Sequential.cnn1d(
            length: input, channels: ch, hidden: (try? widths()) ?? [], classes: classes, activation: activation,
            seed: seed)
    }

    /// The parameter count of ``model(input:classes:seed:)`` without building it (nil on overflow).
    public func parameterCount(input: Int, classes: Int) -> Int? {
        var total = 0
        var layer = [(Int, Int)]()
        var (l, c) = (input, 1)
        let ch = (try? channels()) ?? []
        for out in ch {
            let conv = Sequential.cnn1dConvolution(c, out)
            layer.append((conv.kernel * c, out))
            (l, c) = (conv.outputLength(l), out)
        }
        let dense = [ch.isEmpty ? input : l * c] + ((try? widths()) ?? []) + [classes]
        layer += zip(dense, dense.dropFirst()).map { ($0, $1) }
        for (fanIn, out) in layer {
            guard let w = Tensor.elementCount([fanIn + 1, out]) else { return nil }
            let (sum, overflow) = total.addingReportingOverflow(w)
            if overflow { return nil }
            total = sum
        }
        return total
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
