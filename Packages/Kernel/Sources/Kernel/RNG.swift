import CKernel

#if canImport(Glibc)
    import Glibc
#endif

/// Fjord's random number generator: Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy
/// as 1, 2, 3", SC 2011), counter-based.
///
/// Value i of stream `s` under seed `k` is a pure function of (k, s, i): bulk fills can be split over
/// any number of threads and give the same bytes, and `--seed` fixes every output. The sequential
/// interface (`next`, `uniform`, `normal`, `shuffle`) walks the counter of one stream.
public struct RNG: Sendable {
    public let seed: UInt64
    public let stream: UInt64
    /// The index of the next 32-bit value of the stream.
    public private(set) var position: UInt64 = 0

    public init(seed: UInt64, stream: UInt64 = 0) {
        self.seed = seed
        self.stream = stream
    }

    /// An independent generator for sub-task `k` (worker, layer, step…), derived from this seed.
    public func substream(_ k: UInt64) -> RNG {
        RNG(seed: seed, stream: stream &* 0x9E37_79B9_7F4A_7C15 &+ k &+ 1)
    }

    /// The next 32 random bits.
    public mutating func next() -> UInt32 {
        var out: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
        withUnsafeMutablePointer(to: &out) {
            $0.withMemoryRebound(to: UInt32.self, capacity: 4) { fj_philox_block(seed, stream, position / 4, $0) }
        }
        let lane = Int(position % 4)
        position += 1
        switch lane {
        case 0: return out.0
        case 1: return out.1
        case 2: return out.2
        default: return out.3
        }
    }

    /// Uniform on [0, 1) with 24 random bits.
    public mutating func uniform() -> Float { Float(next() >> 8) * 0x1p-24 }

    /// Uniform on [0, 1) with 53 random bits.
    public mutating func uniformDouble() -> Double {
        let hi = UInt64(next() >> 5), lo = UInt64(next() >> 6)
        return Double(hi << 26 | lo) * 0x1p-53
    }

    /// A standard normal draw (Box–Muller).
    public mutating func normal() -> Float {
        let u1 = (Double(next() >> 8) + 0.5) * 0x1p-24
        let u2 = Double(next() >> 8) * 0x1p-24
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    /// Uniform integer in 0..<n, unbiased (Lemire's multiply-and-reject).
    public mutating func int(below n: Int) -> Int {
        precondition(n > 0 && n <= Int(UInt32.max), "int(below:) needs 0 < n ≤ 2^32-1")
        let bound = UInt32(n)
        var m = UInt64(next()) * UInt64(bound)
        if UInt32(truncatingIfNeeded: m) < bound {
            let t = (0 &- bound) % bound
            while UInt32(truncatingIfNeeded: m) < t { m = UInt64(next()) * UInt64(bound) }
        }
        return Int(m >> 32)
    }

    /// Fisher–Yates shuffle in place.
    public mutating func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) { a.swapAt(i, int(below: i + 1)) }
    }

    /// A random permutation of 0..<n.
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        shuffle(&p)
        return p
    }

    /// Distributions of ``fill(_:_:threads:)``.
    public enum Distribution: String, CaseIterable, Sendable { case uniform, normal, laplace }

    /// Fills `out` with standard draws from the distribution, taken from this generator's stream
    /// starting at the first whole 4-value block at or after `position` (normal draws pair lanes within a
    /// block); `position` then moves past the last block used. The bytes do not depend on `threads`.
    public mutating func fill(_ out: UnsafeMutableBufferPointer<Float>, _ dist: Distribution, threads: Int = 1) {
        guard let base = out.baseAddress, out.count > 0 else { return }
        let (seed, stream, start) = (seed, stream, (position + 3) / 4 * 4)
        let n = out.count
        let p = UnsafeSendablePointer(base)
        // each value depends only on its position in the stream, so any split gives the same bytes
        let width = max(65536, (n + max(threads, 1) - 1) / max(threads, 1))
        forEachChunk(count: n, width: width, threads: threads) { _, range in
            let dst = p.pointer + range.lowerBound
            let s = start + UInt64(range.lowerBound)
            switch dist {
            case .uniform: fj_fill_uniform(dst, range.count, seed, stream, s)
            case .normal: fj_fill_normal(dst, range.count, seed, stream, s)
            case .laplace: fj_fill_laplace(dst, range.count, seed, stream, s)
            }
        }
        position = start + (UInt64(n) + 3) / 4 * 4
    }

    /// A tensor of standard draws.
    public mutating func tensor(_ shape: [Int], _ dist: Distribution = .normal, threads: Int = 1) -> Tensor {
        var t = Tensor(uninitializedShape: shape)
        t.withUnsafeMutableBufferPointer { fill($0, dist, threads: threads) }
        return t
    }
}
