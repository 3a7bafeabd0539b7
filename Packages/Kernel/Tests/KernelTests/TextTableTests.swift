import Foundation
import Kernel
import Testing

@Suite struct TextTableTests {
    /// The text is the padded cells (a cell at least as wide as its column gets one space; nil width: as is); the HTML has the same cells,
    /// trimmed and escaped, so the page and the text show the same table.
    @Test func textAndHTMLAgree() {
        var t = TextTable(title: "a < b", header: ["rule", "acc", "note"], widths: [6, 8, nil])
        #expect(t.add(["mean", "0.5", "x&y"]) == "mean  0.5     x&y\n")
        t.add(["krum", "0.25", ""])
        #expect(t.text == "rule  acc     note\nmean  0.5     x&y\nkrum  0.25    \n")
        #expect(t.html.contains("<h4>a &lt; b</h4>"))
        #expect(t.html.contains("<tr><td>mean</td><td>0.5</td><td>x&amp;y</td></tr>"))
        #expect(t.html.components(separatedBy: "<tr>").count == 4)
        // a cell wider than its column still gets one space
        #expect(TextTable(header: ["a", "b"], first: 2, rest: 2).line(["long", "x"]) == "long x \n")
    }

    /// Every series is drawn inside a group clipped to the axes' box, and the box is the frame's rectangle.
    @Test func seriesAreClippedToTheAxes() {
        var p = SVGPlot(title: "t", xLabel: "x", yLabel: "y")
        p.series.append(.init(label: "fit", x: [0, 1], y: [0, 10], kind: .line, yError: [5, 5]))
        let svg = p.render()
        let clip = svg.range(of: "<clipPath id=\"plot-area\"><rect ")!,
            group = svg.range(of: "<g clip-path=\"url(#plot-area)\">")!
        let path = svg.range(of: "<path d=")!, close = svg.range(of: "</g>")!
        #expect(
            clip.upperBound < group.lowerBound && group.upperBound < path.lowerBound
                && path.upperBound < close.lowerBound)
        let rect = svg[clip.upperBound...].prefix { $0 != "/" }  // x="…" y="…" width="…" height="…"
        #expect(svg.contains("<rect \(rect) fill=\"none\" stroke=\"black\"/>"), "the clip rectangle is the frame")
    }
}
