import ArgumentParser
import FjordCLI
import Kernel
import NeuralOp

#if canImport(Glibc)
    import Glibc
#endif

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare a rollout with the truth: errors by lead time, spectra, dispersion, energy and mass drift.",
        discussion: """
            --truth and --prediction are trajectories of one shape (rollout output against the solver's; a longer \
            truth is cut to the rollout's frames). Frames \
            before --from (the given ones) are skipped. Prints a JSON report on stdout: relative L2 and RMSE per \
            predicted frame and field, the radially averaged power spectrum of field 0 at the last frame, energy \
            and mean of field 0 per frame; for shallow water (3 fields, --system) the fraction of η's (k, ω) energy \
            on the dispersion shell ω² = f² + gH|k|² over the predicted window. --figures DIR writes error.svg, \
            spectrum.svg, frames.png (truth | prediction | error at the last frame) and, for shallow water, \
            dispersion-truth.png and dispersion-prediction.png.
            Example:
              neural-op eval --truth test.npy --prediction pred.npy --from 10 --figures out/ns > report.json
            """)

    @Option(help: "The solver's trajectories.") var truth: String
    @Option(help: "The operator's rollout of them.") var prediction: String
    @Option(help: "First predicted frame (T_in of the model).") var from = 1
    @Option(help: "The system, for the physics diagnostics.") var system: SystemKind?
    @OptionGroup(title: "Physics") var physics: PhysicsOptions
    @Option(help: ArgumentHelp("Write figures into DIR.", valueName: "DIR")) var figures: String?

    func run() throws { try runTool("neural-op eval") { try execute() } }

    func execute() throws {
        var y = try Trajectories(readOneTensor(truth), name: truth)
        let p = try Trajectories(readOneTensor(prediction), name: prediction)
        if y.frames > p.frames, y.values.shape.dropFirst(2) == p.values.shape.dropFirst(2), y.samples == p.samples {
            // a longer truth: its first frames, as many as the rollout has
            y = try Trajectories(
                y.window(samples: (0..<y.samples).map { ($0, 0) }, count: p.frames), name: truth)
        }
        guard y.values.shape == p.values.shape else {
            throw FjordError.data("\(prediction): shape \(p.values.shape) differs from the truth's \(y.values.shape)")
        }
        guard from >= 0 && from < y.frames else { throw FjordError.usage("--from must be in 0..<\(y.frames)") }
        let e = Diagnostics.errors(truth: y, prediction: p)
        let lead = Array(from..<y.frames)
        let swe: ShallowWaterParameters? =
            (system == .shallowWater || system == .linearShallowWater) ? physics.shallowWater : nil
        func numbers(_ v: [Double]) -> JSON { .array(v.map { $0.isFinite ? .number($0) : .null }) }
        let last = y.frames - 1
        let specTruth = Diagnostics.radialSpectrum(y, field: 0, frames: [last])
        let specPred = Diagnostics.radialSpectrum(p, field: 0, frames: [last])
        var report: [String: JSON] = [
            "frames": numbers(lead.map(Double.init)),
            "relative_l2": numbers(lead.map { e.meanRelativeL2[$0] }),
            "relative_l2_by_field": .array(lead.map { numbers(e.relativeL2[$0]) }),
            "rmse_by_field": .array(lead.map { numbers(e.rmse[$0]) }),
            "spectrum_truth": numbers(specTruth), "spectrum_prediction": numbers(specPred),
            "energy_truth": numbers(Diagnostics.energy(y, shallowWater: swe)),
            "energy_prediction": numbers(Diagnostics.energy(p, shallowWater: swe)),
            "mean_truth": numbers(Diagnostics.mean(y)), "mean_prediction": numbers(Diagnostics.mean(p)),
        ]
        var shells: (DispersionSpectrum, DispersionSpectrum)?
        if let swe, y.grid.count == 2, y.frames - from >= 4 {
            let a = try DispersionSpectrum(y, parameters: swe, start: from, frames: y.frames - from)
            let b = try DispersionSpectrum(p, parameters: swe, start: from, frames: y.frames - from)
            report["dispersion"] = .object([
                "on_shell_truth": .number(a.onShell), "on_shell_prediction": .number(b.onShell),
                "balanced_truth": .number(a.balanced), "balanced_prediction": .number(b.balanced),
            ])
            shells = (a, b)
        }
        print(JSON.object(report).serialized)
        if let figures {
            _ = mkdir(figures, 0o755)
            try Figures.errors(
                lead: lead, errors: [("prediction", lead.map { e.meanRelativeL2[$0] })], to: figures + "/error.svg")
            try Figures.spectra([("truth", specTruth), ("prediction", specPred)], to: figures + "/spectrum.svg")
            try Figures.frames(truth: y, prediction: p, frame: last, to: figures + "/frames.png")
            if let (a, b) = shells {
                try AtomicFile.write(a.png(), to: figures + "/dispersion-truth.png")
                try AtomicFile.write(b.png(), to: figures + "/dispersion-prediction.png")
            }
        }
    }
}
