/// Deterministic trace-quality measures (no judge model, no labels), after the efficiency-decomposition paper's idea of
/// separating degenerate looping from verbose but engaged reasoning. Their exact definitions in the paper were not
/// available to us; these are ours, stated here:
///
/// - **grounding**: share of the trace's non-empty lines naming at least one entity of the
///   puzzle (a person or any value in play) as a whole word;
/// - **repetition**: share of non-empty lines that repeat an earlier line of the same trace exactly;
/// - **prompt copying**: share of the trace's word 8-grams found verbatim in the prompt.
public struct TraceMeasures: Sendable, Equatable {
    public var grounding: Double
    public var repetition: Double
    public var copying: Double

    public static let ngram = 8

    /// Measures `trace` against `puzzle` (its prompt and entities).
    public init(trace: String, puzzle: Puzzle, prompt: String? = nil) {
        var entities = Set(puzzle.people.map { $0.lowercased() })
        for d in puzzle.domains { entities.formUnion(d) }
        let lines = trace.split(separator: "\n")
            .map { $0.trimmingSpaces }.filter { !$0.isEmpty }
        var grounded = 0, repeated = 0
        var seen = Set<Substring>()
        for l in lines {
            if Scoring.words(l).contains(where: { entities.contains(String($0)) }) { grounded += 1 }
            if !seen.insert(l).inserted { repeated += 1 }
        }
        grounding = lines.isEmpty ? 0 : Double(grounded) / Double(lines.count)
        repetition = lines.isEmpty ? 0 : Double(repeated) / Double(lines.count)

        let promptGrams = Set(TraceMeasures.ngrams(prompt ?? puzzle.prompt()))
        let traceGrams = TraceMeasures.ngrams(trace)
        copying = traceGrams.isEmpty ? 0 : Double(traceGrams.filter { promptGrams.contains($0) }.count) / Double(traceGrams.count)
    }

    /// Hashes of every window of `ngram` consecutive whitespace-separated words.
    static func ngrams(_ s: String) -> [UInt64] {
        let hashes = s.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map { fnv1a(String($0)) }
        guard hashes.count >= ngram else { return [] }
        var out: [UInt64] = []
        out.reserveCapacity(hashes.count - ngram + 1)
        for i in 0...(hashes.count - ngram) {
            var h: UInt64 = 0x9E37_79B9_7F4A_7C15
            for k in 0..<ngram { h = SplitMix64.mix(h ^ hashes[i + k]) }
            out.append(h)
        }
        return out
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return s
    }
}
