import ArgumentParser
import FjordCLI
import Kernel

struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Plot the rows of 2-D arrays (or 1-D arrays) as SVG line, scatter or bar series.",
        discussion: """
            Every row of every array is one series against x = 0, 1, 2, …; with --x-first the first row of each \
            array is the x values for the rest.
            Example: tensor rand --shape 3,50 --dist uniform | tensor plot --labels a,b,c --title noise -o noise.svg
            """)

    @OptionGroup var input: InputOptions
    @Option(help: "Series kind.") var kind = SVGPlot.Kind.line
    @Option(help: "Series labels, comma-separated.") var labels: String?
    @Option(help: "Plot title.") var title = ""
    @Option(help: "x-axis label.") var xlabel = ""
    @Option(help: "y-axis label.") var ylabel = ""
    @Flag(help: "Logarithmic y axis.") var logY = false
    @Flag(help: "Logarithmic x axis.") var logX = false
    @Flag(help: "The first row of each array holds the x values.") var xFirst = false
    @OptionGroup var output: OutputOptions

    func validate() throws {
    }

    func run() throws {
        try runTool("tensor plot") {
            var plot = SVGPlot(title: title, xLabel: xlabel, yLabel: ylabel)
            plot.logX = logX
            plot.logY = logY
            let names = labels.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? []
            try input.forEach { i, a in
                guard a.shape.count == 1 || a.shape.count == 2 else {
                    throw FjordError.data(
                        "\(input.name): array \(i) has shape \(a.shape); plot takes 1-D or 2-D arrays")
                }
                let v = a.doubles()
                let cols = a.shape.last ?? 1
                let rows = a.shape.count == 1 ? 1 : a.shape[0]
                var x = (0..<cols).map(Double.init)
                var first = 0
                if xFirst {
                    guard rows >= 2 else {
                        throw FjordError.data("\(input.name): array \(i): --x-first needs at least 2 rows")
                    }
                    x = Array(v[0..<cols])
                    first = 1
                }
                for r in first..<rows {
                    let k = plot.series.count
                    plot.series.append(
                        .init(
                            label: k < names.count ? names[k] : (rows - first > 1 || i > 0 ? "series \(k)" : ""),
                            x: x, y: Array(v[(r * cols)..<((r + 1) * cols)]), kind: kind))
                }
            }
            if plot.series.count > 64 {
                throw FjordError.data("\(input.name): \(plot.series.count) series is more than a plot can show (64)")
            }
            let svg = plot.render()
            try output.write(binary: false) { try $0.write(svg) }
        }
    }
}
