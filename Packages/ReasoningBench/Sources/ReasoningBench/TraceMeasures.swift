import Kernel

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
        self.init(
            trace: trace, people: puzzle.people, values: puzzle.domains.flatMap { $0 },
            prompt: prompt ?? puzzle.prompt())
    }

    /// Measures `trace` against a prompt alone: its people and values as the solver reads them (any generator's
    /// puzzles, imported ones included).
    public init(trace: String, prompt: String) throws(FjordError) {
        let r = try Solver.read(prompt)
        self.init(trace: trace, people: r.people, values: r.values.values.flatMap { $0 }, prompt: prompt)
    }

    /// Measures `trace` against the entities (people, values) and the prompt. Works on UTF-8 bytes with hashed words,
    /// so a long trace costs one pass and no per-word allocation.
    init(trace: String, people: [String], values: [String], prompt: String) {
        var entities = Set(people.map { fnv1a($0.lowercased()) })
        for v in values { entities.insert(fnv1a(v)) }
        var grounded = 0, repeated = 0, lines = 0
        var seen = Set<UInt64>()
        var traceWords: [UInt64] = []
        var t = trace
        t.withUTF8 { u in
            var start = 0
            while start <= u.count {
                var end = start
                while end < u.count && u[end] != 0x0A { end += 1 }
                var lo = start, hi = end
                while lo < hi && (u[lo] == 0x20 || u[lo] == 0x09 || u[lo] == 0x0D) { lo += 1 }
                while hi > lo && (u[hi - 1] == 0x20 || u[hi - 1] == 0x09 || u[hi - 1] == 0x0D) { hi -= 1 }
                if lo < hi {
                    lines += 1
                    let line = UnsafeBufferPointer(rebasing: u[lo..<hi])
                    if !seen.insert(fnv1a(line)).inserted { repeated += 1 }
                    var hit = false
                    TraceMeasures.forEachWord(line, lowercased: true) { if entities.contains($0) { hit = true } }
                    if hit { grounded += 1 }
                    TraceMeasures.forEachToken(line) { traceWords.append($0) }
                }
                start = end + 1
            }
        }
        grounding = lines == 0 ? 0 : Double(grounded) / Double(lines)
        repetition = lines == 0 ? 0 : Double(repeated) / Double(lines)
        let promptGrams = Set(TraceMeasures.ngrams(TraceMeasures.tokens(prompt)))
        let traceGrams = TraceMeasures.ngrams(traceWords)
        copying =
            traceGrams.isEmpty
            ? 0 : Double(traceGrams.filter { promptGrams.contains($0) }.count) / Double(traceGrams.count)
    }

    /// Hashes of the words (runs of ASCII letters, digits, hyphens and non-ASCII bytes), optionally lower-cased.
    static func forEachWord(_ u: UnsafeBufferPointer<UInt8>, lowercased: Bool, _ body: (UInt64) -> Void) {
        var h = fnvOffset, inWord = false
        for c in u {
            let isWord =
                (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x2D
                || c >= 0x80
            if isWord {
                let x = lowercased && c >= 0x41 && c <= 0x5A ? c | 0x20 : c
                h = (h ^ UInt64(x)) &* fnvPrime
                inWord = true
            } else if inWord {
                body(h)
                h = fnvOffset
                inWord = false
            }
        }
        if inWord { body(h) }
    }

    /// Hashes of the whitespace-separated tokens, as written.
    static func forEachToken(_ u: UnsafeBufferPointer<UInt8>, _ body: (UInt64) -> Void) {
        var h = fnvOffset, inToken = false
        for c in u {
            if c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D {
                if inToken {
                    body(h)
                    h = fnvOffset
                    inToken = false
                }
            } else {
                h = (h ^ UInt64(c)) &* fnvPrime
                inToken = true
            }
        }
        if inToken { body(h) }
    }

    static func tokens(_ s: String) -> [UInt64] {
        var out: [UInt64] = []
        var s = s
        s.withUTF8 { u in forEachToken(u) { out.append($0) } }
        return out
    }

    /// Hashes of every window of `ngram` consecutive tokens.
    static func ngrams(_ hashes: [UInt64]) -> [UInt64] {
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
