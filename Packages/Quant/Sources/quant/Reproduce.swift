import ArgumentParser
import FjordCLI
import Kernel
import Learn
import Quant

struct Reproduce: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "The quantization papers' claims in miniature: variance vs bits and bucket size, accuracy vs bits, learned levels.",
        discussion: """
            On real gradients (an MLP 64-256-256-10 training on the bundled digits) and heavy-tailed synthetic ones \
            (cubed Laplace draws): the exact normalized variance of QSGD, QSGDinf, NUQSGD, TernGrad and ALQ/AMQ levels \
            fitted to those gradients, for 2–8 bits and buckets 64–32768; then test accuracy of 4 and 8 simulated \
            workers training a 64-32-10 MLP with each scheme and bit width; then the learned 3-bit levels. \
            Tables on stdout; SVG figures into --out. Takes about a minute in a release build.
            Example: quant reproduce --out figures/
            """)

    @Option(help: ArgumentHelp("Folder for the SVG figures.", valueName: "DIR")) var out = "."
    @Option(help: "Seed.") var seed: UInt64 = 0
    @Flag(help: "A smaller grid (for tests).") var quick = false
    @Flag(help: "No progress bar on a terminal.") var quiet = false

    func run() throws {
        try runTool("quant reproduce") {
            try makeDirectory(out)  // before a minute of work, not after it
            let sink = ByteSink(fd: 1, name: "stdout")
            var digits = BundledData.digits.load()
            let m = digits.featureMoments()
            digits = digits.standardized(mean: m.mean, std: m.std)
            let real = try GradientSamples.mlp(
                digits, hidden: [256, 256], samples: quick ? 3 : 10, every: 25, seed: seed)
            var g = RNG(seed: seed, stream: 0x4EA)
            var heavy = g.tensor([1 << 17], .laplace)
            heavy.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] = p[i] * p[i] * p[i] } }
            let sets: [(String, [Tensor])] = [
                ("real gradients (digits MLP 64-256-256-10, \(real[0].count) coordinates)", real),
                ("heavy-tailed synthetic (Laplace³, \(heavy.count) coordinates)", [heavy]),
            ]
            let bitsGrid = quick ? [3, 4] : [2, 3, 4, 5, 6, 8]
            var tables: [TextTable] = []
            try sink.write("# Normalized variance E‖Q(v)−v‖²/‖v‖² (exact), bucket 8192\n")
            for (k, (name, samples)) in sets.enumerated() {
                var table = TextTable(
                    title: "Normalized variance, bucket 8192: \(name)", header: ["bits"] + Reproduce.schemes, first: 6,
                    rest: 11)
                try sink.write("\n## \(name)\n" + table.headerLine)
                var series = [String: [Double]]()
                for b in bitsGrid {
                    let row = try variances(samples, bits: b, bucket: 8192)
                    for s in Reproduce.schemes { series[s, default: []].append(row[s] ?? .nan) }
                    try sink.write(table.add(["\(b)"] + Reproduce.schemes.map { row[$0].map(formatNumber) ?? "-" }))
                }
                tables.append(table)
                try figure(
                    title: k == 0 ? "Real gradients: variance vs bits" : "Heavy-tailed: variance vs bits",
                    x: bitsGrid.map(Double.init),
                    series: series, xLabel: "bits per coordinate budget",
                    file: k == 0 ? "variance-bits-real.svg" : "variance-bits-heavy.svg")
            }
            let buckets = quick ? [256, 8192] : [64, 256, 1024, 4096, 8192, 32768]
            var byBucket = TextTable(
                title: "Normalized variance vs bucket size, 3 bits, real gradients",
                header: ["bucket"] + Reproduce.schemes,
                first: 8, rest: 11)
            try sink.write("\n# Normalized variance vs bucket size, 3 bits, real gradients\n" + byBucket.headerLine)
            var bseries = [String: [Double]]()
            for bk in buckets {
                let row = try variances(real, bits: 3, bucket: bk)
                for s in Reproduce.schemes { bseries[s, default: []].append(row[s] ?? .nan) }
                try sink.write(byBucket.add(["\(bk)"] + Reproduce.schemes.map { row[$0].map(formatNumber) ?? "-" }))
            }
            tables.append(byBucket)
            try figure(
                title: "Real gradients, 3 bits: variance vs bucket size", x: buckets.map { log2(Double($0)) },
                series: bseries,
                xLabel: "log2 bucket size", file: "variance-bucket.svg")
            tables += try accuracy(sink: sink)
            tables.append(try learnedLevels(sink: sink, real: real))
            try AtomicFile.write(tables.map(\.html).joined(), to: out + "/tables.html")
        }
    }

    static let schemes = ["qsgd", "qsgdinf", "nuq", "terngrad", "alq", "amq"]

    /// Exact normalized variance of every scheme on the samples (pooled), ALQ/AMQ fitted to the same samples.
    func variances(_ samples: [Tensor], bits: Int, bucket: Int) throws -> [String: Double] {
        var out: [String: Double] = [:]
        func measure(_ q: Quantizer) -> Double {
            var v = 0.0, n = 0.0
            for t in samples {
                let e = t.withUnsafeBufferPointer { q.exactVariance($0) }
                v += e.variance
                n += e.norm2
            }
            return v / n
        }
        for s in [Scheme.qsgd, .qsgdinf, .nuq] where !(s == .nuq && bits > 8) {
            out[s.rawValue] = measure(try s.quantizer(bits: bits, bucketSize: bucket))
        }
        if bits == 2 { out["terngrad"] = measure(try Scheme.terngrad.quantizer(bits: 2, bucketSize: bucket)) }
        let fit = try LevelFitting(samples: samples, bucketSize: bucket, maxSamples: 400_000, seed: seed)
        let s = LevelSet.levelCount(bits: bits) - 2
        if s >= 1 {
            let p = fit.amq(s: s)  // fitted once: AMQ's row and one of ALQ's starts
            let alq = fit.alqBest(interior: s, sweeps: 15, amqP: p)
            out["alq"] = measure(Quantizer(levels: try LevelFitting.floatLevels(alq), norm: .l2, bucketSize: bucket))
            out["amq"] = measure(
                Quantizer(
                    levels: try LevelFitting.floatLevels(LevelFitting.amqLevels(p: p, s: s)),
                    norm: .l2, bucketSize: bucket))
        }
        return out
    }

    func figure(title: String, x: [Double], series: [String: [Double]], xLabel: String, file: String) throws {
        var plot = SVGPlot(title: title, xLabel: xLabel, yLabel: "normalized variance (log)")
        plot.logY = true
        for s in Reproduce.schemes {
            guard let ys = series[s], ys.count == x.count, ys.contains(where: { $0.isFinite }) else { continue }
            plot.series.append(.init(label: s, x: x, y: ys, kind: .line))
        }
        try AtomicFile.write(plot.render(), to: out + "/" + file)
    }

    /// Test accuracy of data-parallel training on digits for each scheme × bits, with 4 and 8 workers.
    func accuracy(sink: ByteSink) throws -> [TextTable] {
        let (tr, te) = BundledData.digits.load().standardizedSplit(testFraction: 0.2, seed: seed)
        let bitsGrid = quick ? [3] : [2, 3, 4, 6]
        let workerGrid = quick ? [4] : [4, 8]
        let names: [CodecKind] = [.qsgd, .qsgdinf, .nuq, .alq]
        var tables: [TextTable] = []
        // the training runs: full precision, then every scheme × bits, per worker count
        let bar = ProgressBar(
            "quant reproduce", total: workerGrid.count * (1 + bitsGrid.count * names.count), quiet: quiet)
        defer { bar.finish() }
        try sink.write(
            "\n# Test accuracy on digits (MLP 64-32-10, SGD momentum 0.9, lr 0.1, 30 epochs, batch 32 per worker)\n")
        for w in workerGrid {
            var figSeries: [String: [Double]] = [:]
            let steps = Int((30.0 * Double(tr.count) / Double(w * 32)).rounded(.up))
            var config = TrainingConfig(steps: steps, batchSize: 32)
            config.seed = seed
            let base = TrainingSetup(
                model: { Sequential.mlp([64, 32, 10], seed: 1) },
                optimizer: { SGD(.constant(0.1), momentum: 0.9) })
            let full = try trainLocal(workers: w, train: tr, test: te, setup: base, config: config)[0]
            bar.advance(note: "\(w) workers, full precision")
            let title = "\(w) workers: full precision \(formatNumber(full.final!.testAccuracy!)) at 32 bits/coordinate"
            var table = TextTable(
                title: "Test accuracy on digits (bits per coordinate sent), \(title)",
                header: ["bits"] + names.map(\.rawValue),
                first: 6, rest: 24)
            bar.clear()
            try sink.write("\n## \(title)\n" + table.headerLine)
            for b in bitsGrid {
                var cells: [String] = []
                for n in names {
                    var setup = base
                    var codec = CodecSettings()
                    codec.bits = b
                    codec.adaptiveSchedule = [20, 200]  // a short run: refit early
                    if let make = try n.factory(codec, dimension: try setup.makeModel().parameterCount) {
                        setup.makeCodec = make
                    }
                    let r = try trainLocal(workers: w, train: tr, test: te, setup: setup, config: config)[0]
                    bar.advance(note: "\(w) workers, \(n.rawValue) \(b) bits")
                    let acc = r.final!.testAccuracy!
                    cells.append("\(formatNumber(acc)) (\(formatNumber(r.bitsPerCoordinate)) b)")
                    figSeries[n.rawValue, default: []].append(acc)
                }
                bar.clear()
                try sink.write(table.add(["\(b)"] + cells))
            }
            tables.append(table)
            figSeries["full precision"] = Array(repeating: full.final!.testAccuracy!, count: bitsGrid.count)
            var plot = SVGPlot(
                title: "Digits, \(w) workers: test accuracy vs bits", xLabel: "bits per coordinate budget",
                yLabel: "test accuracy")
            for k in names.map(\.rawValue) + ["full precision"] {
                plot.series.append(.init(label: k, x: bitsGrid.map(Double.init), y: figSeries[k]!))
            }
            try AtomicFile.write(plot.render(), to: out + "/accuracy-bits-\(w).svg")
        }
        return tables
    }

    func learnedLevels(sink: ByteSink, real: [Tensor]) throws -> TextTable {
        let fit = try LevelFitting(samples: real, bucketSize: 8192, maxSamples: 400_000, seed: seed)
        let p = fit.amq(s: 2)
        let alq = fit.alqBest(interior: 2, amqP: p)
        try sink.write("\n# Learned 3-bit levels on real gradients (magnitudes; a sign bit is sent apart)\n")
        let amq = LevelFitting.amqLevels(p: p, s: 2), nuq = [0, 0.25, 0.5, 1.0]
        // text: the levels joined by two spaces, then the variance (one table for the page)
        var table = TextTable(
            title: "Learned 3-bit levels on real gradients (paper, ResNet-32 on CIFAR-10: ALQ 0.0046 0.0178 0.126 1; "
                + "AMQ p≈0.232)", header: ["scheme", "levels", "variance"], widths: [nil, nil, nil])
        for (name, levels) in [("ALQ      ", alq), ("AMQ p=\(formatNumber(p))  ", amq), ("NUQSGD   ", nuq)] {
            let cells = [name, levels.map(formatNumber).joined(separator: "  "), formatNumber(fit.objective(levels))]
            table.add(cells)
            try sink.write(cells[0] + cells[1] + "   variance " + cells[2] + "\n")
        }
        try sink.write("(paper, ResNet-32 on CIFAR-10: ALQ 0.0046 0.0178 0.126 1; AMQ p≈0.232)\n")
        return table
    }
}

#if canImport(Glibc)
    import Glibc
#endif
