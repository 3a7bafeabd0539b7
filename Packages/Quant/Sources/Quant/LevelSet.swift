import CQuant
import Kernel

/// Sorted quantization magnitudes 0 = ℓ₀ < ℓ₁ < … < ℓ_{K−1} = 1 (a sign bit is sent apart).
///
/// Bit-width convention (research/quant.md): b bits = 1 sign bit + (b−1) bits of magnitude index, so a b-bit
/// scheme has 2^(b−1) levels including 0. Note the papers' own code uses signed levels without 0
/// (`linspace(-1, 1, 2^b)`, `±p^j`), whose variance is far worse at large buckets; Fjord follows the papers.
public struct LevelSet: Equatable, Sendable {
    public let magnitudes: [Float]
    /// Uniform levels j/s are looked up by floor(r·s); others by binary search.
    public let isUniform: Bool
    /// NUQSGD's ladder 0, 2^−s, …, 1/2, 1 exactly: looked up from the float exponent of r.
    public let isPowerOfTwoLadder: Bool

    /// Validates: at least 2 levels, starting at 0, ending at 1, strictly increasing, at most 32768.
    public init(_ magnitudes: [Float]) throws(FjordError) {
        guard magnitudes.count >= 2, magnitudes.count <= 32768 else {
            throw .data("a level set needs 2 to 32768 levels, got \(magnitudes.count)")
        }
        guard magnitudes.first == 0, magnitudes.last == 1 else {
            throw .data("levels must start at 0 and end at 1, got \(magnitudes.first!)…\(magnitudes.last!)")
        }
        for k in 1..<magnitudes.count where !(magnitudes[k] > magnitudes[k - 1]) {
            throw .data("levels must increase strictly: level \(k) is \(magnitudes[k]) after \(magnitudes[k - 1])")
        }
        self.magnitudes = magnitudes
        let s = Float(magnitudes.count - 1)
        isUniform = magnitudes.enumerated().allSatisfy { $0.element == Float($0.offset) / s }
        let k = magnitudes.count - 2
        isPowerOfTwoLadder =
            magnitudes.count <= 64
            && magnitudes.dropFirst().enumerated().allSatisfy {
                $0.element == Float(sign: .plus, exponent: $0.offset - k, significand: 1)
            }
    }

    /// QSGD's uniform levels j/s, j = 0…s.
    public static func uniform(_ s: Int) -> LevelSet {
        precondition(s >= 1)
        return valid { () throws(FjordError) in try LevelSet((0...s).map { Float($0) / Float(s) }) }
    }

    /// NUQSGD's levels 0, 2^−s, 2^−s+1, …, 1/2, 1 (s + 2 levels); s ≤ 126 keeps 2^−s a normal float32.
    public static func exponential(_ s: Int) -> LevelSet {
        precondition(s >= 0 && s <= 126, "2^-\(s) is not a normal float32")
        return valid { () throws(FjordError) in
            try LevelSet([0] + (0...s).reversed().map { Float(sign: .plus, exponent: -$0, significand: 1) })
        }
    }

    /// AMQ's levels 0, p^s, …, p, 1 (s + 2 levels) for 0 < p < 1.
    public static func geometric(_ p: Double, _ s: Int) -> LevelSet {
        precondition(p > 0 && p < 1 && s >= 0)
        var m: [Float] = [0]
        for j in stride(from: s, through: 1, by: -1) { m.append(Float(pow(p, Double(j)))) }
        m.append(1)
        return (try? LevelSet(m)) ?? .uniform(s + 1)  // p^s can underflow to 0 for extreme p; fall back
    }

    public var count: Int { magnitudes.count }
    /// The level count for b bits: 2^(b−1).
    public static func levelCount(bits: Int) -> Int { 1 << (bits - 1) }

    /// τ = max_{j≥1} ℓ_{j+1}/ℓ_j, the largest ratio of adjacent nonzero levels.
    public var tau: Double {
        var t = 1.0
        for j in 1..<(count - 1) { t = max(t, Double(magnitudes[j + 1]) / Double(magnitudes[j])) }
        return t
    }

    /// The variance bound ε_Q with E‖Q(v) − v‖² ≤ ε_Q ‖v‖² (L2 scaling) for buckets of d coordinates:
    ///
    ///     ε_Q = (τ−1)²/(4τ) + min_{0<p<1} K_p ℓ₁^{2−p} d^{(2−p)/2},   K_p = (1/(2−p)) ((1−p)/(2−p))^{1−p}
    ///
    /// (research/quant.md §1.4; for uniform levels ℓ_j = j/s this is at most QSGD's min(d/s², √d/s)).
    public func varianceBound(dimension d: Int) -> Double {
        let l1 = Double(magnitudes[1]), dd = Double(d)
        var best = min(l1 * l1 * dd / 4, l1 * dd.squareRoot())
        for k in 1..<200 {
            let p = Double(k) / 200
            let kp = (1 / (2 - p)) * pow((1 - p) / (2 - p), 1 - p)
            best = min(best, kp * pow(l1, 2 - p) * pow(dd, (2 - p) / 2))
        }
        let t = tau
        return (t - 1) * (t - 1) / (4 * t) + best
    }
}

#if canImport(Glibc)
    import Glibc
#endif
