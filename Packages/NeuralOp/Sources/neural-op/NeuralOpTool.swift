import ArgumentParser
import FjordCLI
import Kernel
import NeuralOp

/// `neural-op`: pseudo-spectral solvers and Fourier neural operators for ocean-like dynamics.
@main
struct NeuralOpTool: FjordTool {
    static let configuration = CommandConfiguration(
        commandName: "neural-op",
        abstract: "Simulate ocean-like dynamics, and train, roll out and evaluate Fourier neural operators on them.",
        version: fjordVersion,
        subcommands: [Simulate.self, Train.self, RolloutCommand.self, Eval.self, Reproduce.self])
}
