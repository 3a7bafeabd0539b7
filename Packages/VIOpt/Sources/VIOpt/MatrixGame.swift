import Kernel

/// A zero-sum matrix game on simplices: min_{p ∈ Δₘ} max_{q ∈ Δₙ} pᵀG q, z = (p, q), A(z) = (G q, −Gᵀ p) (two
/// GEMVs). The methods take entropic (mirror) steps on it, p ← p ⊙ exp(−γ g)/Σ, so the iterates stay on the
/// simplices. Its measure is the duality gap max_j (Gᵀp)_j − min_i (G q)_i ≥ 0, zero exactly at an equilibrium.
/// Rock–paper–scissors has the unique equilibrium p = q = (1/3, 1/3, 1/3).
public struct MatrixGame: MonotoneOperator {
    public let g: Tensor
    public let m: Int, n: Int
    public let solution: [Float]?

    public init(_ g: Tensor, solution: [Float]? = nil) throws(FjordError) {
        guard g.shape.count == 2, g.shape[0] >= 1, g.shape[1] >= 1 else {
            throw .data("matrix game: the payoff matrix must be 2-D, not of shape \(g.shape)")
        }
        guard nonFiniteCount(g) == 0 else { throw .data("matrix game: the payoff matrix has NaN or infinite entries") }
        self.g = g
        m = g.shape[0]
        n = g.shape[1]
        self.solution = solution
    }

    /// Rock–paper–scissors.
    public static func rockPaperScissors() throws(FjordError) -> MatrixGame {
        try MatrixGame(
            Tensor(shape: [3, 3], values: [0, -1, 1, 1, 0, -1, -1, 1, 0]),
            solution: [Float](repeating: 1.0 / 3, count: 6))
    }

    /// A seeded m×n game with N(0, 1) payoffs (no known solution: measure it by the duality gap).
    public static func random(m: Int, n: Int, seed: UInt64) throws(FjordError) -> MatrixGame {
        var rng = RNG(seed: seed)
        return try MatrixGame(Tensor(shape: [m, n], values: (0..<(m * n)).map { _ in rng.normal() }))
    }

    public var name: String { "matrix game \(m)×\(n)" }
    public var dimension: Int { m + n }
    public var blocks: [(offset: Int, count: Int, type: Int)] { [(0, m, 0), (m, n, 1)] }
    public var simplices: [(offset: Int, count: Int)]? { [(0, m), (m, n)] }
    /// The uniform strategies.
    public var uniformStart: [Float] {
        [Float](repeating: 1 / Float(m), count: m) + [Float](repeating: 1 / Float(n), count: n)
    }

    /// Seeded interior strategies: each weight uniform in [0.5, 1.5), normalized per player (the uniform start is
    /// rock–paper–scissors' equilibrium itself, where nothing would move).
    public func randomStart(seed: UInt64) -> [Float] {
        var rng = RNG(seed: seed ^ 0x57A7)
        func player(_ k: Int) -> [Float] {
            let w = (0..<k).map { _ in 0.5 + rng.uniform() }
            let z = w.reduce(0, +)
            return w.map { $0 / z }
        }
        return player(m) + player(n)
    }

    public func apply(_ z: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        let p = z.baseAddress!, q = z.baseAddress! + m, o = out.baseAddress!
        g.withUnsafeBufferPointer { gb in
            BLAS.sgemv(gb.baseAddress!, q, o, m: m, n: n)
            BLAS.sgemv(gb.baseAddress!, p, o + m, m: m, n: n, transA: true, alpha: -1)
        }
    }

    /// max_j (Gᵀp)_j − min_i (G q)_i.
    public func gap(_ z: UnsafeBufferPointer<Float>) -> Double? {
        var out = [Float](repeating: 0, count: m + n)
        out.withUnsafeMutableBufferPointer { apply(z, into: $0) }
        let minGq = out[0..<m].min()!, maxGtp = -(out[m...].min()!)
        return Double(maxGtp) - Double(minGq)
    }
}
