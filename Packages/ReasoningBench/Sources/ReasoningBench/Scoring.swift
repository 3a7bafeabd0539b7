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
        /// A completed answer whose final sentence names several values of the asked category.
        public var ambiguous: Bool { completed && candidates.count > 1 }
    }

    /// Scores `completion` against `gold` for a question about `category`.
    public static func score(completion: String, finishReason: String?, category: Category, gold: String) -> Verdict {
        let completed = finishReason != "length"
        let sentence = finalSentence(of: completion)
        let candidates = valuesNamed(in: sentence, category: category)
        let extracted = candidates.count == 1 ? candidates[0] : nil
        return Verdict(
            extracted: extracted, candidates: candidates, completed: completed,
            correct: completed && extracted == gold)
    }

    /// The last sentence with a letter in it, after the last `</think>`. Works on the UTF-8 bytes: completions are long.
    public static func finalSentence(of text: String) -> Substring {
        var t = text
        let (start, end) = t.withUTF8 { bytes -> (Int, Int) in
            let n = bytes.count
            let marker = Array("</think>".utf8)
            var from = 0
            if n >= marker.count {
                var i = n - marker.count
                while i >= 0 {
                    if bytes[i] == 0x3C && bytes[i..<(i + marker.count)].elementsEqual(marker) {
                        from = i + marker.count
                        break
                    }
                    i -= 1
                }
            }
            // Walk back over sentence ends (. ! ? newline) to the last sentence holding a letter (any non-ASCII byte
            // counts).
            var end = n
            while end > from {
                var start = end
                while start > from {
                    let c = bytes[start - 1]
                    if c == 0x2E || c == 0x21 || c == 0x3F || c == 0x0A { break }
                    start -= 1
                }
                for k in start..<end {
                    let c = bytes[k] | 0x20
                    if (c >= 0x61 && c <= 0x7A) || bytes[k] >= 0x80 { return (start, end) }
                }
                if start == from { break }
                end = start - 1
            }
            return (n, n)
        }
        let u = text.utf8
        return text[u.index(u.startIndex, offsetBy: start)..<u.index(u.startIndex, offsetBy: end)]
    }

    /// Lower-cased words: runs of letters, digits and inner hyphens (ASCII letters are lower-cased; other bytes are
    /// kept as they are).
    public static func words(_ s: Substring) -> [Substring] {
        var out: [Substring] = []
        var word: [UInt8] = []
        func flush() {
            while word.last == 0x2D { word.removeLast() }
            var k = 0
            while k < word.count && word[k] == 0x2D { k += 1 }
            if k < word.count { out.append(Substring(String(decoding: word[k...], as: UTF8.self))) }
            word.removeAll(keepingCapacity: true)
        }
        for c in s.utf8 {
            let isUpper = c >= 0x41 && c <= 0x5A
            if isUpper || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x2D || c >= 0x80 {
                word.append(isUpper ? c | 0x20 : c)
            } else if !word.isEmpty {
                flush()
            }
        }
        if !word.isEmpty { flush() }
        return out
    }

    /// The category's values named as whole words in `sentence`, in order of first appearance, without repeats.
    public static func valuesNamed(in sentence: Substring, category: Category) -> [String] {
        let allowed = valueSets[category.rawValue]
        var found: [String] = []
        for w in words(sentence) {
            let s = String(w)
            if allowed.contains(s), !found.contains(s) { found.append(s) }
        }
        return found
    }

    private static let valueSets: [Set<String>] = Category.allCases.map { Set($0.values) }
}
