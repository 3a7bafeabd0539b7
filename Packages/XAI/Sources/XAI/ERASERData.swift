import Kernel

/// A reader of ERASER-format data (DeYoung et al., ACL 2020; `rationale_benchmark/utils.py`): an annotation file
/// (JSON Lines: `{"annotation_id", "classification", "evidences": [[{"docid", "start_token", "end_token", …}, …],
/// …], "docids"?, "query"?}`) and a folder of documents, one file per docid, whitespace-tokenized with one sentence
/// per line (ERASER's flattened documents: the lines' tokens in order).
///
/// One post per annotation: the document's tokens, the label as the index of `classification` in `classes`
/// (default: the classes seen, sorted), and one rationale mask, the union of every evidence span `[start_token,
/// end_token)` — ERASER's ground truth. The document is the evidences' docid, else `docids[0]`, else the
/// annotation id (movies, where they coincide); an annotation whose evidences span two documents is an error
/// (multi-document tasks such as BoolQ passages need one post per document, not supported).
public enum ERASERData {
    public static func parse(
        _ bytes: [UInt8], name: String, classes: [String]? = nil, skipBad: Bool = false,
        document: (String) throws(FjordError) -> [UInt8]
    ) throws(FjordError) -> (corpus: Corpus, classes: [String], skipped: [String]) {
        var raw: [(id: String, label: String, doc: String, spans: [(Int, Int)], what: String)] = []
        var skipped: [String] = []
        try JSONLines.forEach(bytes, name: name, skipBad: skipBad, skipped: &skipped) { (o, what) throws(FjordError) in
            guard let id = o["annotation_id"]?.stringValue else { throw .data("\(what): no \"annotation_id\"") }
            guard let label = o["classification"]?.stringValue else { throw .data("\(what): no \"classification\"") }
            var spans: [(Int, Int)] = []
            var docs = Set<String>()
            for group in o["evidences"]?.arrayValue ?? [] {
                for e in group.arrayValue ?? [group] {
                    guard let s = e["start_token"]?.intValue, let t = e["end_token"]?.intValue, s >= 0, t > s else {
                        throw .data("\(what): an evidence needs start_token < end_token, both ≥ 0")
                    }
                    if let d = e["docid"]?.stringValue { docs.insert(d) }
                    spans.append((s, t))
                }
            }
            guard docs.count <= 1 else {
                throw .data("\(what): evidences in \(docs.count) documents (one document per annotation is supported)")
            }
            let doc = docs.first ?? o["docids"]?.arrayValue?.first?.stringValue ?? id
            raw.append((id, label, doc, spans, what))
        }
        guard !raw.isEmpty else { throw .data("\(name): no annotations") }
        let names = classes ?? Array(Set(raw.map(\.label))).sorted()
        var cache: [String: [String]] = [:]
        var posts: [Post] = []
        for r in raw {
            guard let label = names.firstIndex(of: r.label) else {
                throw .data("\(r.what): class \"\(r.label)\" is not one of \(names.joined(separator: ", "))")
            }
            let tokens: [String]
            if let t = cache[r.doc] {
                tokens = t
            } else {
                let text = String(decoding: try document(r.doc), as: UTF8.self)
                tokens = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).map(
                    String.init)
                guard !tokens.isEmpty else { throw .data("\(r.what): document \(r.doc) is empty") }
                cache[r.doc] = tokens
            }
            var mask = [UInt8](repeating: 0, count: tokens.count)
            for (s, t) in r.spans {
                guard t <= tokens.count else {
                    throw .data("\(r.what): evidence [\(s), \(t)) is past the \(tokens.count) tokens of \(r.doc)")
                }
                for j in s..<t { mask[j] = 1 }
            }
            posts.append(Post(id: r.id, tokens: tokens, label: label, rationales: r.spans.isEmpty ? [] : [mask]))
        }
        return (Corpus(posts), names, skipped)
    }
}
