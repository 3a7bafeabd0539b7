import Kernel

/// Pages with the chain of explanation drawn on them (PNG): words in a 3 × 5 pixel font, each word's background
/// shaded orange by its evidence weight (scaled to the page's maximum), the true answer box in green, the predicted
/// answer region (what the constrained decoder read) in red; above the page the question, the constrained answer
/// and the gold answer. Several pages are laid out side by side.
public enum PagePicture {
    /// Pixels per page unit.
    public static let scale = 2

    /// `pages` (question, reading) in a grid of `columns`.
    public static func png(
        _ pages: [(DocumentQuestion, DocumentReader.Reading)], columns: Int = 3
    ) throws(FjordError) -> [UInt8] {
        guard let first = pages.first else { throw .data("no pages to draw") }
        let header = 24
        let pw = Int(first.0.width) * scale, ph = Int(first.0.height) * scale + header
        let cols = min(columns, pages.count), rows = (pages.count + cols - 1) / cols
        var c = Canvas(width: cols * (pw + 8) + 8, height: rows * (ph + 8) + 8)
        for (k, (q, r)) in pages.enumerated() {
            let ox = 8 + (k % cols) * (pw + 8), oy = 8 + (k / cols) * (ph + 8)
            c.rect(ox - 1, oy - 1, ox + pw, oy + ph, (150, 150, 150))
            let answer = DocumentReader.text(r.constrained, of: q)
            let right = q.answers.contains { $0.lowercased() == answer.lowercased() }
            c.text("q: " + q.question, x: ox + 4, y: oy + 1, (20, 20, 20), size: 2)
            c.text("a: " + answer, x: ox + 4, y: oy + 12, right ? (20, 130, 40) : (200, 30, 30), size: 2)
            let py = oy + header
            let top = max(r.evidence.max() ?? 1, 1e-12)
            for (j, w) in q.words.enumerated() {
                let e = Double(j < r.evidence.count ? r.evidence[j] / top : 0)
                let b = w.box
                if e > 0.02 {
                    let shade = (UInt8(255), UInt8(255 - 90 * e), UInt8(255 - 200 * e))
                    c.fill(
                        ox + Int(b.x0) * scale - 1, py + Int(b.y0) * scale - 1, ox + Int(b.x1) * scale + 1,
                        py + Int(b.y1) * scale + 1, shade)
                }
                c.text(w.text, x: ox + Int(b.x0) * scale, y: py + Int(b.y0) * scale, (30, 30, 30), size: scale)
            }
            func outline(_ b: Box, _ col: (UInt8, UInt8, UInt8), pad: Int) {
                c.rect(
                    ox + Int(b.x0) * scale - pad, py + Int(b.y0) * scale - pad, ox + Int(b.x1) * scale + pad,
                    py + Int(b.y1) * scale + pad, col, thickness: 2)
            }
            outline(q.answerBox, (30, 160, 60), pad: 5)
            if let b = r.box { outline(b, (220, 30, 30), pad: 2) }
        }
        return try PNG.encodeRGB(c.rgb, width: c.width, height: c.height)
    }

    struct Canvas {
        let width: Int, height: Int
        var rgb: [UInt8]
        init(width: Int, height: Int) {
            self.width = width
            self.height = height
            rgb = [UInt8](repeating: 255, count: width * height * 3)
        }
        mutating func set(_ x: Int, _ y: Int, _ c: (UInt8, UInt8, UInt8)) {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            let k = (y * width + x) * 3
            (rgb[k], rgb[k + 1], rgb[k + 2]) = c
        }
        mutating func fill(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ c: (UInt8, UInt8, UInt8)) {
            for y in y0...max(y0, y1) { for x in x0...max(x0, x1) { set(x, y, c) } }
        }
        mutating func rect(
            _ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ c: (UInt8, UInt8, UInt8), thickness: Int = 1
        ) {
            for t in 0..<thickness {
                for x in x0...x1 {
                    set(x, y0 + t, c)
                    set(x, y1 - t, c)
                }
                for y in y0...y1 {
                    set(x0 + t, y, c)
                    set(x1 - t, y, c)
                }
            }
        }
        /// Text in the 3 × 5 font, `size` pixels per font pixel, 4 font pixels per character.
        mutating func text(_ s: String, x: Int, y: Int, _ c: (UInt8, UInt8, UInt8), size: Int = 1) {
            var cx = x
            for ch in s.lowercased() {
                if let g = Font.glyphs[ch] {
                    for (row, bits) in g.enumerated() {
                        for col in 0..<3 where bits & (4 >> col) != 0 {
                            fill(
                                cx + col * size, y + row * size, cx + (col + 1) * size - 1, y + (row + 1) * size - 1, c)
                        }
                    }
                }
                cx += 4 * size
            }
        }
    }
}

/// A 3 × 5 pixel font: per character five rows, three bits each (4 = left column).
enum Font {
    static let glyphs: [Character: [UInt8]] = {
        let table: [(Character, [UInt8])] = [
            ("a", [2, 5, 7, 5, 5]), ("b", [6, 5, 6, 5, 6]), ("c", [3, 4, 4, 4, 3]), ("d", [6, 5, 5, 5, 6]),
            ("e", [7, 4, 6, 4, 7]), ("f", [7, 4, 6, 4, 4]), ("g", [3, 4, 5, 5, 3]), ("h", [5, 5, 7, 5, 5]),
            ("i", [7, 2, 2, 2, 7]), ("j", [1, 1, 1, 5, 2]), ("k", [5, 5, 6, 5, 5]), ("l", [4, 4, 4, 4, 7]),
            ("m", [5, 7, 7, 5, 5]), ("n", [6, 5, 5, 5, 5]), ("o", [2, 5, 5, 5, 2]), ("p", [6, 5, 6, 4, 4]),
            ("q", [2, 5, 5, 6, 3]), ("r", [6, 5, 6, 5, 5]), ("s", [3, 4, 2, 1, 6]), ("t", [7, 2, 2, 2, 2]),
            ("u", [5, 5, 5, 5, 7]), ("v", [5, 5, 5, 5, 2]), ("w", [5, 5, 7, 7, 5]), ("x", [5, 5, 2, 5, 5]),
            ("y", [5, 5, 2, 2, 2]), ("z", [7, 1, 2, 4, 7]),
            ("0", [7, 5, 5, 5, 7]), ("1", [2, 6, 2, 2, 7]), ("2", [6, 1, 2, 4, 7]), ("3", [6, 1, 2, 1, 6]),
            ("4", [5, 5, 7, 1, 1]), ("5", [7, 4, 6, 1, 6]), ("6", [3, 4, 7, 5, 7]), ("7", [7, 1, 2, 2, 2]),
            ("8", [7, 5, 7, 5, 7]), ("9", [7, 5, 7, 1, 6]),
            (".", [0, 0, 0, 0, 2]), (",", [0, 0, 0, 2, 4]), (":", [0, 2, 0, 2, 0]), ("-", [0, 0, 7, 0, 0]),
            ("+", [0, 2, 7, 2, 0]), ("?", [6, 1, 2, 0, 2]), ("/", [1, 1, 2, 4, 4]), ("'", [2, 2, 0, 0, 0]),
        ]
        return Dictionary(uniqueKeysWithValues: table)
    }()
}
