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
            bb.withUnsafeMutableBufferPointer { Self.raw(diag, s, z, into: $0, minus: [Float](repeating: 0, count: d)) }
        }
        dimension = d
        diagonal = diag
        band = s
        solution = zStar
        b = bb
    }

    public var name: String { "banded \(dimension), bandwidth \(band.count)" }

    /// D z + S z − b, one pass: the interior rows without branches, the first and last `bandwidth` rows
    /// with the band clipped.
    static func raw(
        _ diagonal: [Float], _ band: [Float], _ z: UnsafeBufferPointer<Float>,
        into out: UnsafeMutableBufferPointer<Float>,
        minus b: [Float]
    ) {
        let d = diagonal.count, w = band.count
        b.withUnsafeBufferPointer { bb in
            diagonal.withUnsafeBufferPointer { dg in
                band.withUnsafeBufferPointer { s in
                    let zp = z.baseAddress!, op = out.baseAddress!, dp = dg.baseAddress!, sp = s.baseAddress!
                    let bp = bb.baseAddress!
                    func edge(_ i: Int) {
                        var v = dp[i] * zp[i] - bp[i]
                        for k in 1...max(1, w) where w > 0 {
                            if i + k < d { v += sp[k - 1] * zp[i + k] }
                            if i - k >= 0 { v -= sp[k - 1] * zp[i - k] }
                        }
                        op[i] = v
                    }
                    if d <= 2 * w {
                        for i in 0..<d { edge(i) }
                        return
                    }
                    for i in 0..<w { edge(i) }
                    switch w {
                    case 0: for i in 0..<d { op[i] = dp[i] * zp[i] - bp[i] }
                    case 1:
                        let s1 = sp[0]
                        for i in 1..<(d - 1) { op[i] = dp[i] * zp[i] - bp[i] + s1 * (zp[i + 1] - zp[i - 1]) }
                    case 2:
                        let s1 = sp[0], s2 = sp[1]
                        for i in 2..<(d - 2) {
                            op[i] =
                                dp[i] * zp[i] - bp[i] + s1 * (zp[i + 1] - zp[i - 1]) + s2 * (zp[i + 2] - zp[i - 2])
                        }
                    default:
                        for i in w..<(d - w) {
                            var v = dp[i] * zp[i] - bp[i]
                            for k in 1...w { v += sp[k - 1] * (zp[i + k] - zp[i - k]) }
                            op[i] = v
                        }
                    }
                    for i in max(w, d - w)..<d { edge(i) }
                }
            }
        }
    }

    public func apply(_ z: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        Self.raw(diagonal, band, z, into: out, minus: b)
    }
}
