import ArgumentParser
import FjordCLI
import Kernel
import NeuralOp

extension Architecture: Choice {
    public var help: String {
        switch self {
        case .fno: "FNO over space, the last --frames-in frames as channels, next --frames-out frames (fourier_2d_time)"
        case .fno3d: "FNO-3D over (space, t): input frames as channels along a time axis of --frames-out (fourier_3d)"
        case .fnotd: "FNOtD: frames along a transformed time axis, window to window (our reconstruction)"
        }
    }
}

/// The operator's shape (`train`; `rollout` and `eval` read it from the checkpoint).
struct ModelOptions: ParsableArguments {
    @Option(help: "Architecture.") var arch = Architecture.fno
    @Option(help: "Input frames T_in.") var framesIn = 10
    @Option(help: "Predicted frames T_out per model call (fnotd: = T_in).") var framesOut = 1
    @Option(
        help: ArgumentHelp(
            "Kept modes per spectral axis, e.g. 12,12 (fno, 64×64: 24×12 complex modes) or 8,8,6 (space, then time); "
                + "one number applies to every axis.", valueName: "m,…")) var modes = "12"
    @Option(help: "Channels C of the Fourier layers.") var width = 32
    @Option(help: "Fourier layers.") var layers = 4
    @Option(help: "Zero padding at the end of the time axis (fno3d, fnotd; default 6) or of space (fno; default 0).")
    var padding: Int?
    @Option(help: "Hidden width of the projection.") var projection = 128

    func config(fields: Int, grid: [Int]) throws -> FNOConfig {
        let m = try ListParse.doubles(modes, option: "--modes").map { Int($0) }
        let axes = grid.count + (arch.spaceTime ? 1 : 0)
        let all = m.count == 1 ? [Int](repeating: m[0], count: axes) : m
        let c = FNOConfig(
            architecture: arch, fields: fields, grid: grid, inputFrames: framesIn, outputFrames: framesOut, modes: all,
            width: width, layers: layers, padding: padding ?? (arch.spaceTime ? 6 : 0), projection: projection)
        if let p = c.problem { throw FjordError.usage(p) }
        return c
    }
}
