import ArgumentParser
import FjordCLI
import Kernel
import NeuralOp

struct RolloutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "Roll a trained operator forward from initial frames, autoregressively.",
        discussion: """
            INITIAL is a .npy of trajectories [samples, ≥ T_in, fields, grid…]; its first T_in frames start the \
            rollout (the rest is ignored). Writes [samples, T_in + --frames, fields, grid…] in physical units: the \
            given frames, then the predicted ones. The grid may differ from the training grid where the model's modes \
            fit (zero-shot resolution); a grid they do not fit, NaN in the input or a diverging rollout is exit 65.
            Example:
              neural-op rollout ns.safetensors test.npy --frames 40 -o pred.npy
              neural-op eval --truth test.npy --prediction pred.npy --from 10
            """)

    @Argument(help: "Checkpoint (safetensors from train --save).") var checkpoint: String
    @Argument(help: "Initial frames (.npy; - for stdin).") var initial = "-"
    @Option(help: "Frames to predict.") var frames = 10
    @Option(help: "Samples per model call.") var batch = 16
    @OptionGroup var threads: ThreadOptions
    @OptionGroup var planning: FFTOptions
    @Flag(help: "No progress bar.") var quiet = false
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if frames < 0 || frames > 100_000 { throw ValidationError("--frames must be in 0…100000") }
        if batch < 1 || batch > 100_000 { throw ValidationError("--batch must be in 1…100000") }
    }

    func run() throws { try runTool("neural-op rollout") { try planning.run { try execute() } } }

    func execute() throws {
        Memory.keepFreedMemory()
        let (c, model, _) = try OperatorCheckpoint.load(checkpoint, threads: threads.count)
        let start = try Trajectories(readOneTensor(initial), name: initial)
        let bar = ProgressBar("rollout", total: start.samples, quiet: quiet)
        let out = try Rollout.run(model, checkpoint: c, initial: start, frames: frames, batch: batch) {
            bar.advance($0)
        }
        bar.finish()
        try output.write { sink in try NpyWriter(sink).write(out.values) }
    }
}
