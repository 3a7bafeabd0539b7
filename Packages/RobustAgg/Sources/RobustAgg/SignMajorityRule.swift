import CRobust
import Exchange
import Kernel
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// signSGD with majority vote (Bernstein, Zhao, Azizzadenesheli, Anandkumar; ICLR 2019): per coordinate
/// sign(Σ_i sign(x_i)) ∈ {−1, 0, +1} (0 on a tie or where every worker sent 0). Workers and server exchange one
/// bit per coordinate (Quant's `signsgd` codec on the way up); the step size lives in the optimizer. Tolerates a
/// minority of workers flipping signs, not one that outvotes them.
public struct SignMajorityRule: AggregationRule {
    public init() {}
    public var name: String { "sign-majority" }

    public mutating func aggregate(_ stack: Tensor, rng: inout RNG) throws(FjordError) -> Tensor {
        let (n, d) = try checkStack(stack, rule: name)
        var votes = [Int32](repeating: 0, count: d)
        var out = Tensor(uninitializedShape: [d])
        stack.withUnsafeBufferPointer { v in
            votes.withUnsafeMutableBufferPointer { t in
                for i in 0..<n {
                    let row = v.baseAddress! + i * d
                    for j in 0..<d { t[j] += (row[j] > 0 ? 1 : 0) - (row[j] < 0 ? 1 : 0) }
                }
            }
            out.withUnsafeMutableBufferPointer { o in
                for j in 0..<d { o[j] = votes[j] > 0 ? 1 : (votes[j] < 0 ? -1 : 0) }
            }
        }
        return out
    }
}
