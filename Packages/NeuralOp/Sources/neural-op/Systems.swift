import ArgumentParser
import FjordCLI
import Kernel
import NeuralOp

/// The systems `simulate` solves.
enum SystemKind: String, Choice {
    case navierStokes = "navier-stokes"
    case shallowWater = "shallow-water"
    case linearShallowWater = "linear-shallow-water"
    case burgers
    var help: String {
        switch self {
        case .navierStokes: "2-D vorticity, the FNO paper's forcing, ν = 1e-3, frames every 1 time unit"
        case .shallowWater: "nonlinear rotating shallow water (η, u, v), RK4, 2/3 dealiased"
        case .linearShallowWater: "linear rotating shallow water (η, u, v), exact per-wavevector propagator"
        case .burgers: "1-D viscous Burgers, ν = 0.01, IF-RK4"
        }
    }
}

/// The physical settings of every system (each uses the ones that apply to it).
struct PhysicsOptions: ParsableArguments {
    @Option(help: "Grid points per axis.") var grid = 64
    @Option(help: "Viscosity (navier-stokes 1e-3, burgers 0.01, shallow-water 500 m²/s).") var viscosity: Double?
    @Option(help: "Time step (navier-stokes 1e-3; shallow-water: by --courant; seconds).") var dt: Double?
    @Option(help: "Time between frames (navier-stokes 1, burgers 0.05, shallow water 600 s).") var interval: Double?
    @Option(help: "Initial rms: vorticity (0.6), u (1), η in metres (1).") var amplitude: Double?
    @Option(help: "Shallow water: depth H, metres.") var depth = 50.0
    @Option(help: "Shallow water: Coriolis parameter f, 1/s.") var coriolis = 1.26e-4
    @Option(help: "Shallow water: side of the square domain, metres.") var length = 1.0e6
    @Option(help: "Shallow water: RK4 Courant number c Δt/Δx (at most 0.64).") var courant = 0.4
    @Flag(help: "Navier–Stokes without the forcing term.") var unforced = false

    var shallowWater: ShallowWaterParameters {
        var p = ShallowWaterParameters(n: grid)
        p.depth = depth
        p.coriolis = coriolis
        p.length = length
        if let interval { p.frameInterval = interval }
        if let amplitude { p.amplitude = amplitude }
        return p
    }

    func solver(_ kind: SystemKind) -> any Solver {
        switch kind {
        case .navierStokes:
            var s = NavierStokes(n: grid)
            if let viscosity { s.viscosity = viscosity }
            if let dt { s.dt = dt }
            if let interval { s.frameInterval = interval }
            if let amplitude { s.rms = amplitude }
            s.forcing = !unforced
            return s
        case .shallowWater:
            var s = ShallowWater(shallowWater)
            if let viscosity { s.viscosity = viscosity }
            s.dt = dt
            s.courant = courant
            return s
        case .linearShallowWater: return LinearShallowWater(shallowWater)
        case .burgers:
            var s = Burgers(n: grid)
            if let viscosity { s.viscosity = viscosity }
            if let interval { s.frameInterval = interval }
            if let amplitude { s.amplitude = amplitude }
            return s
        }
    }
}
