/// A table of text cells and its two renderings: fixed-width text for a terminal or a `.txt` (each cell padded
/// with ``padded(_:_:)`` to its column's width, and a cell as wide or wider than its column followed by one space;
/// a column of width nil is written as is), and an HTML `<table>` for a page. Every `reproduce` prints its tables through this one renderer and writes
/// the same tables as HTML for the demo page, so the page and the text can never disagree.
///
/// Rows are added one at a time (``add(_:)`` returns the row's text line), so a long run can print each row as
/// soon as it is computed.
public struct TextTable: Sendable {
    public var title: String
    public var header: [String]
    public var widths: [Int?]
    public private(set) var rows: [[String]] = []

    /// `widths` has one entry per column (nil: unpadded); `title` heads the HTML table only.
    public init(title: String = "", header: [String], widths: [Int?]) {
        precondition(header.count == widths.count, "one width per column")
        self.title = title
        self.header = header
        self.widths = widths
    }

    /// A first column of width `first` and every other of width `rest`.
    public init(title: String = "", header: [String], first: Int, rest: Int) {
        self.init(
            title: title, header: header, widths: [first] + Array(repeating: rest, count: max(0, header.count - 1)))
    }

    /// The text line of some cells (one per column), newline-terminated.
    public func line(_ cells: [String]) -> String {
        precondition(cells.count == widths.count, "\(cells.count) cells for \(widths.count) columns")
        var s = ""
        for (c, w) in zip(cells, widths) { s += w.map { padded(c, $0) } ?? c }
        return s + "\n"
    }

    public var headerLine: String { line(header) }

    /// Records a row and returns its text line.
    @discardableResult public mutating func add(_ cells: [String]) -> String {
        let l = line(cells)
        rows.append(cells)
        return l
    }

    /// The header and every row as text.
    public var text: String { rows.reduce(headerLine) { $0 + line($1) } }

    /// The table as HTML (cells escaped; numeric-looking cells right-aligned by the page's stylesheet class).
    public var html: String {
        var s = title.isEmpty ? "" : "<h4>\(SVGPlot.escape(title))</h4>\n"
        s += "<table class=\"results\"><thead><tr>"
        for h in header { s += "<th>\(SVGPlot.escape(h.trimmingSpaces))</th>" }
        s += "</tr></thead><tbody>\n"
        for r in rows {
            s += "<tr>"
            for c in r { s += "<td>\(SVGPlot.escape(c.trimmingSpaces))</td>" }
            s += "</tr>\n"
        }
        return s + "</tbody></table>\n"
    }
}

extension String {
    /// Without leading and trailing spaces.
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
