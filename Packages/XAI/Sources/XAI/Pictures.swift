import Kernel

/// Pictures of explanations: attention against rationale per post, as PNG cells and as coloured words (HTML).
public enum Pictures {
    /// Per post two rows of cells, one per token: the scores (viridis, scaled to the post's maximum) and the truth
    /// rationale (orange where marked). Posts without scores are left out.
    public static func attentionPNG(
        _ records: [ExplanationRecord], truth rules: EvaluationRules, count: Int, cell: Int = 14
    ) throws(FjordError) -> [UInt8] {
        let shown = Array(records.filter { $0.scores != nil }.prefix(max(1, count)))
        guard !shown.isEmpty else { throw .data("no explained posts to draw") }
        let cols = shown.map { $0.scores!.count }.max()!
        let gap = cell / 2
        let w = cols * cell + 2, h = shown.count * (2 * cell + gap) + 2
        var rgb = [UInt8](repeating: 255, count: w * h * 3)
        func fill(_ x0: Int, _ y0: Int, _ c: (UInt8, UInt8, UInt8)) {
            for y in (y0 + 1)..<(y0 + cell) {
                for x in (x0 + 1)..<(x0 + cell) {
                    let k = (y * w + x) * 3
                    rgb[k] = c.0
                    rgb[k + 1] = c.1
                    rgb[k + 2] = c.2
                }
            }
        }
        for (i, r) in shown.enumerated() {
            let s = r.scores!
            let m = max(s.max() ?? 1, 1e-12)
            let t = truthMask(r, rules) ?? [UInt8](repeating: 0, count: s.count)
            let y = 1 + i * (2 * cell + gap)
            for j in 0..<s.count {
                fill(1 + j * cell, y, Colormap.viridis.color(Double(s[j] / m)))
                fill(1 + j * cell, y + cell, t[j] != 0 ? (230, 120, 20) : (225, 225, 225))
            }
        }
        return try PNG.encodeRGB(rgb, width: w, height: h)
    }

    /// The truth mask a record is scored against, or nil.
    static func truthMask(_ r: ExplanationRecord, _ rules: EvaluationRules) -> [UInt8]? {
        guard let n = r.scores?.count ?? r.tokens?.count else { return nil }
        if rules.planted { return r.planted }
        return r.rationales.isEmpty ? nil : rules.aggregation.combine(r.rationales, length: n)
    }

    /// Words on a viridis background whose colour and strength are the score (scaled to the post's maximum); rationale words are
    /// underlined in orange; the hard rationale is bold. One line per post, with its label and prediction.
    public static func attentionHTML(_ records: [ExplanationRecord], truth rules: EvaluationRules, count: Int) -> String
    {
        var out = "<div class=\"xai-tokens\" style=\"font-family: sans-serif; line-height: 2\">\n"
        for r in records.filter({ $0.scores != nil && $0.tokens != nil }).prefix(max(1, count)) {
            let s = r.scores!, tokens = r.tokens!
            let m = max(s.max() ?? 1, 1e-12)
            let t = truthMask(r, rules)
            out +=
                "<p><small>\(escape(r.id)) · label \(r.label.map(String.init) ?? "?") · predicted \(r.predicted.map(String.init) ?? "?")</small><br>"
            for (j, w) in tokens.enumerated() {
                let a = Double(s[j] / m)
                let (cr, cg, cb) = Colormap.viridis.color(a)  // as the PNG: high = yellow, readable under dark text
                var style =
                    "background: rgba(\(cr),\(cg),\(cb),\(NumberFormat.fixed(0.15 + 0.85 * a, 2))); padding: 1px 3px;"
                if t?[j] == 1 { style += " border-bottom: 3px solid #e67814;" }
                if r.hard?[j] == 1 { style += " font-weight: bold;" }
                out += "<span style=\"\(style)\" title=\"\(NumberFormat.fixed(Double(s[j]), 3))\">\(escape(w))</span> "
            }
            out += "</p>\n"
        }
        return out + "</div>\n"
    }

    static func escape(_ s: String) -> String {
        var o = ""
        for c in s {
            switch c {
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "&": o += "&amp;"
            case "\"": o += "&quot;"
            default: o.append(c)
            }
        }
        return o
    }
}
