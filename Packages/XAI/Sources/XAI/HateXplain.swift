import Kernel

/// A reader of HateXplain's `Data/dataset.json` (Mathew et al., AAAI 2021) with the preprocessing of its code
/// (`Preprocess/dataCollect.py`): `{post_id: {post_id, annotators: [{label, annotator_id, target: [...]}],
/// rationales: [[0/1 …] …] (one per annotator who marked words), post_tokens: [...]}}`.
///
/// - Label: the majority of the annotators' labels; a post whose most frequent label is chosen by one annotator
///   only is **undecided** and dropped (HateXplain drops it from training and testing).
/// - Classes: `two` merges hatespeech and offensive into toxic (1), normal is 0 (`classes_two.npy` order); `three`
///   is normal 0, offensive 1, hatespeech 2 — **not** `classes.npy`'s alphabetical order (hatespeech, normal,
///   offensive), so that class 0 is the unexplained one in both, as everywhere in this package.
/// - Targets: the communities named by at least two annotators, "None" and "Other" removed (the bias notebook).
/// - Rationales and tokens as given; a mask whose length is not the token count is an error naming the post.
public enum HateXplain {
    public enum Classes: String, CaseIterable, Sendable {
        case two, three
    }

    public struct Result: Sendable {
        public var corpus: Corpus
        public var undecided: Int
        /// Ids of the split file that are not in the data set.
        public var missing: Int
    }

    /// The posts of `bytes` (dataset.json), in `order` (ids of one part of `post_id_divisions.json`) or sorted by
    /// post id.
    public static func parse(
        _ bytes: [UInt8], name: String, classes: Classes = .two, order: [String]? = nil
    ) throws(FjordError) -> Result {
        guard let top = try JSON.parse(bytes, what: name).objectValue else {
            throw .data("\(name): not a HateXplain dataset.json (expected an object of posts by id)")
        }
        var posts: [Post] = []
        var undecided = 0
        let ids = order ?? top.keys.sorted()
        var missing = 0
        for id in ids {
            guard let entry = top[id] else {
                missing += 1
                continue
            }
            let what = "\(name): post \(id)"
            guard let tokens = entry["post_tokens"]?.arrayValue?.compactMap(\.stringValue), !tokens.isEmpty,
                tokens.count == entry["post_tokens"]?.arrayValue?.count
            else { throw .data("\(what): \"post_tokens\" must be a non-empty array of strings") }
            guard let annotators = entry["annotators"]?.arrayValue, !annotators.isEmpty else {
                throw .data("\(what): \"annotators\" must be a non-empty array")
            }
            var votes: [String: Int] = [:]
            var named: [String: Int] = [:]
            for a in annotators {
                guard let l = a["label"]?.stringValue?.lowercased(), ["hatespeech", "offensive", "normal"].contains(l)
                else { throw .data("\(what): an annotator's \"label\" must be hatespeech, offensive or normal") }
                votes[l, default: 0] += 1
                for t in Set((a["target"]?.arrayValue ?? []).compactMap(\.stringValue)) { named[t, default: 0] += 1 }
            }
            let top = votes.values.max()!
            let winners = votes.filter { $0.value == top }.map(\.key)
            guard top >= 2, winners.count == 1 else {
                undecided += 1
                continue
            }
            let label: Int
            switch (classes, winners[0]) {
            case (_, "normal"): label = 0
            case (.two, _): label = 1
            case (.three, "offensive"): label = 1
            default: label = 2
            }
            var rationales: [[UInt8]] = []
            for m in entry["rationales"]?.arrayValue ?? [] {
                rationales.append(try parseMask(m, field: "rationales", what: what, tokens: tokens.count))
            }
            let targets = named.filter { $0.value >= 2 && $0.key != "None" && $0.key != "Other" }.map(\.key).sorted()
            posts.append(Post(id: id, tokens: tokens, label: label, rationales: rationales, targets: targets))
        }
        guard !posts.isEmpty else { throw .data("\(name): no posts with a majority label") }
        return Result(corpus: Corpus(posts), undecided: undecided, missing: missing)
    }

    /// The ids of one part (`train`, `val` or `test`) of `post_id_divisions.json`.
    public static func split(_ bytes: [UInt8], name: String, part: String) throws(FjordError) -> [String] {
        guard let o = try JSON.parse(bytes, what: name).objectValue else {
            throw .data("\(name): not a post_id_divisions.json (expected {\"train\": [...], ...})")
        }
        guard let ids = o[part]?.arrayValue?.compactMap(\.stringValue) else {
            throw .data("\(name): no \"\(part)\" list (it has \(o.keys.sorted().joined(separator: ", ")))")
        }
        return ids
    }
}
