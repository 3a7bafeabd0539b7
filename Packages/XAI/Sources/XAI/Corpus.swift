import Kernel

/// One post of a rationale corpus: its tokens, class (0 is the negative, non-toxic class), the annotators' 0/1
/// rationale masks (none for a negative post, as in HateXplain), the communities it targets, and for synthetic
/// posts the planted (true) rationale.
public struct Post: Sendable, Equatable {
    public var id: String
    public var tokens: [String]
    public var label: Int
    public var rationales: [[UInt8]]
    public var targets: [String]
    public var planted: [UInt8]?

    public init(
        id: String, tokens: [String], label: Int, rationales: [[UInt8]] = [], targets: [String] = [],
        planted: [UInt8]? = nil
    ) {
        self.id = id
        self.tokens = tokens
        self.label = label
        self.rationales = rationales
        self.targets = targets
        self.planted = planted
    }
}

/// Posts as JSON Lines, one post per line (the package README documents the schema):
///
///     {"id": "…", "tokens": ["…", …], "label": 1, "rationales": [[0, 1, …], …], "targets": ["…"], "planted": [0, 1, …]}
///
/// `rationales`, `targets` and `planted` are optional. Every mask has one entry per token.
public struct Corpus: Sendable {
    public var posts: [Post]
    public init(_ posts: [Post]) { self.posts = posts }

    public var classCount: Int { (posts.map(\.label).max() ?? 0) + 1 }
    /// The communities in the corpus, most frequent first (ties alphabetical).
    public var communities: [String] {
        var c: [String: Int] = [:]
        for p in posts { for t in p.targets { c[t, default: 0] += 1 } }
        return c.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.map(\.key)
    }

    /// The rationale of post i under `aggregation` (or its planted one with `planted`).
    public func truth(_ i: Int, _ aggregation: RationaleAggregation, planted: Bool = false) -> [UInt8] {
        let p = posts[i]
        if planted { return p.planted ?? [UInt8](repeating: 0, count: p.tokens.count) }
        return aggregation.combine(p.rationales, length: p.tokens.count)
    }

    public var jsonl: String {
        var out = ""
        for p in posts {
            var o: [String: JSON] = [
                "id": .string(p.id), "tokens": .array(p.tokens.map(JSON.string)), "label": .number(Double(p.label)),
                "rationales": .array(p.rationales.map { .array($0.map { .number(Double($0)) }) }),
                "targets": .array(p.targets.map(JSON.string)),
            ]
            if let m = p.planted { o["planted"] = .array(m.map { .number(Double($0)) }) }
            out += JSON.object(o).serialized + "\n"
        }
        return out
    }

    /// Parses JSON Lines. A malformed line throws `.data` naming `name` and its line number, unless `skipBad`, which
    /// collects the messages and goes on. Blank lines are skipped.
    public static func parse(
        _ bytes: [UInt8], name: String, skipBad: Bool = false
    ) throws(FjordError) -> (
        corpus: Corpus, skipped: [String]
    ) {
        var posts: [Post] = []
        var skipped: [String] = []
        try JSONLines.forEach(bytes, name: name, skipBad: skipBad, skipped: &skipped) { (o, what) throws(FjordError) in
            posts.append(try post(o, what: what))
        }
        guard !posts.isEmpty else { throw .data("\(name): no posts") }
        return (Corpus(posts), skipped)
    }

    static func post(_ o: JSON, what: String) throws(FjordError) -> Post {
        guard let tokens = o["tokens"]?.arrayValue?.compactMap(\.stringValue), !tokens.isEmpty,
            tokens.count == o["tokens"]?.arrayValue?.count
        else { throw .data("\(what): \"tokens\" must be a non-empty array of strings") }
        guard let label = o["label"]?.intValue else { throw .data("\(what): \"label\" must be a class number ≥ 0") }
        let n = tokens.count
        func mask(_ j: JSON, _ field: String) throws(FjordError) -> [UInt8] {
            try parseMask(j, field: field, what: what, tokens: n)
        }
        var rationales: [[UInt8]] = []
        for r in o["rationales"]?.arrayValue ?? [] { rationales.append(try mask(r, "rationales")) }
        let targets = (o["targets"]?.arrayValue ?? []).compactMap(\.stringValue)
        let planted: [UInt8]? = try o["planted"].map { (j: JSON) throws(FjordError) in try mask(j, "planted") }
        return Post(
            id: o["id"]?.stringValue ?? "\(what)", tokens: tokens, label: label, rationales: rationales,
            targets: targets, planted: planted)
    }
}

/// JSON Lines reading shared by every record reader: one object per non-blank line, errors naming the line.
public enum JSONLines {
    public static func forEach(
        _ bytes: [UInt8], name: String, skipBad: Bool, skipped: inout [String],
        _ body: (JSON, String) throws(FjordError) -> Void
    ) throws(FjordError) {
        var line = 0
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            line += 1
            let slice = Array(bytes[start..<end])
            start = end + 1
            if slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let what = "\(name): line \(line)"
            do throws(FjordError) {
                let o = try JSON.parse(slice, what: what)
                guard o.objectValue != nil else { throw FjordError.data("\(what): not a JSON object") }
                try body(o, what)
            } catch {
                guard skipBad else { throw error }
                skipped.append(error.message)
            }
        }
    }
}

/// A 0/1 mask from JSON, the one parser of every reader here: an array of 0 and 1 (anything else, −1 included, is
/// an error naming `field`), of `tokens` entries when given.
func parseMask(_ j: JSON, field: String, what: String, tokens n: Int? = nil) throws(FjordError) -> [UInt8] {
    guard let a = j.arrayValue else { throw .data("\(what): \"\(field)\" must be an array of 0/1") }
    if let n, a.count != n { throw .data("\(what): a \"\(field)\" mask has \(a.count) entries for \(n) tokens") }
    var m: [UInt8] = []
    m.reserveCapacity(a.count)
    for v in a {
        guard let k = v.intValue, k == 0 || k == 1 else { throw .data("\(what): a \"\(field)\" entry is not 0 or 1") }
        m.append(UInt8(k))
    }
    return m
}
