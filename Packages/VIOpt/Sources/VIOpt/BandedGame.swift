import Kernel

/// A strongly monotone game with a structured operator for large d: A(z) = D z + S z − b with D = diag(μ + dᵢ)
/// (dᵢ ∈ [0, 1), seeded) and S the skew-symmetric band S_{i,i+k} = s_k, S_{i+k,i} = −s_k for k = 1…bandwidth
/// (seeded s_k), applied in one pass over z with no matrix stored. Its symmetric part is D ⪰ μI, so it is
/// μ-strongly monotone; b = A(z*) for a seeded z*, so the solution is known exactly.
public struct BandedGame: MonotoneOperator {
    public let dimension: Int
    public let diagonal: [Float]
    public let band: [Float]
    public let b: [Float]
    public let solution: [Float]?

    public init(dimension d: Int, mu: Float, bandwidth: Int = 2, seed: UInt64) throws(FjordError) {
        guard d >= 1 else { throw .usage("banded game: the dimension must be ≥ 1") }
        guard mu > 0, mu.isFinite else { throw .usage("banded game: μ must be finite and > 0, not \(mu)") }
        guard bandwidth >= 0, bandwidth < max(1, d) else {
            throw .usage("banded game: the bandwidth must be in 0…\(max(0, d - 1))")
        }
        var rng = RNG(seed: seed)
        let diag = (0..<d).map { _ in mu + rng.uniform() }
        let s = (0..<bandwidth).map { _ in rng.normal() }
        let zStar = (0..<d).map { _ in rng.normal() }
        var bb = [Float](repeating: 0, count: d)
        zStar.withUnsafeBufferPointer { z in
            bb.withUnsafeMutableBufferPointer { Self.raw(diag, s, z, into: $0) }
        }
        dimension = d
        diagonal = diag
        band = s
        solution = zStar
        b = bb
    }

    public var name: String { "banded \(dimension), bandwidth \(band.count)" }

    /// D z + S z (without b).
    static func raw(
        _ diagonal: [Float], _ band: [Float], _ z: UnsafeBufferPointer<Float>,
        into out: UnsafeMutableBufferPointer<Float>
    ) {
        let d = diagonal.count
        diagonal.withUnsafeBufferPointer { dg in
            band.withUnsafeBufferPointer { s in
                for i in 0..<d {
                    var v = dg[i] * z[i]
                    var k = 1
                    while k <= s.count {
                        if i + k < d { v += s[k - 1] * z[i + k] }
                        if i - k >= 0 { v -= s[k - 1] * z[i - k] }
                        k += 1
                    }
                    out[i] = v
                }
            }
        }
    }

    public func apply(_ z: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        Self.raw(diagonal, band, z, into: out)
        b.withUnsafeBufferPointer { bb in for i in 0..<dimension { out[i] -= bb[i] } }
    }
}
