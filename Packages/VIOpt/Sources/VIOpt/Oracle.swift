import Kernel

/// What a worker's oracle returns: the operator value with noise, g = A(x) + σ_abs·ξ₁ + σ_rel·‖A(x)‖·ξ₂,
/// ξ₁, ξ₂ ~ N(0, I) drawn from the worker's own stream (the noise model of Antonakopoulos et al.'s reference code:
/// absolute noise of variance σ_abs² per coordinate; relative noise that vanishes at the solution).
public struct NoiseModel: Sendable, Equatable {
    public var absolute: Float = 0
    public var relative: Float = 0
    public init(absolute: Float = 0, relative: Float = 0) {
        self.absolute = absolute
        self.relative = relative
    }
    public var isExact: Bool { absolute == 0 && relative == 0 }

    /// Adds the noise to `v` (= A(x)) in place.
    public func perturb(_ v: UnsafeMutableBufferPointer<Float>, rng: inout RNG) {
        if isExact { return }
        var norm = 0.0
        if relative != 0 {
            for x in v { norm += Double(x) * Double(x) }
            norm = norm.squareRoot()
        }
        let r = relative * Float(norm)
        for i in v.indices {
            var e: Float = 0
            if absolute != 0 { e += absolute * rng.normal() }
            if relative != 0 { e += r * rng.normal() }
            v[i] += e
        }
    }
}
