import Exchange
import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// Fang et al. against trimmed mean / median: per coordinate with the honest mean's sign s, Byzantine values drawn
/// uniformly beyond the honest extreme on the side opposite to s (w_max·[1, b] when s < 0, w_min·[1, b] when s > 0,
/// with b = 2 and the interval taken toward larger magnitude), independently for each of the f rows.
public struct FangTrimmedMeanAttack: ByzantineAttack {
    public init() {}
    public var name: String { "fang-trmean" }
    public mutating func rows(honest: Tensor, f: Int, rng: inout RNG) throws(FjordError) -> Tensor {
        let h = honest.shape[0], d = honest.shape[1]
        var out = Tensor(uninitializedShape: [f, d])
        let x = honest.scalars
        out.withUnsafeMutableBufferPointer { o in
            for k in 0..<d {
                var mx = -Float.infinity, mn = Float.infinity, s: Float = 0
                for i in 0..<h {
                    let v = x[i * d + k]
                    mx = max(mx, v)
                    mn = min(mn, v)
                    s += v
                }
                for r in 0..<f {
                    let u = rng.uniform()
                    if s < 0 {  // push up: beyond the largest honest value
                        let lo = mx, hi = mx > 0 ? 2 * mx : mx / 2
                        o[r * d + k] = lo + u * (hi - lo)
                    } else {  // push down: below the smallest
                        let hi = mn, lo = mn < 0 ? 2 * mn : mn / 2
                        o[r * d + k] = lo + u * (hi - lo)
                    }
                }
            }
        }
        return out
    }
}
