#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// SplitMix64 (Steele, Lea & Flood, 2014): the per-puzzle random stream.
///
/// Every puzzle is generated from its own 48-bit seed, itself a hash of (base seed, N, d, ρ, index), so any instance
/// of a grid can be regenerated alone (random access, as reasoning-gym's `dataset[idx]`), and the grid does not change
/// when other grid points are added. 48 bits keep the seed exact in a JSON number.
public struct SplitMix64: Sendable {
    public var state: UInt64

    @inlinable public init(seed: UInt64) { state = seed }

    /// The SplitMix64 output function, also a good 64-bit hash.
    @inlinable @inline(__always) public static func mix(_ z0: UInt64) -> UInt64 {
        var z = z0
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inlinable @inline(__always) public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// Uniform in 0..<n (Lemire's multiply-shift with rejection, so exactly uniform).
    @inlinable @inline(__always) public mutating func below(_ n: Int) -> Int {
        precondition(n > 0)
        let bound = UInt64(n)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let t = (0 &- bound) % bound
            while m.low < t { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }

    /// Uniform in [0, 1) with 53 random bits.
    @inlinable @inline(__always) public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Standard normal (Box–Muller, one value per call).
    public mutating func normal() -> Double {
        let u1 = 1 - uniform(), u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// The first `k` entries of a uniformly shuffled `0..<scratch.count` (partial Fisher–Yates on `scratch`, which must
    /// hold a permutation; it stays one).
    @inlinable @inline(__always) public mutating func sample(_ k: Int, from scratch: inout [Int]) {
        let n = scratch.count
        for i in 0..<k {
            let j = i + below(n - i)
            scratch.swapAt(i, j)
        }
    }
}
