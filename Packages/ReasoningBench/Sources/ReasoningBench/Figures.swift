import Foundation
import Kernel

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// The analysis pictures: accuracy heatmaps over (N, ρ) per d, the U-shape in ρ, tokens against workload (log-log).
public enum Figures {
    /// One panel per d: rows N, columns ρ, cells coloured by accuracy (viridis) and labelled with it in percent.
    public static func heatmaps(_ s: ModelSummary) -> String {
        let ds = Set(s.cells.keys.map(\.d)).sorted(), ns = Set(s.cells.keys.map(\.N)).sorted()
        let rhos = Set(s.cells.keys.map(\.rho)).sorted()
        let cw = 34.0, ch = 24.0, left = 48.0, top = 44.0, gap = 26.0
        let pw = Double(rhos.count) * cw
        let width = left + Double(ds.count) * (pw + gap) + 10, height = top + Double(ns.count) * ch + 46
        var o =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "font-family=\"sans-serif\" font-size=\"10\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        o +=
            "<text x=\"\(left)\" y=\"16\" font-size=\"13\">\(SVGPlot.escape(s.model)): accuracy (%) by N (rows) and ρ (columns), one panel per d</text>\n"
        for (pi, d) in ds.enumerated() {
            let x0 = left + Double(pi) * (pw + gap)
            o +=
                "<text x=\"\(x0 + pw / 2)\" y=\"\(top - 16)\" text-anchor=\"middle\" font-size=\"11\">d = \(d)</text>\n"
            for (ci, r) in rhos.enumerated() {
                o +=
                    "<text x=\"\(x0 + (Double(ci) + 0.5) * cw)\" y=\"\(top - 4)\" text-anchor=\"middle\">\(JSON.format(r))</text>\n"
            }
            for (ri, n) in ns.enumerated() {
                let y = top + Double(ri) * ch
                if pi == 0 {
                    o += "<text x=\"\(left - 6)\" y=\"\(y + ch / 2 + 4)\" text-anchor=\"end\">N=\(n)</text>\n"
                }
                for (ci, r) in rhos.enumerated() {
                    let x = x0 + Double(ci) * cw
                    guard let c = s.cells[.init(N: n, rho: r, d: d)], c.total > 0 else {
                        o += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(cw - 1)\" height=\"\(ch - 1)\" fill=\"#eeeeee\"/>\n"
                        continue
                    }
                    let a = Double(c.correct) / Double(c.total)
                    let (cr, cg, cb) = Colormap.viridis.color(a)
                    let light = 0.299 * Double(cr) + 0.587 * Double(cg) + 0.114 * Double(cb) > 140
                    o +=
                        "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(cw - 1)\" height=\"\(ch - 1)\" fill=\"\(Colormap.viridis.hex(a))\"/>"
                    o +=
                        "<text x=\"\(x + cw / 2 - 0.5)\" y=\"\(y + ch / 2 + 3.5)\" text-anchor=\"middle\" fill=\"\(light ? "black" : "white")\">\(Int((100 * a).rounded()))</text>\n"
                }
            }
        }
        o +=
            "<text x=\"\(left)\" y=\"\(height - 12)\">ρ = percentage of statements about the person of interest; colour: viridis, 0% dark → 100% yellow.</text>\n"
        return o + "</svg>\n"
    }

    /// Accuracy against ρ per model with 95% bootstrap intervals: the U-shape.
    public static func uShape(_ models: [ModelSummary]) -> String {
        var p = SVGPlot(
            title: "Accuracy against needle percentage ρ", xLabel: "ρ (% of statements about the person of interest)",
            yLabel: "accuracy")
        for m in models {
            p.series.append(
                .init(
                    label: m.model, x: m.byRho.map(\.0), y: m.byRho.map(\.1.value), kind: .line,
                    yError: m.byRho.map { ($0.1.hi - $0.1.lo) / 2 }))
        }
        return p.render()
    }

    /// Output tokens against workload (needles), log-log: geometric mean tokens per workload value (points) and each
    /// model's censored fit T = α·W^κ (line).
    public static func tokensVsWorkload(_ models: [(ModelSummary, [Record])]) -> String {
        var p = SVGPlot(
            title: "Output tokens against workload (log-log)", xLabel: "workload W (needles)",
            yLabel: "output tokens")
        p.logX = true
        p.logY = true
        for (index, (m, rs)) in models.enumerated() {
            var sums: [Double: (Double, Int)] = [:]
            for r in rs where r.completion != nil {
                let t = Analysis.tokens(r)
                guard t > 0 else { continue }
                var v = sums[r.workload] ?? (0, 0)
                v.0 += log(t)
                v.1 += 1
                sums[r.workload] = v
            }
            let ws = sums.keys.sorted()
            var points = SVGPlot.Series(
                label: "\(m.model) (κ=\(NumberFormat.fixed(m.coupling.value, 2)))", x: ws,
                y: ws.map { exp(sums[$0]!.0 / Double(sums[$0]!.1)) }, kind: .scatter)
            points.colorIndex = index
            p.series.append(points)
            if let lo = ws.first, let hi = ws.last {
                let xs = [lo, hi]
                var fit = SVGPlot.Series(
                    label: "", x: xs, y: xs.map { m.alpha.value * pow($0, m.coupling.value) }, kind: .line)
                fit.colorIndex = index
                fit.inLegend = false
                p.series.append(fit)
            }
        }
        return p.render()
    }

}
