/// The Fourier modes a spectral convolution keeps on a grid, as offsets into FFTW's half spectrum.
///
/// The original FNO convention (Li et al. 2021, `fourier_2d.py` / `fourier_3d.py`): on every axis but the last, the
/// m lowest non-negative and the m highest (negative) frequencies, rows [0, m) ∪ [N − m, N); on the last axis, the
/// rfft bins [0, m). So "modes 12" on a 64×64 grid keeps 2·12·12 = 288 complex modes (24×12), which neuraloperator
/// calls `n_modes=(24, 12)`. Blocks are ordered by the bits of (axis 0 high?, axis 1 high?, …), each block row-major
/// over its m₁ × m₂ × … modes; weights are stored in that order.
///
/// Limits: m ≤ N/2 on the leading axes (so the two halves do not overlap) and m ≤ N/2 + 1 on the last.
public struct ModeSet: Sendable, Equatable {
    public let grid: [Int]
    public let modes: [Int]
    /// Offset of each kept mode in the half spectrum of one plane (complex elements).
    public let offsets: [Int32]
    /// 2 for a bin whose conjugate twin is not stored (interior of the last axis), 1 on its DC and Nyquist planes:
    /// the weight of the bin in the real inverse transform, which the backward pass needs.
    public let twice: [Bool]
    /// Complex elements in one plane's half spectrum.
    public let halfCount: Int

    /// Number of mode blocks for a given number of axes: 2^(axes − 1).
    public static func blocks(axes: Int) -> Int { 1 << (axes - 1) }

    /// The kept modes' count for `modes` per axis.
    public static func count(modes: [Int]) -> Int { blocks(axes: modes.count) * modes.reduce(1, *) }

    /// Why `modes` cannot be kept on `grid`, or nil when they can.
    public static func problem(modes: [Int], grid: [Int]) -> String? {
        guard modes.count == grid.count, (1...3).contains(grid.count) else {
            return "\(modes.count) mode counts for a \(grid.count)-axis grid"
        }
        for a in grid.indices {
            let limit = a == grid.count - 1 ? grid[a] / 2 + 1 : grid[a] / 2
            if modes[a] < 1 || modes[a] > limit {
                return "\(modes[a]) modes on axis \(a) of a grid \(grid.map(String.init).joined(separator: "×")) "
                    + "(at most \(limit) below the Nyquist limit)"
            }
        }
        return nil
    }

    public init(modes: [Int], grid: [Int]) {
        precondition(ModeSet.problem(modes: modes, grid: grid) == nil, ModeSet.problem(modes: modes, grid: grid)!)
        self.grid = grid
        self.modes = modes
        let d = grid.count
        var half = grid
        half[d - 1] = grid[d - 1] / 2 + 1
        halfCount = half.reduce(1, *)
        var offsets: [Int32] = []
        var twice: [Bool] = []
        let last = grid[d - 1]
        for block in 0..<ModeSet.blocks(axes: d) {
            var index = [Int](repeating: 0, count: d)
            for _ in 0..<modes.reduce(1, *) {
                var offset = 0
                for a in 0..<d {
                    let high = a < d - 1 && (block >> (d - 2 - a)) & 1 == 1
                    offset = offset * half[a] + (high ? grid[a] - modes[a] + index[a] : index[a])
                }
                offsets.append(Int32(offset))
                let k = index[d - 1]
                twice.append(!(k == 0 || (last % 2 == 0 && k == last / 2)))
                var a = d - 1
                while a >= 0 {
                    index[a] += 1
                    if index[a] < modes[a] { break }
                    index[a] = 0
                    a -= 1
                }
            }
        }
        self.offsets = offsets
        self.twice = twice
    }

    public var count: Int { offsets.count }
}
