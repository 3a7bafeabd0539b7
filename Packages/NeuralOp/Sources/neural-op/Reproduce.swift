import ArgumentParser
import FjordCLI
import Kernel
import Learn
import NeuralOp

#if canImport(Glibc)
    import Glibc
#endif

struct Reproduce: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "FNO against FNOtD on linear and nonlinear shallow water, in miniature: the paper's comparison.",
        discussion: """
            For each system: --train + --test trajectories on a --grid² basin (Baltic-like depth 50 m, f = 1.26e-4 \
            s⁻¹, frames every 10 minutes), an FNO (the last --window frames as channels, one frame per call) and an \
            FNOtD (a window of --window frames along a transformed time axis, window to window) trained for --steps \
            each, then rolled out --horizon frames on the test set. Prints per system a table of relative L2 error at \
            several lead times, the fraction of η's (k, ω) energy on the dispersion shell, energy drift, and the cost \
            of one predicted frame against one solver frame; writes error-<system>.svg, spectrum-<system>.svg, \
            dispersion-<system>-{truth,fno,fnotd}.png and frames-<system>-{fno,fnotd}.png into --out.
            Example: neural-op reproduce --out out/neural-op
            """)

    @Option(help: "Output folder for figures and tables.") var out = "out/neural-op"
    @Option(help: "Grid points per axis.") var grid = 32
    @Option(help: "Training trajectories per system.") var train = 40
    @Option(help: "Test trajectories per system.") var test = 8
    @Option(help: "Frames per training trajectory.") var frames = 24
    @Option(help: "Frames each model sees (T_in; FNOtD predicts as many).") var window = 4
    @Option(help: "Rolled-out frames on the test set.") var horizon = 48
    @Option(help: "Training steps per model.") var steps = 400
    @Option(help: "Channels of the Fourier layers.") var width = 20
    @Option(help: "Spatial modes per axis.") var modes = 8
    @Option(help: "Seed.") var seed: UInt64 = 0
    @Option(help: "Systems (comma-separated): linear-shallow-water, shallow-water.")
    var systems = "linear-shallow-water,shallow-water"
    @OptionGroup var threads: ThreadOptions

    func validate() throws {
        if grid < 8 || grid % 2 != 0 || grid > 256 { throw ValidationError("--grid must be even, 8…256") }
        if window < 2 || window > 16 { throw ValidationError("--window must be in 2…16") }
        if frames < 2 * window + 1 { throw ValidationError("--frames must be at least 2·--window + 1") }
        if horizon < window || horizon > 1000 { throw ValidationError("--horizon must be in --window…1000") }
        if train < 1 || test < 1 || steps < 1 { throw ValidationError("--train, --test and --steps must be ≥ 1") }
        if 2 * modes > grid { throw ValidationError("--modes must be at most --grid/2") }
    }

    func run() throws { try runTool("neural-op reproduce") { try execute() } }

    func execute() throws {
        Memory.keepFreedMemory()
        _ = mkdir(out, 0o755)
        var html = ""
        for name in systems.split(separator: ",").map(String.init) {
            guard let kind = SystemKind(rawValue: name), kind == .shallowWater || kind == .linearShallowWater else {
                throw FjordError.usage("--systems: '\(name)' is not linear-shallow-water or shallow-water")
            }
            html += try runSystem(kind).html
        }
        try AtomicFile.write(html, to: out + "/tables.html")
    }

    func runSystem(_ kind: SystemKind) throws -> TextTable {
        let p = ShallowWaterParameters(n: grid)
        let solver: any Solver = kind == .shallowWater ? ShallowWater(p) : LinearShallowWater(p)
        let trainSet = try Simulation.run(solver, samples: train, frames: frames, seed: seed, threads: threads.count)
        var t0 = monotonicSeconds()
        let testSet = try Simulation.run(
            solver, samples: test, frames: window + horizon, seed: seed &+ 1_000_003, threads: 1)
        let solverFrame = (monotonicSeconds() - t0) / Double(test * (window + horizon - 1))
        let scaling = FieldScaling.fit(trainSet)
        var z = trainSet.values
        scaling.apply(&z, fieldAxis: 2)
        let standardized = try Trajectories(z, name: "train")
        var settings = OperatorTrainingSettings(steps: steps, batch: 10)
        settings.decayEvery = max(1, steps / 4)
        settings.seed = seed
        settings.rate = 3e-3
        let timeModes = min(window / 2 + 1, 3)
        let configs: [(String, FNOConfig)] = [
            (
                "fno",
                FNOConfig(
                    architecture: .fno, fields: 3, grid: [grid, grid], inputFrames: window, outputFrames: 1,
                    modes: [modes, modes], width: width, layers: 4)
            ),
            (
                "fnotd",
                FNOConfig(
                    architecture: .fnotd, fields: 3, grid: [grid, grid], inputFrames: window, outputFrames: window,
                    modes: [modes, modes, timeModes], width: width, layers: 4, padding: window / 2)
            ),
        ]
        var rows: [[String]] = []
        var curves: [(String, [Double])] = []
        var spectra: [(String, [Double])] = []
        let leads = Array(window..<(window + horizon))
        let truthShell = try DispersionSpectrum(testSet, parameters: p, start: window, frames: horizon)
        try AtomicFile.write(truthShell.png(), to: "\(out)/dispersion-\(kind.rawValue)-truth.png")
        let energyTruth = Diagnostics.energy(testSet, shallowWater: p)
        spectra.append(("truth", Diagnostics.radialSpectrum(testSet, field: 0, frames: [window + horizon - 1])))
        for (label, config) in configs {
            let data = try OperatorData(standardized, config: config)
            let model = config.makeModel(seed: seed, threads: 1)
            t0 = monotonicSeconds()
            let history = try OperatorTraining.fit(model, data: data, settings: settings)
            let trainSeconds = monotonicSeconds() - t0
            let checkpoint = OperatorCheckpoint(config: config, scaling: scaling, settings: settings, step: steps)
            t0 = monotonicSeconds()
            let rollout = try Rollout.run(model, checkpoint: checkpoint, initial: testSet, frames: horizon)
            let predictFrame = (monotonicSeconds() - t0) / Double(test * horizon)
            let e = Diagnostics.errors(truth: testSet, prediction: rollout).meanRelativeL2
            let shell = try DispersionSpectrum(rollout, parameters: p, start: window, frames: horizon)
            try AtomicFile.write(shell.png(), to: "\(out)/dispersion-\(kind.rawValue)-\(label).png")
            try Figures.frames(
                truth: testSet, prediction: rollout, frame: window + horizon - 1,
                to: "\(out)/frames-\(kind.rawValue)-\(label).png")
            let energy = Diagnostics.energy(rollout, shallowWater: p)
            curves.append((label, leads.map { e[$0] }))
            spectra.append((label, Diagnostics.radialSpectrum(rollout, field: 0, frames: [window + horizon - 1])))
            let marks = [1, horizon / 4, horizon / 2, horizon].map { window + $0 - 1 }
            rows.append(
                [label, String(model.parameterCount), NumberFormat.rounded(history.last?.trainLoss ?? .nan, 4)]
                    + marks.map { NumberFormat.rounded(e[$0], 4) }
                    + [
                        NumberFormat.rounded(shell.onShell, 3),
                        NumberFormat.rounded(energy[window + horizon - 1] / energyTruth[window + horizon - 1], 3),
                        NumberFormat.rounded(1000 * predictFrame, 2), NumberFormat.rounded(trainSeconds, 1),
                    ])
        }
        rows.append(
            [
                "solver", "", "", "", "", "", "", NumberFormat.rounded(truthShell.onShell, 3), "1",
                NumberFormat.rounded(1000 * solverFrame, 2), "",
            ])
        let marks = [1, horizon / 4, horizon / 2, horizon]
        let header =
            ["model", "parameters", "train loss"] + marks.map { "rel. L2 @\($0)" }
            + ["on shell", "energy / truth", "ms per frame", "train s"]
        let title =
            "\(kind.rawValue): \(grid)×\(grid), \(train) training trajectories of \(frames) frames, window \(window), "
            + "\(steps) steps, \(test) test trajectories rolled out \(horizon) frames"
        var table = TextTable(title: title, header: header, first: 8, rest: 15)
        for r in rows { table.add(r) }
        print(title)
        print(table.text)
        try Figures.errors(
            lead: Array(1...horizon), errors: curves, title: "\(kind.rawValue): error against horizon",
            to: "\(out)/error-\(kind.rawValue).svg")
        try Figures.spectra(
            spectra, title: "\(kind.rawValue): η power spectrum at the last frame",
            to: "\(out)/spectrum-\(kind.rawValue).svg")
        return table
    }
}
