#if canImport(Glibc)
    import Glibc
#endif

/// A 2-D plot written as standalone SVG: line, scatter or bar series over linear or log axes, with
/// "nice" ticks (1, 2, 5 × 10^k), axis labels, a title and a legend.
public struct SVGPlot {
    public enum Kind: String, CaseIterable, Sendable { case line, scatter, bar }

    public struct Series {
        public var label: String
        public var x: [Double]
        public var y: [Double]
        public var kind: Kind
        /// Optional symmetric error bar half-widths (same length as y).
        public var yError: [Double]?
        /// Palette entry to draw with (default: the series' position), so a fit line can share its data's colour.
        public var colorIndex: Int?
        /// Whether the legend lists this series.
        public var inLegend = true

        public init(label: String, x: [Double], y: [Double], kind: Kind = .line, yError: [Double]? = nil) {
            precondition(x.count == y.count, "series '\(label)': \(x.count) x values for \(y.count) y values")
            self.label = label
            self.x = x
            self.y = y
            self.kind = kind
            self.yError = yError
        }
    }

    public var title = ""
    public var xLabel = ""
    public var yLabel = ""
    public var logX = false
    public var logY = false
    public var width = 640.0
    public var height = 400.0
    public var series: [Series] = []
    /// Category names for bar plots (x positions 0, 1, …); nil shows numeric ticks.
    public var categories: [String]?

