import CRobust
import Exchange
import Kernel
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Centered clipping (Karimireddy, He, Jaggi, ICML 2021): from v₀ = the previous aggregate (0 at first),
/// L times v ← v + (1/n) Σ (x_i − v) · min(1, τ / ‖x_i − v‖). Stateful: keeps v between steps.
public struct CenteredClippingRule: AggregationRule {
    public var tau: Double
    public var iterations: Int
    var previous: Tensor?
    public init(tau: Double = 100, iterations: Int = 1) {
        self.tau = tau
        self.iterations = iterations
    }
    public var name: String { "centered-clipping(τ=\(tau), L=\(iterations))" }

    public mutating func aggregate(_ stack: Tensor, rng: inout RNG) throws(FjordError) -> Tensor {
        let (n, d) = try checkStack(stack, rule: name)
        guard tau > 0 else { throw .usage("centered clipping: τ must be positive") }
        var v = previous ?? Tensor(zeros: [d])
        if v.count != d { v = Tensor(zeros: [d]) }
        for _ in 0..<iterations {
            var delta = [Double](repeating: 0, count: d)
            stack.withUnsafeBufferPointer { x in
                v.withUnsafeBufferPointer { vp in
                    for i in 0..<n {
                        var nrm = 0.0
                        for k in 0..<d {
                            let e = Double(x[i * d + k] - vp[k])
                            nrm += e * e
                        }
                        let c = min(1, tau / max(nrm.squareRoot(), 1e-30))
                        for k in 0..<d { delta[k] += Double(x[i * d + k] - vp[k]) * c }
                    }
                }
            }
            v.withUnsafeMutableBufferPointer { vp in for k in 0..<d { vp[k] += Float(delta[k] / Double(n)) } }
        }
        previous = v
        return v
    }
}
