import ArgumentParser
import FjordCLI
import Foundation
import Kernel
import Quant
import VIOpt

struct Reproduce: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "The rates and the bits: fitted log-log slopes under relative and absolute noise, error against bytes.",
        discussion: """
            1. Rates: dual extrapolation with the adaptive step on the Kelly auction (the reference code's problem) under \
            relative noise σ_rel = 1 and absolute noise σ_abs = 1, --seeds runs each; the slope of log ‖x̄_t − x*‖ \
            against log t over the last decade of iterations, per seed, with a 95% t-interval over seeds (papers: about \
            −1 under relative noise, −1/2 under absolute noise). 2. Bits: Q-GenX (4 workers) on a 1000-dimensional \
            strongly monotone game at 2–8 bits of NUQ against float32: final distance against bytes sent per worker. \
            3. Messages: bytes per iteration of dual extrapolation (two exchanges) and optimistic dual averaging (one). \
            Writes rates.svg, bits.svg, tables.html and the text tables to stdout.
            Example: vi-opt reproduce --out out/vi-opt
            """)

    @Option(help: ArgumentHelp("Folder for the figures and tables.", valueName: "DIR")) var out = "."
    @Option(help: "Runs per noise model.") var seeds = 5
    @Option(help: "Iterations of the rate runs.") var iterations = 100_000
    @Option(help: "Iterations of the bits and messages runs.") var bitsIterations = 1500

    func validate() throws {
        if seeds < 2 { throw ValidationError("--seeds must be ≥ 2 (the interval needs two)") }
        if iterations < 100 { throw ValidationError("--iterations must be ≥ 100") }
        if bitsIterations < 10 { throw ValidationError("--bits-iterations must be ≥ 10") }
    }

    func run() throws {
        try runTool("vi-opt reproduce") {
            try makeDirectory(out)
            var text = ""
            var html = ""
            // 1. Rates.
            let kelly = try KellyAuction()
            let every = max(1, iterations / 200)
            var rates = TextTable(
                title:
                    "Rates: slope of log ‖x̄ − x*‖ against log t (last decade), Kelly auction, dual-x adaptive lr 100",
                header: ["noise", "slope", "95% interval", "papers", "seeds"], widths: [22, 10, 20, 22, nil])
            var plot = SVGPlot(
                title: "Averaged iterate, Kelly auction (dual extrapolation, adaptive)", xLabel: "iteration t",
                yLabel: "‖x̄ − x*‖")
            plot.logX = true
            plot.logY = true
            for (k, (name, noise, expect)) in [
                ("relative σ_rel = 1", NoiseModel(relative: 1), "−1"),
                ("absolute σ_abs = 1", NoiseModel(absolute: 1), "−1/2"),
            ].enumerated() {
                var slopes: [Double] = []
                var meanCurve: [Double] = []
                var ts: [Double] = []
                for seed in 0..<seeds {
                    var o = VISolver.Options(method: .dualExtrapolation, lr: 100, iterations: iterations)
                    o.adaptive = true
                    o.every = every
                    o.noise = noise
                    o.seed = UInt64(seed + 1)
                    let rows = try VISolver.simulate(kelly, o, workers: 1)[0].rows
                    let tail = rows.filter { $0.iteration >= iterations / 10 }
                    let fit = Inference.ols(
                        tail.map { log(Double($0.iteration)) }, tail.map { log($0.averageDistance!) })
                    slopes.append(fit.slope)
                    if meanCurve.isEmpty {
                        meanCurve = rows.map { $0.averageDistance! / Double(seeds) }
                        ts = rows.map { Double($0.iteration) }
                    } else {
                        for i in rows.indices { meanCurve[i] += rows[i].averageDistance! / Double(seeds) }
                    }
                }
                let (m, h) = Inference.meanInterval(slopes)
                rates.add([
                    name, NumberFormat.fixed(m, 3),
                    "[" + NumberFormat.fixed(m - h, 3) + ", " + NumberFormat.fixed(m + h, 3) + "]",
                    expect, String(seeds),
                ])
                var series = SVGPlot.Series(label: name, x: ts, y: meanCurve)
                series.colorIndex = k
                plot.series.append(series)
            }
            try AtomicFile.write(plot.render(), to: out + "/rates.svg")
            text += rates.text + "\n"
            html += rates.html
            // 2. Bits.
            let game = try QuadraticGame.random(dimension: 1000, mu: 0.5, seed: 7)
            var bits = TextTable(
                title:
                    "Q-GenX, 4 workers, 1000-dimensional strongly monotone game, \(bitsIterations) iterations (dual-x adaptive, lr 1)",
                header: ["codec", "‖x − x*‖", "bytes sent per worker", "bytes per message"], widths: [16, 14, 24, nil])
            var bplot = SVGPlot(
                title: "Q-GenX: error against bytes sent", xLabel: "bytes sent per worker", yLabel: "‖x½ − x*‖")
            bplot.logX = true
            bplot.logY = true
            var o = VISolver.Options(method: .dualExtrapolation, lr: 1, iterations: bitsIterations)
            o.adaptive = true
            o.every = max(1, bitsIterations / 30)
            let codecs: [(CodecKind?, Int)] = [
                (nil, 0), (.nuq, 2), (.nuq, 4), (.nuq, 8), (.qsgd, 4), (.qsgd, 6), (.qsgd, 8),
            ]
            /// The codec settings of the bits and messages runs.
            func settings(bits: Int) -> CodecSettings {
                var c = CodecSettings()
                c.bits = bits
                c.bucket = 1024
                return c
            }
            for (kind, b) in codecs {
                let factory = try kind?.factory(settings(bits: b == 0 ? 4 : b), dimension: 1000)
                let rows = try VISolver.simulate(game, o, workers: 4, codec: factory)[0].rows
                let last = rows.last!
                let label = kind.map { "\($0.rawValue) \(b)-bit" } ?? "float32"
                bits.add([
                    label, NumberFormat.significant(last.distance!), String(last.bytesSent),
                    NumberFormat.fixed(Double(last.bytesSent) / Double(2 * bitsIterations), 1),
                ])
                bplot.series.append(
                    SVGPlot.Series(
                        label: label, x: rows.map { Double($0.bytesSent) }, y: rows.map { $0.distance! }))
            }
            try AtomicFile.write(bplot.render(), to: out + "/bits.svg")
            text += bits.text + "\n"
            html += bits.html
            // 3. Messages per iteration.
            var msgs = TextTable(
                title: "Messages: bytes per worker over \(bitsIterations) iterations, 4 workers (same game)",
                header: ["method", "codec", "bytes", "messages"], widths: [34, 14, 14, nil])
            for (name, method) in [
                ("dual extrapolation (Q-GenX)", VIMethod.dualExtrapolation),
                ("optimistic dual (QODA's exchange)", .dualOptimistic),
            ] {
                for b in [0, 4] {
                    var oo = o
                    oo.method = method
                    let factory = b == 0 ? nil : try CodecKind.nuq.factory(settings(bits: 4), dimension: 1000)
                    let last = try VISolver.simulate(game, oo, workers: 4, codec: factory)[0].rows.last!
                    let perMessage = b == 0 ? 4000 : 0
                    msgs.add([
                        name, b == 0 ? "float32" : "nuq 4-bit", String(last.bytesSent),
                        perMessage > 0 ? String(last.bytesSent / perMessage) : "—",
                    ])
                }
            }
            text += msgs.text
            html += msgs.html
            try AtomicFile.write(html, to: out + "/tables.html")
            try writeStdout(text)
        }
    }
}
