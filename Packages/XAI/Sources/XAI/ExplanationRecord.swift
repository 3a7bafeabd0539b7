import Kernel

/// One explained post, the record `xai explain` writes and `xai metrics` reads (JSON Lines, README schema). Every
/// field but `id` is optional, so another model's outputs can be scored with whatever they hold:
///
///     {"id", "tokens", "label", "predicted", "probabilities": [p₀, …], "scores": [s_t …], "hard": [0/1 …],
///      "rationale": [0/1 …] | "rationales": [[0/1 …] …], "planted": [0/1 …], "targets": ["…"],
///      "faithfulness": {"full": p, "without": p, "only": p, "without_bins": [p …], "only_bins": [p …]}}
///
/// Faithfulness probabilities are those of the predicted class.
public struct ExplanationRecord: Sendable, Equatable {
    public var id: String
    public var tokens: [String]?
    public var label: Int?
    public var predicted: Int?
    public var probabilities: [Double]?
    public var scores: [Float]?
    public var hard: [UInt8]?
    public var rationales: [[UInt8]] = []
    /// Every rationale mask marks nothing: an error on an explained post (HateXplain's annotators mark ≥ 1 token of
    /// a toxic post), checked by every reader of records.
    public var rationaleIsEmpty: Bool { rationales.allSatisfy { !$0.contains(1) } }
    public var planted: [UInt8]?
    public var targets: [String] = []
    public var full: Double?, without: Double?, only: Double?
    public var withoutBins: [Double]?, onlyBins: [Double]?

    public init(id: String) { self.id = id }

    /// The toxicity score for bias AUCs: 1 − p(class 0).
    public var toxicScore: Double? { probabilities.map { 1 - $0[0] } }

    public var json: JSON {
        var o: [String: JSON] = ["id": .string(id)]
        func mask(_ m: [UInt8]) -> JSON { .array(m.map { .number(Double($0)) }) }
        if let tokens { o["tokens"] = .array(tokens.map(JSON.string)) }
        if let label { o["label"] = .number(Double(label)) }
        if let predicted { o["predicted"] = .number(Double(predicted)) }
        if let probabilities { o["probabilities"] = .array(probabilities.map(JSON.number)) }
        if let scores { o["scores"] = .array(scores.map { .number(Double($0)) }) }
        if let hard { o["hard"] = mask(hard) }
        if !rationales.isEmpty { o["rationales"] = .array(rationales.map(mask)) }
        if let planted { o["planted"] = mask(planted) }
        if !targets.isEmpty { o["targets"] = .array(targets.map(JSON.string)) }
        if let full, let without, let only {
            var f: [String: JSON] = ["full": .number(full), "without": .number(without), "only": .number(only)]
            if let withoutBins, let onlyBins {
                f["without_bins"] = .array(withoutBins.map(JSON.number))
                f["only_bins"] = .array(onlyBins.map(JSON.number))
            }
            o["faithfulness"] = .object(f)
        }
        return .object(o)
    }

    /// Parses one record; `what` names it ("file: line 3") in errors.
    public static func parse(_ o: JSON, what: String) throws(FjordError) -> ExplanationRecord {
        var r = ExplanationRecord(id: o["id"]?.stringValue ?? o["annotation_id"]?.stringValue ?? what)
        func mask(_ j: JSON, _ field: String) throws(FjordError) -> [UInt8] {
            try parseMask(j, field: field, what: what)
        }
        func probability(_ j: JSON?, _ field: String) throws(FjordError) -> Double? {
            guard let j else { return nil }
            guard let v = j.doubleValue, v >= 0, v <= 1 else {
                throw .data("\(what): \"\(field)\" must be a probability in [0, 1]")
            }
            return v
        }
        if let t = o["tokens"] {
            guard let a = t.arrayValue, a.allSatisfy({ $0.stringValue != nil }) else {
                throw .data("\(what): \"tokens\" must be an array of strings")
            }
            r.tokens = a.map { $0.stringValue! }
        }
        if let l = o["label"] {
            guard let v = l.intValue else { throw .data("\(what): \"label\" must be a class number ≥ 0") }
            r.label = v
        }
        if let l = o["predicted"] {
            guard let v = l.intValue else { throw .data("\(what): \"predicted\" must be a class number ≥ 0") }
            r.predicted = v
        }
        if let p = o["probabilities"] {
            guard let a = p.arrayValue, !a.isEmpty else { throw .data("\(what): \"probabilities\" must be an array") }
            var v: [Double] = []
            for (k, x) in a.enumerated() { v.append(try probability(x, "probabilities[\(k)]")!) }
            r.probabilities = v
        }
        if let s = o["scores"] {
            guard let a = s.arrayValue, a.allSatisfy({ $0.doubleValue?.isFinite == true }) else {
                throw .data("\(what): \"scores\" must be an array of finite numbers")
            }
            r.scores = a.map { Float($0.doubleValue!) }
        }
        if let h = o["hard"] { r.hard = try mask(h, "hard") }
        if let m = o["rationale"] { r.rationales = [try mask(m, "rationale")] }
        if let ms = o["rationales"] {
            guard let a = ms.arrayValue else { throw .data("\(what): \"rationales\" must be an array of masks") }
            for m in a { r.rationales.append(try mask(m, "rationales")) }
        }
        if let m = o["planted"] { r.planted = try mask(m, "planted") }
        r.targets = (o["targets"]?.arrayValue ?? []).compactMap(\.stringValue)
        if let f = o["faithfulness"] {
            guard f.objectValue != nil else { throw .data("\(what): \"faithfulness\" must be an object") }
            r.full = try probability(f["full"], "faithfulness.full")
            r.without = try probability(f["without"], "faithfulness.without")
            r.only = try probability(f["only"], "faithfulness.only")
            if let wb = f["without_bins"]?.arrayValue, let ob = f["only_bins"]?.arrayValue {
                var w: [Double] = [], b: [Double] = []
                for x in wb { w.append(try probability(x, "faithfulness.without_bins")!) }
                for x in ob { b.append(try probability(x, "faithfulness.only_bins")!) }
                r.withoutBins = w
                r.onlyBins = b
            }
        }
        // the scores and every mask have the tokens' length
        if let t = r.tokens, let s = r.scores, t.count != s.count {
            throw .data("\(what): \(s.count) scores for \(t.count) tokens")
        }
        if let n = r.tokens?.count ?? r.scores?.count {
            let what2 = r.tokens == nil ? "scores" : "tokens"
            for (field, m) in [("hard", r.hard), ("planted", r.planted)]
                + r.rationales.map({ ("rationale", Optional($0)) })
            {
                if let m, m.count != n {
                    throw .data("\(what): a \"\(field)\" mask has \(m.count) entries for \(n) \(what2)")
                }
            }
        }
        if r.label != 0, r.rationales.isEmpty == false, r.rationaleIsEmpty {
            throw .data("\(what): the rationale marks no token (leave \"rationale\" out of posts that have none)")
        }
        return r
    }

    public static func parseLines(
        _ bytes: [UInt8], name: String, skipBad: Bool
    ) throws(FjordError) -> (
        records: [ExplanationRecord], skipped: [String]
    ) {
        var out: [ExplanationRecord] = []
        var skipped: [String] = []
        try JSONLines.forEach(bytes, name: name, skipBad: skipBad, skipped: &skipped) { (o, what) throws(FjordError) in
            out.append(try parse(o, what: what))
        }
        guard !out.isEmpty else { throw .data("\(name): no records") }
        return (out, skipped)
    }
}
