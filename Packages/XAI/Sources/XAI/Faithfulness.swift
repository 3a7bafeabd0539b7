import Kernel

/// ERASER's faithfulness metrics from the probabilities a model gives its **predicted** class ŷ (not the gold one):
///
///     comprehensiveness = mean_i [ p(ŷᵢ | xᵢ) − p(ŷᵢ | xᵢ ∖ rᵢ) ]      (higher: the rationale was needed)
///     sufficiency       = mean_i [ p(ŷᵢ | xᵢ) − p(ŷᵢ | rᵢ) ]          (lower: the rationale alone suffices)
///     AOPC              = mean over instances and bins b ∈ B of the same deltas with rᵢ = the top ⌈b·nᵢ⌉ tokens
///
/// with B = {1, 5, 10, 20, 50 %} and a plain mean over the |B| bins (the code's `np.average`, not the paper's
/// 1/(|B|+1) sum). xᵢ ∖ rᵢ and rᵢ are built by **deletion** (the tokens are removed, the sequence shortens), as
/// HateXplain and ERASER do. The model is not needed here: any model's probabilities can be scored.
public struct Faithfulness: Sendable, Equatable {
    public var comprehensiveness: Double
    public var sufficiency: Double
    public var aopcComprehensiveness: Double
    public var aopcSufficiency: Double
    /// Per bin, the mean deltas (ERASER's `position_scores`).
    public var binComprehensiveness: [Double]
    public var binSufficiency: [Double]

    public static let eraserBins: [Double] = [0.01, 0.05, 0.1, 0.2, 0.5]

    /// `full[i]` = p(ŷᵢ|xᵢ); `without[i]`, `only[i]` = the probabilities with the hard rationale removed / alone;
    /// `binWithout[i][b]`, `binOnly[i][b]` the same per AOPC bin (empty arrays: no AOPC). Probabilities must be in
    /// [0, 1]; throws `.data` naming the instance otherwise.
    public static func score(
        full: [Double], without: [Double], only: [Double], binWithout: [[Double]] = [], binOnly: [[Double]] = []
    ) throws(FjordError) -> Faithfulness {
        let n = full.count
        guard without.count == n && only.count == n else {
            throw .data("faithfulness: \(n) full-input probabilities, \(without.count) without and \(only.count) only")
        }
        for (name, v) in [("full", full), ("without", without), ("only", only)] {
            if let i = v.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
                throw .data("instance \(i): the \(name) probability \(v[i]) is not in [0, 1]")
            }
        }
        let bins = binWithout.first?.count ?? 0
        if n == 0 {
            return Faithfulness(
                comprehensiveness: .nan, sufficiency: .nan, aopcComprehensiveness: .nan, aopcSufficiency: .nan,
                binComprehensiveness: [], binSufficiency: [])
        }
        guard binWithout.isEmpty || (binWithout.count == n && binOnly.count == n) else {
            throw .data("faithfulness: AOPC probabilities for \(binWithout.count) of \(n) instances")
        }
        var cb = [Double](repeating: 0, count: bins), sb = cb
        for i in 0..<(binWithout.isEmpty ? 0 : n) {
            guard binWithout[i].count == bins && binOnly[i].count == bins else {
                throw .data("instance \(i): \(binWithout[i].count) and \(binOnly[i].count) AOPC bins, not \(bins)")
            }
            let ok = binWithout[i].withUnsafeBufferPointer { w in
                binOnly[i].withUnsafeBufferPointer { o in
                    var ok = true
                    for b in 0..<bins {
                        ok = ok && w[b] >= 0 && w[b] <= 1 && o[b] >= 0 && o[b] <= 1
                        cb[b] += full[i] - w[b]
                        sb[b] += full[i] - o[b]
                    }
                    return ok
                }
            }
            guard ok else { throw .data("instance \(i): an AOPC probability is not in [0, 1]") }
        }
        let d = Double(max(n, 1))
        var comp = 0.0, suff = 0.0
        for i in 0..<n {
            comp += full[i] - without[i]
            suff += full[i] - only[i]
        }
        cb = cb.map { $0 / d }
        sb = sb.map { $0 / d }
        return Faithfulness(
            comprehensiveness: comp / d, sufficiency: suff / d,
            aopcComprehensiveness: bins > 0 ? cb.reduce(0, +) / Double(bins) : .nan,
            aopcSufficiency: bins > 0 ? sb.reduce(0, +) / Double(bins) : .nan, binComprehensiveness: cb,
            binSufficiency: sb)
    }
}
