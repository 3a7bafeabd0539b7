import ArgumentParser
import FjordCLI
import Kernel
import NeuralOp

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Solve a periodic PDE from seeded random initial conditions and write the trajectories.",
        discussion: """
            Writes one float32 .npy of shape [samples, frames, fields, grid…]; frame 0 is the initial condition. \
            Each sample draws from its own substream of --seed, so the bytes do not depend on --threads. An \
            unstable time step is refused (exit 64), a run that goes unstable stops with the time it did (exit 65).
            Examples:
              neural-op simulate --system navier-stokes --grid 64 --samples 200 --frames 30 -o ns.npy
              neural-op simulate --system shallow-water --grid 32 --samples 100 --frames 60 | tensor info
            """)

    @Option(help: "The system.") var system = SystemKind.navierStokes
    @OptionGroup(title: "Physics") var physics: PhysicsOptions
    @Option(
        help: ArgumentHelp(
            "Start from these frames, [samples, fields, grid…] (.npy), instead of random ones.", valueName: "FILE"))
    var initial: String?
    @Option(help: "Trajectories.") var samples = 16
    @Option(help: "Frames per trajectory, the initial one included.") var frames = 20
    @Option(help: "Seed of the initial conditions.") var seed: UInt64 = 0
    @OptionGroup var threads: ThreadOptions
    @Flag(help: "No progress bar.") var quiet = false
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if samples < 1 || samples > 1_000_000 { throw ValidationError("--samples must be in 1…10^6") }
        if frames < 1 || frames > 100_000 { throw ValidationError("--frames must be in 1…100000") }
    }

    func run() throws { try runTool("neural-op simulate") { try execute() } }

    func execute() throws {
        let solver = physics.solver(system)
        if let initial {
            let t = try Simulation.run(
                solver, initial: try readOneTensor(initial), name: initial, frames: frames, threads: threads.count)
            try output.write { sink in try NpyWriter(sink).write(t.values) }
            return
        }
        let bar = ProgressBar("simulate", total: samples, quiet: quiet)
        let t = try Simulation.run(
            solver, samples: samples, frames: frames, seed: seed, threads: threads.count,
            progress: { _ in bar.advance() })
        bar.finish()
        try output.write { sink in try NpyWriter(sink).write(t.values) }
    }
}
