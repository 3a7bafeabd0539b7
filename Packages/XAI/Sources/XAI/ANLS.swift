import Kernel

/// Average Normalized Levenshtein Similarity (Biten et al., ICCV 2019), the DocVQA metric:
///
///     ANLS = (1/N) Σᵢ maxⱼ s(aᵢⱼ, oᵢ),   s = 1 − NL if NL < τ else 0,   NL = lev(a, o) / max(|a|, |o|),  τ = 0.5
///
/// Lengths and edits are over Unicode scalars. Two implementations in use disagree at the edges, so both exist:
public enum ANLSConvention: String, Sendable, CaseIterable {
    /// The `anls` package on PyPI (shunk031/ANLS 0.0.2): lower-cased, whitespace collapsed, strict NL < τ,
    /// two empty strings are identical.
    case strict
    /// The MP-DocVQA evaluator (rubenpt91/MP-DocVQA-Framework, copied by DocVXQA): lower-cased and stripped only,
    /// similarity ≥ τ counts, an empty prediction scores 0.
    case mpDocVQA = "mp-docvqa"
}

public enum ANLS {
    /// s of one prediction against its best gold answer.
    public static func similarity(
        _ prediction: String, _ golds: [String], convention: ANLSConvention = .strict, threshold: Double = 0.5
    ) -> Double {
        let o = normalize(prediction, convention)
        if convention == .mpDocVQA && o.isEmpty { return 0 }
        var best = 0.0
        for g in golds {
            let a = normalize(g, convention)
            let m = max(a.count, o.count)
            let nl = m == 0 ? 0 : Double(levenshtein(a, o)) / Double(m)
            let s: Double
            switch convention {
            case .strict: s = nl < threshold ? 1 - nl : 0
            case .mpDocVQA: s = 1 - nl >= threshold ? 1 - nl : 0
            }
            best = max(best, s)
        }
        return best
    }

    /// The mean similarity over questions.
    public static func score(
        predictions: [String], golds: [[String]], convention: ANLSConvention = .strict, threshold: Double = 0.5
    ) throws(FjordError) -> Double {
        guard predictions.count == golds.count else {
            throw .data("anls: \(predictions.count) predictions for \(golds.count) questions")
        }
        guard !predictions.isEmpty else { return 0 }
        var s = 0.0
        for (p, g) in zip(predictions, golds) { s += similarity(p, g, convention: convention, threshold: threshold) }
        return s / Double(predictions.count)
    }

    static func normalize(_ s: String, _ c: ANLSConvention) -> [Unicode.Scalar] {
        let lower = s.lowercased()
        switch c {
        case .strict:
            return Array(lower.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ").unicodeScalars)
        case .mpDocVQA:
            var u = Array(lower.unicodeScalars)
            while let f = u.first, f.properties.isWhitespace { u.removeFirst() }
            while let l = u.last, l.properties.isWhitespace { u.removeLast() }
            return u
        }
    }

    /// Levenshtein distance (unit insertions, deletions, substitutions), two-row dynamic programme.
    public static func levenshtein(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count), cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
