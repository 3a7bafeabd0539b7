import Kernel

/// The physical setting of the shallow-water solvers: a doubly periodic f-plane basin. Defaults are Baltic-like
/// (research/neural-op.md §5.1): depth H = 50 m (gravity-wave speed c = √(gH) ≈ 22 m/s), f = 2Ω sin 60° ≈
/// 1.26e-4 s⁻¹ (inertial period 13.9 h), a 1000 km square, frames every 10 minutes.
public struct ShallowWaterParameters: Sendable, Equatable {
    public var n: Int
    /// Side of the square domain, metres.
    public var length = 1.0e6
    public var depth = 50.0
    public var gravity = 9.81
    public var coriolis = 1.26e-4
    /// Seconds between stored frames.
    public var frameInterval = 600.0
    /// Initial surface: a Gaussian random field (α, τ as the FNO scripts) with this rms, metres; velocities start
    /// at rest.
    public var amplitude = 1.0
    public var alpha = 2.5
    public var tau = 7.0

    public init(n: Int) { self.n = n }

    /// c = √(gH).
    public var waveSpeed: Double { (gravity * depth).squareRoot() }

    /// The Poincaré dispersion relation ω(|k|) = √(f² + gH|k|²), rad/s, for |k| in rad/m.
    public func frequency(wavenumber k: Double) -> Double {
        (coriolis * coriolis + gravity * depth * k * k).squareRoot()
    }

    func check(_ tool: String) throws(FjordError) {
        guard n >= 8 && n <= 4096 && n % 2 == 0 else {
            throw .usage("\(tool): the grid must be even, 8…4096, not \(n)")
        }
        for (name, v) in [
            ("length", length), ("depth", depth), ("gravity", gravity), ("frame interval", frameInterval),
            ("amplitude", amplitude), ("tau", tau),
        ] where !(v > 0 && v.isFinite) {
            throw .usage("\(tool): the \(name) must be a positive number, not \(v)")
        }
        guard coriolis.isFinite && alpha.isFinite else { throw .usage("\(tool): f and α must be finite") }
    }
}
