import ArgumentParser
import FjordCLI
import Kernel
import Learn
import LearnCLI

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Write a bundled or synthetic data set as a stream: features [n, d] f4, then labels [n] i8.",
        discussion: "Example: learn data iris | tensor select --index 0 | tensor info")

    @Argument(help: "The data set.") var name: DataSource
    @Option(help: "Rows of synthetic data.") var samples = 4000
    @Option(help: "Seed (synthetic data).") var seed: UInt64 = 0
    @Flag(help: "mnist1d only: print its ten templates (12 points each, one per line, as the generator uses them).")
    var templates = false
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let problem = DataSource.checkSamples(samples) { throw ValidationError(problem) }
        if templates && name != .mnist1d { throw ValidationError("--templates is for mnist1d only") }
    }

    func run() throws {
        try runTool("learn data") {
            if templates {
                try writeStdout(MNIST1D.templates.map { $0.map { "\($0)" }.joined(separator: " ") + "\n" }.joined())
                return
            }
            let d = name.load(samples: samples, seed: seed)
            try output.write { sink in
                let w = NpyWriter(sink)
                try w.write(d.features)
                try w.write(NpyArray(doubles: d.labels.map(Double.init), shape: [d.count], dtype: .i8))
            }
        }
    }
}

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Accuracy and loss of a saved MLP checkpoint on a data set's test split.",
        discussion: "Example: learn eval model.safetensors --data digits --hidden 32")

    @Argument(help: ArgumentHelp("Checkpoint written by learn train --save.", valueName: "FILE")) var checkpoint: String
    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "Seed of the train/test split (as in training).") var seed: UInt64 = 0

    func run() throws {
        try runTool("learn eval") {
            let (train, test) = try dataOptions.load(seed: seed)
            let model = modelOptions.model(input: train.dimension, classes: train.classes)
            _ = try Checkpoint.load(checkpoint, into: model)
            let (loss, acc) = try evaluate(model, on: test)
            try writeStdout("test_loss \(loss)\ntest_accuracy \(acc)\n")
        }
    }
}
