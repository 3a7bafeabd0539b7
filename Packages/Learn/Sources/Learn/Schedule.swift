#if canImport(Glibc)
    import Glibc
#endif

/// A learning-rate schedule α_t over optimizer steps t = 0, 1, 2, ….
public enum Schedule: Sendable, Equatable {
    /// α_t = α.
    case constant(Float)
    /// α_t = α · γ^⌊t / every⌋ (PyTorch's StepLR, counted in steps).
    case step(Float, gamma: Float, every: Int)
    /// α_t = α_min + (α − α_min)(1 + cos(π t / T)) / 2 for t < T, then α_min (PyTorch's CosineAnnealingLR).
    case cosine(Float, total: Int, minimum: Float = 0)

    public func rate(at t: Int) -> Float {
        switch self {
        case .constant(let a): return a
        case .step(let a, let gamma, let every): return a * powf(gamma, Float(t / max(every, 1)))
        case .cosine(let a, let total, let minimum):
            if t >= total { return minimum }
            return minimum + (a - minimum) * (1 + cosf(Float.pi * Float(t) / Float(max(total, 1)))) / 2
        }
    }

    /// The base rate.
    public var base: Float {
        switch self {
        case .constant(let a), .step(let a, _, _), .cosine(let a, _, _): return a
        }
    }
}