    public init(title: String = "", xLabel: String = "", yLabel: String = "") {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    /// A qualitative palette (Okabe–Ito, colour-blind safe).
    public static let palette = [
        "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
    ]

    /// Ticks at 1, 2 or 5 × 10^k covering [lo, hi] with about `target` intervals.
    public static func niceTicks(_ lo: Double, _ hi: Double, target: Int = 5) -> [Double] {
        guard lo.isFinite, hi.isFinite else { return [] }
        if hi <= lo { return [lo] }
        let raw = (hi - lo) / Double(target)
        let e = floor(log10(raw))
        let mag = pow(10, e)
        let mult = [1.0, 2, 5, 10].first { $0 * mag >= raw } ?? 10
        let step = mult * mag
        // k·mult·10^e, computed as an integer over a power of ten so 0.6 prints as 0.6, not 0.6000000000000001
        let value: (Double) -> Double = { k in e < 0 ? k * mult / pow(10, -e) : k * mult * mag }
        var out: [Double] = []
        var k = ceil(lo / step - 1e-9)
        while value(k) <= hi + step * 1e-9 {
            out.append(k == 0 ? 0 : value(k))
            k += 1
        }
        return out
    }

    static func label(_ v: Double) -> String {
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e5 || a < 1e-3 {
            let e = Int(floor(log10(a)))
            let m = v / pow(10, Double(e))
            let ms = abs(m - m.rounded()) < 1e-9 ? String(Int(m.rounded())) : trim(NumberFormat.rounded(m, 4))
            return "\(ms)e\(e)"
        }
        if abs(v - v.rounded()) < 1e-9 * max(1, a) { return String(Int(v.rounded())) }
        return trim(NumberFormat.rounded(v, 4))
    }

    static func trim(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var t = s
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
    }

    /// `s` with &, <, > and " escaped for SVG/XML text and attributes.
    public static func escape(_ s: String) -> String {
        var o = ""
        for c in s {
            switch c {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            default: o.append(c)
            }
        }
        return o
    }

    /// The SVG document.
    public func render() -> String {
        let left = 70.0, right = 20.0, top = title.isEmpty ? 20.0 : 40.0, bottom = 55.0
        let longest = series.map { $0.label.isEmpty ? 8 : $0.label.count }.max() ?? 0
        let legendW =
            series.count > 1 || series.contains { !$0.label.isEmpty } ? max(110, 34 + 7.2 * Double(longest)) : 0
        let pw = width - left - right - legendW, ph = height - top - bottom
        let tx: (Double) -> Double = { logX ? log10($0) : $0 }
        let ty: (Double) -> Double = { logY ? log10($0) : $0 }
        var xs: [Double] = [], ys: [Double] = []
        for s in series {
            for (i, (x, y)) in zip(s.x, s.y).enumerated() {
                let (a, b) = (tx(x), ty(y))
                if a.isFinite { xs.append(a) }
                if b.isFinite {
                    let e = s.yError?[i] ?? 0
                    ys.append(b)
                    if e > 0 {
                        ys.append(ty(y + e))
                        let l = ty(y - e)
                        if l.isFinite { ys.append(l) }
                    }
                }
            }
            if s.kind == .bar, !logY { ys.append(0) }
        }
        var x0 = xs.min() ?? 0, x1 = xs.max() ?? 1
        var y0 = ys.min() ?? 0, y1 = ys.max() ?? 1
        if series.contains(where: { $0.kind == .bar }) {
            x0 -= 0.5
            x1 += 0.5
        }
        if x1 <= x0 {
            x0 -= 1
            x1 += 1
        }
        if y1 <= y0 {
            y0 -= 1
            y1 += 1
        }
        // a margin inside the frame, so points, error bars and fitted lines at the data's extremes stay visible
        if categories == nil && !series.contains(where: { $0.kind == .bar }) {
            let xpad = (x1 - x0) * 0.02
            x0 -= xpad
            x1 += xpad
        }
        let pad = (y1 - y0) * 0.05
        y1 += pad
        if !(series.contains { $0.kind == .bar } && y0 == 0) { y0 -= pad }
        let sx: (Double) -> Double = { left + ($0 - x0) / (x1 - x0) * pw }
        let sy: (Double) -> Double = { top + ph - ($0 - y0) / (y1 - y0) * ph }
        var o = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>

            """
        if !title.isEmpty {
            o +=
                "<text x=\"\(left + pw / 2)\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">\(SVGPlot.escape(title))</text>\n"
        }
        // grid, ticks and tick labels
        let yt =
            logY
            ? SVGPlot.niceTicks(floor(y0), ceil(y1)).filter { $0 == $0.rounded() && $0 >= y0 && $0 <= y1 }
            : SVGPlot.niceTicks(y0, y1)
        for t in yt {
            let y = sy(t)
            o += "<line x1=\"\(left)\" y1=\"\(y)\" x2=\"\(left + pw)\" y2=\"\(y)\" stroke=\"#e0e0e0\"/>\n"
            o +=
                "<text x=\"\(left - 6)\" y=\"\(y + 4)\" text-anchor=\"end\">\(SVGPlot.escape(logY ? "1e\(Int(t))" : SVGPlot.label(t)))</text>\n"
        }
        if let cats = categories {
            for (i, c) in cats.enumerated() {
                let x = sx(Double(i))
                o += "<text x=\"\(x)\" y=\"\(top + ph + 18)\" text-anchor=\"middle\">\(SVGPlot.escape(c))</text>\n"
            }
        } else {
            let xt =
                logX
                ? SVGPlot.niceTicks(floor(x0), ceil(x1)).filter { $0 == $0.rounded() && $0 >= x0 && $0 <= x1 }
                : SVGPlot.niceTicks(x0, x1)
            for t in xt {
                let x = sx(t)
                o += "<line x1=\"\(x)\" y1=\"\(top + ph)\" x2=\"\(x)\" y2=\"\(top + ph + 5)\" stroke=\"black\"/>\n"
                o +=
                    "<text x=\"\(x)\" y=\"\(top + ph + 18)\" text-anchor=\"middle\">\(SVGPlot.escape(logX ? "1e\(Int(t))" : SVGPlot.label(t)))</text>\n"
            }
        }
        o += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(pw)\" height=\"\(ph)\" fill=\"none\" stroke=\"black\"/>\n"
        if !xLabel.isEmpty {
            o +=
                "<text x=\"\(left + pw / 2)\" y=\"\(height - 12)\" text-anchor=\"middle\">\(SVGPlot.escape(xLabel))</text>\n"
        }
        if !yLabel.isEmpty {
            o +=
                "<text transform=\"translate(16 \(top + ph / 2)) rotate(-90)\" text-anchor=\"middle\">\(SVGPlot.escape(yLabel))</text>\n"
        }
        // series, clipped to the axes' box (a fitted line or an error bar never runs past the frame)
        o +=
            "<defs><clipPath id=\"plot-area\"><rect x=\"\(left)\" y=\"\(top)\" width=\"\(pw)\" height=\"\(ph)\"/></clipPath></defs>\n"
        o += "<g clip-path=\"url(#plot-area)\">\n"
        let bars = series.filter { $0.kind == .bar }.count
        var barIndex = 0
        for (k, s) in series.enumerated() {
            let color = SVGPlot.palette[(s.colorIndex ?? k) % SVGPlot.palette.count]
            let pts = zip(s.x, s.y).map { (tx($0.0), ty($0.1)) }
            switch s.kind {
            case .line:
                var d = ""
                var pen = false
                for (a, b) in pts {
                    if a.isFinite && b.isFinite {
                        d += "\(pen ? "L" : "M")\(sx(a)),\(sy(b)) "
                        pen = true
                    } else {
                        pen = false
                    }
                }
                o += "<path d=\"\(d)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
            case .scatter:
                for (a, b) in pts where a.isFinite && b.isFinite {
                    o += "<circle cx=\"\(sx(a))\" cy=\"\(sy(b))\" r=\"3\" fill=\"\(color)\" fill-opacity=\"0.8\"/>\n"
                }
            case .bar:
                let slot = 0.8 / Double(max(bars, 1))
                for (a, b) in pts where a.isFinite && b.isFinite {
                    let xl = sx(a - 0.4 + slot * Double(barIndex)), xr = sx(a - 0.4 + slot * Double(barIndex + 1))
                    let base = logY ? y0 : 0
                    let yTop = sy(max(b, base)), yBot = sy(min(b, base))
                    o +=
                        "<rect x=\"\(xl)\" y=\"\(yTop)\" width=\"\(max(xr - xl - 1, 1))\" height=\"\(max(yBot - yTop, 0))\" fill=\"\(color)\"/>\n"
                }
                barIndex += 1
            }
            if let err = s.yError {
                // a bar's error bar sits on the middle of its own slot, in dark grey (its colour would vanish on it)
                let slot = 0.8 / Double(max(bars, 1))
                let shift = s.kind == .bar ? -0.4 + slot * (Double(barIndex - 1) + 0.5) : 0
                let stroke = s.kind == .bar ? "#333" : color
                for ((a, _), (y, e)) in zip(pts, zip(s.y, err)) where a.isFinite && e > 0 {
                    let hi = ty(y + e), lo = ty(y - e)
                    guard hi.isFinite else { continue }
                    let x = sx(a + shift)
                    o +=
                        "<line x1=\"\(x)\" y1=\"\(sy(hi))\" x2=\"\(x)\" y2=\"\(sy(lo.isFinite ? lo : y0))\" stroke=\"\(stroke)\" stroke-width=\"1.5\"/>\n"
                }
            }
        }
        o += "</g>\n"
        // legend
        if legendW > 0 {
            let lx = left + pw + 12
            for (row, (k, s)) in series.enumerated().filter({ $0.1.inLegend }).enumerated() {
                let y = top + 12 + Double(row) * 18
                let color = SVGPlot.palette[(s.colorIndex ?? k) % SVGPlot.palette.count]
                o += "<rect x=\"\(lx)\" y=\"\(y - 9)\" width=\"14\" height=\"10\" fill=\"\(color)\"/>\n"
                o +=
                    "<text x=\"\(lx + 20)\" y=\"\(y)\">\(SVGPlot.escape(s.label.isEmpty ? "series \(k)" : s.label))</text>\n"
            }
        }
        o += "</svg>\n"
        return o
    }
}
