import ArgumentParser
import FjordCLI
import Kernel

/// `xai`: self-explaining models and the metrics they are judged by.
@main
struct XAITool: FjordTool {
    static let configuration = CommandConfiguration(
        commandName: "xai",
        abstract:
            "Train self-explaining classifiers (SRA) and score any model's explanations (ERASER, bias AUCs, ANLS).",
        version: fjordVersion,
        subcommands: [
            Generate.self, Train.self, Explain.self, Metrics.self, ANLSCommand.self, Import.self, Reproduce.self,
            CoExVQA.self,
        ])
}
