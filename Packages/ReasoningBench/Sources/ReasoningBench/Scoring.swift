/// Answer extraction and scoring.
///
/// The candidates are the asked category's values **as the puzzle's prompt writes them** (for a colour, every colour
/// the prompt writes), so any vocabulary scores. The answer sentence is the last sentence of the completion (after the
/// last `</think>`) that names one of them; trailing sentences naming none (a pleasantry, a check mark, a markdown
/// footer, "let me re-check… it's fine") are passed over. In that sentence, values are matched as whole words ("blues"
/// does not contain "blue", "non-fiction" does not contain "fiction"), and two kinds of mention do not count:
///
/// - a **former value**: within three words after "from", "no longer", "not", "instead of", "rather than",
///   "previously", "formerly", "originally", "initially" ("went from blue to red", "red (changed from blue)",
///   "no longer blue; now red" all answer red);
/// - for a colour, **another garment's colour**: a colour followed within two words, or else preceded within three,
///   by the name of a different garment ("a red pant and blue socks", asked about the pant, answers red).
///
/// More than one value left: `ambiguous`, wrong. None: no extracted answer. A completion cut by the token budget
/// (`finish_reason` "length") or refused for its context length ("overflow") is incomplete and wrong, whatever its
/// text says; an unclosed `<think>` (the completion ends inside its reasoning) has no final answer.
public enum Scoring {
    public struct Verdict: Sendable, Equatable {
        /// The single value of the asked category the answer sentence names, if exactly one.
        public var extracted: String?
        /// Every value of the asked category the answer sentence names (former values and other garments' colours
        /// left out).
        public var candidates: [String]
        public var completed: Bool
        public var correct: Bool
        /// A completed answer whose answer sentence names several values of the asked category.
        public var ambiguous: Bool { completed && candidates.count > 1 }
    }

    /// Finish reasons that mean the model did not finish its answer.
    public static let incomplete: Set<String> = ["length", "overflow"]

    /// Scores `completion` against `gold` for a question about `category`, with `values` the category's possible values
    /// (`gold` is always one).
    public static func score(
        completion: String, finishReason: String?, category: Category, gold: String, values: [String]
    ) -> Verdict {
        let completed = !incomplete.contains(finishReason ?? "")
        var allowed = Set(values)
        allowed.insert(gold)
        let candidates = answerCandidates(in: completion, category: category, values: allowed)
        let extracted = candidates.count == 1 ? candidates[0] : nil
        return Verdict(
            extracted: extracted, candidates: candidates, completed: completed,
            correct: completed && extracted == gold)
    }

    /// The text after the last `</think>`; empty when a `<think>` is left open after it.
    public static func answerRegion(of text: String) -> Substring {
        let open = text.ranges(of: "<think>").last, close = text.ranges(of: "</think>").last
        if let open, close == nil || open.lowerBound > close!.lowerBound { return text[text.endIndex...] }
        if let close { return text[close.upperBound...] }
        return text[...]
    }

    /// The values the answer sentence names (see the type's documentation).
    public static func answerCandidates(in text: String, category: Category, values: Set<String>) -> [String] {
        let region = answerRegion(of: text)
        var sentences: [Substring] = []
        var start = region.startIndex
        for i in region.indices where ".!?\n".contains(region[i]) {
            if start < i { sentences.append(region[start..<i]) }
            start = region.index(after: i)
        }
        if start < region.endIndex { sentences.append(region[start...]) }
        for s in sentences.reversed() {
            let ws = words(s)
            let mentioned = ws.contains { values.contains(String($0)) }
            guard mentioned else { continue }
            return valuesNamed(ws, category: category, values: values)
        }
        return []
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

    /// Words after which (within three words) a value is a former one.
    static let formerMarkers: Set<Substring> = [
        "from", "longer", "not", "instead", "rather", "previously", "formerly", "originally", "initially",
    ]

    /// Garment nouns, singular and plural, to the category they name.
    static let garments: [Substring: Category] = [
        "shirt": .shirt, "shirts": .shirt, "pant": .pant, "pants": .pant, "trousers": .pant, "hat": .hat,
        "hats": .hat, "sock": .socks, "socks": .socks, "glove": .gloves, "gloves": .gloves,
        "underwear": .underwear, "hair": .hair,
    ]

    /// The values of `values` named in the words `ws`, former values and other garments' colours left out, in order
    /// of first appearance, without repeats.
    static func valuesNamed(_ ws: [Substring], category: Category, values: Set<String>) -> [String] {
        var found: [String] = []
        for (i, w) in ws.enumerated() {
            let s = String(w)
            guard values.contains(s) else { continue }
            var former = false
            var k = i - 1
            while k >= max(0, i - 3) && !values.contains(String(ws[k])) {
                if formerMarkers.contains(ws[k]) { former = true }
                k -= 1
            }
            if former { continue }
            if category.isColour {
                var owner: Category?
                var f = i + 1
                while f <= min(ws.count - 1, i + 2) && owner == nil && !values.contains(String(ws[f])) {
                    owner = garments[ws[f]]
                    f += 1
                }
                var b = i - 1
                while owner == nil && b >= max(0, i - 3) && !values.contains(String(ws[b])) {
                    owner = garments[ws[b]]
                    b -= 1
                }
                if let owner, owner != category { continue }
            }
            if !found.contains(s) { found.append(s) }
        }
        return found
    }
}
