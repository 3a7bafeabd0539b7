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
        guard binWithout.isEmpty || (binWithout.count == n && binOnly.count == n) else {
            throw .data("faithfulness: AOPC probabilities for \(binWithout.count) of \(n) instances")
        }
        let bins = binWithout.first?.count ?? 0
        for i in binWithout.indices where binWithout[i].count != bins || binOnly[i].count != bins {
            throw .data("instance \(i): \(binWithout[i].count) and \(binOnly[i].count) AOPC bins, not \(bins)")
        }
        return try score(
            full: full, without: without, only: only, bins: bins, binWithout: binWithout.flatMap { $0 },
            binOnly: binOnly.flatMap { $0 })
    }

    /// The same from flat AOPC probabilities: `binWithout[i * bins + b]` (n × bins, row-major, as a tensor).
    public static func score(
        full: [Double], without: [Double], only: [Double], bins: Int, binWithout: [Double], binOnly: [Double]
    ) throws(FjordError) -> Faithfulness {
        let n = full.count
        guard without.count == n && only.count == n else {
            throw .data("faithfulness: \(n) full-input probabilities, \(without.count) without and \(only.count) only")
        }
        guard bins >= 0, binWithout.count == n * bins, binOnly.count == n * bins else {
            throw .data("faithfulness: \(binWithout.count) and \(binOnly.count) AOPC probabilities for \(n) × \(bins)")
        }
        if n == 0 {
            return Faithfulness(
                comprehensiveness: .nan, sufficiency: .nan, aopcComprehensiveness: .nan, aopcSufficiency: .nan,
                binComprehensiveness: [], binSufficiency: [])
        }
        // one pass: sums and a validity flag (NaN fails it); the first bad value is looked up only on failure
        var comp = 0.0, suff = 0.0, good = true
        var cb = [Double](repeating: 0, count: bins), sb = cb
        full.withUnsafeBufferPointer { f in
            without.withUnsafeBufferPointer { w in
                only.withUnsafeBufferPointer { o in
                    binWithout.withUnsafeBufferPointer { bw in
                        binOnly.withUnsafeBufferPointer { bo in
                            for i in 0..<n {
                                let p = f[i]
                                good = good && p >= 0 && p <= 1 && w[i] >= 0 && w[i] <= 1 && o[i] >= 0 && o[i] <= 1
                                comp += p - w[i]
                                suff += p - o[i]
                                for b in 0..<bins {
                                    let x = bw[i * bins + b], y = bo[i * bins + b]
                                    good = good && x >= 0 && x <= 1 && y >= 0 && y <= 1
                                    cb[b] += p - x
                                    sb[b] += p - y
                                }
                            }
                        }
                    }
                }
            }
        }
        guard good else {
            for (name, v, width) in [
                ("full", full, 1), ("without", without, 1), ("only", only, 1), ("AOPC without", binWithout, bins),
                ("AOPC only", binOnly, bins),
            ] {
                if let k = v.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
                    throw .data("instance \(k / max(width, 1)): the \(name) probability \(v[k]) is not in [0, 1]")
                }
            }
            throw .data("faithfulness: a probability is not in [0, 1]")
        }
        let d = Double(n)
        cb = cb.map { $0 / d }
        sb = sb.map { $0 / d }
        return Faithfulness(
            comprehensiveness: comp / d, sufficiency: suff / d,
            aopcComprehensiveness: bins > 0 ? cb.reduce(0, +) / Double(bins) : .nan,
            aopcSufficiency: bins > 0 ? sb.reduce(0, +) / Double(bins) : .nan, binComprehensiveness: cb,
            binSufficiency: sb)
    }
}
