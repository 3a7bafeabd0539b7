/// Answer extraction and scoring.
///
/// The answer is read from the **final sentence** of the completion (after a closing `</think>` if there is one), as
/// whole words: "blues" does not contain the answer "blue", "non-fiction" does not contain "fiction". A final sentence
/// naming more than one value of the asked category ("from the park to the beach") is flagged `ambiguous` and scored
/// wrong; one naming none has no extracted answer. A completion cut by the token budget (`finish_reason` "length") is
/// incomplete and wrong, whatever its text says.
public enum Scoring {
    public struct Verdict: Sendable, Equatable {
        /// The single value of the asked category the final sentence names, if exactly one.
        public var extracted: String?
        /// Every value of the asked category the final sentence names.
        public var candidates: [String]
        public var completed: Bool
        public var correct: Bool
        public var ambiguous: Bool { candidates.count > 1 }
    }

    /// Scores `completion` against `gold` for a question about `category`.
    public static func score(completion: String, finishReason: String?, category: Category, gold: String) -> Verdict {
        let completed = finishReason != "length"
        let sentence = finalSentence(of: completion)
        let candidates = valuesNamed(in: sentence, category: category)
        let extracted = candidates.count == 1 ? candidates[0] : nil
        return Verdict(extracted: extracted, candidates: candidates, completed: completed,
                       correct: completed && extracted == gold)
    }

    /// The last sentence with a letter in it, after the last `</think>`.
    public static func finalSentence(of text: String) -> Substring {
        var body = Substring(text)
        if let r = body.ranges(of: "</think>").last { body = body[r.upperBound...] }
        var end = body.endIndex
        // Walk back over sentence ends; a sentence is the text between two terminators (. ! ? or newline).
        while end > body.startIndex {
            var start = end
            while start > body.startIndex {
                let p = body.index(before: start)
                if ".!?\n".contains(body[p]) { break }
                start = p
            }
            let s = body[start..<end]
            if s.contains(where: \.isLetter) { return s }
            if start == body.startIndex { break }
            end = body.index(before: start)
        }
        return body[body.endIndex...]
    }

    /// Lower-cased words: runs of letters, digits and inner hyphens.
    public static func words(_ s: Substring) -> [Substring] {
        s.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-") }).compactMap { w in
            let t = w.drop(while: { $0 == "-" }).reversed().drop(while: { $0 == "-" })
            return t.isEmpty ? nil : Substring(String(t.reversed()).lowercased())
        }
    }

    /// The category's values named as whole words in `sentence`, in order of first appearance, without repeats.
    public static func valuesNamed(in sentence: Substring, category: Category) -> [String] {
        let allowed = Set(category.values)
        var found: [String] = []
        for w in words(sentence) {
            let s = String(w)
            if allowed.contains(s), !found.contains(s) { found.append(s) }
        }
        return found
    }
}
