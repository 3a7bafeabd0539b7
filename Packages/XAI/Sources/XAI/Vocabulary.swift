import Kernel

/// Token ids: 0 [PAD], 1 [CLS], 2 [UNK], then one id per word. The file form is one token per line, line k = id k.
public struct Vocabulary: Sendable, Equatable {
    public static let pad: Int32 = 0, cls: Int32 = 1, unknown: Int32 = 2
    public static let reserved = ["[PAD]", "[CLS]", "[UNK]"]
    public private(set) var words: [String]
    private var index: [String: Int32]

    public init(words: [String]) throws(FjordError) {
        let all = Self.reserved + words.filter { !Self.reserved.contains($0) }
        var index: [String: Int32] = [:]
        for (i, w) in all.enumerated() {
            guard !w.isEmpty, !w.contains(where: \.isNewline) else {
                throw .data("vocabulary: entry \(i) is empty or holds a line break")
            }
            if index[w] != nil { throw .data("vocabulary: \"\(w)\" appears twice") }
            index[w] = Int32(i)
        }
        self.words = all
        self.index = index
    }

    /// The words of `texts` seen at least `minCount` times, most frequent first (ties alphabetical).
    public static func build(_ texts: [[String]], minCount: Int = 1) throws(FjordError) -> Vocabulary {
        var counts: [String: Int] = [:]
        for t in texts { for w in t { counts[w, default: 0] += 1 } }
        let words = counts.filter { $0.value >= minCount }.sorted {
            $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key)
        }
        return try Vocabulary(words: words.map(\.key))
    }

    /// Reads the one-token-per-line file form (the reserved tokens first, as `text` writes them).
    public static func parse(_ text: String, name: String) throws(FjordError) -> Vocabulary {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let body = lines.last == "" ? Array(lines.dropLast()) : lines
        guard Array(body.prefix(3)) == reserved else {
            throw .data("\(name): a vocabulary file starts with the lines [PAD], [CLS], [UNK]")
        }
        do {
            return try Vocabulary(words: Array(body.dropFirst(3)))
        } catch {
            throw .data("\(name): \(error.message)")
        }
    }

    public var text: String { words.joined(separator: "\n") + "\n" }
    public var count: Int { words.count }
    public func id(_ w: String) -> Int32 { index[w] ?? Self.unknown }
    public func ids(_ t: [String]) -> [Int32] { t.map(id) }
}

/// Lower-cases, splits on white space and makes every punctuation mark a token of its own ("don't!" → don, ', t, !).
public enum Tokenizer {
    public static func tokenize(_ text: String) -> [String] {
        var out: [String] = []
        var cur = ""
        for ch in text.lowercased() {
            if ch.isWhitespace {
                if !cur.isEmpty { out.append(cur) }
                cur = ""
            } else if ch.isPunctuation || ch.isSymbol {
                if !cur.isEmpty { out.append(cur) }
                cur = ""
                out.append(String(ch))
            } else {
                cur.append(ch)
            }
        }
        if !cur.isEmpty { out.append(cur) }
        return out
    }
}
