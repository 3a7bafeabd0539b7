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
        discussion: """
            Trajectories are float32 .npy tensors [samples, frames, fields, grid…]; checkpoints are safetensors:
              neural-op simulate --system shallow-water --grid 32 --samples 40 --frames 24 -o swe.npy
              neural-op train swe.npy --arch fnotd --frames-in 4 --frames-out 4 --modes 8,8,3 --save td.safetensors
              neural-op rollout td.safetensors swe.npy --frames 40 | neural-op eval --truth swe.npy --prediction - \
                --from 4 --system shallow-water --grid 32 --figures fig > report.json
            """,
        version: fjordVersion,
        subcommands: [Simulate.self, Train.self, RolloutCommand.self, Eval.self, Reproduce.self])
}
