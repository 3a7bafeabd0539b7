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
            fitted to those gradients, for 2–8 bits and buckets 64–32768, against the bit budget and against the bits \
            one encoded message actually costs; then test accuracy on MNIST-1D (40-point signals, 4000 training \
            examples) of 4 and 12 simulated workers training a 40-100-100-10 MLP with each scheme and bit width, \
            mean ± 95% t interval over --seeds seeds (the data fixed; initialization, batches and rounding per seed); \
            then, with 4 workers, signSGD with and without error feedback, top-k, TernGrad with and without 2.5σ \
            clipping and error feedback around NUQSGD and QSGD; then the learned 3-bit levels. Tables on stdout; SVG figures into --out. Takes about three minutes in a \
            release build on 2 cores.
            Example: quant reproduce --out figures/
            """)

    @Option(help: ArgumentHelp("Folder for the SVG figures.", valueName: "DIR")) var out = "."
    @Option(help: "Seed.") var seed: UInt64 = 0
    @Option(help: "Seeds per accuracy cell (at least 2 for an interval).") var seeds = 5
    @Option(help: "Epochs of every accuracy run.") var epochs = 20
    @Flag(help: "A smaller grid (for tests).") var quick = false
    @Flag(help: "No progress bar on a terminal.") var quiet = false

    func validate() throws {
        if seeds < 1 || seeds > 100 { throw ValidationError("--seeds must be between 1 and 100, not \(seeds)") }
        if epochs < 1 || epochs > 10000 { throw ValidationError("--epochs must be between 1 and 10000, not \(epochs)") }
    }

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
                var series = [String: [Double]](), sent = [String: [Double]]()
                for b in bitsGrid {
                    let row = try variances(samples, bits: b, bucket: 8192)
                    for s in Reproduce.schemes {
                        series[s, default: []].append(row[s]?.variance ?? .nan)
                        sent[s, default: []].append(row[s]?.bits ?? .nan)
                    }
                    try sink.write(
                        table.add(["\(b)"] + Reproduce.schemes.map { row[$0].map { formatNumber($0.variance) } ?? "-" })
                    )
                }
                tables.append(table)
                try figure(
                    title: k == 0 ? "Real gradients: variance vs bits" : "Heavy-tailed: variance vs bits",
                    x: bitsGrid.map(Double.init),
                    series: series, xLabel: "bits per coordinate budget",
                    file: k == 0 ? "variance-bits-real.svg" : "variance-bits-heavy.svg")
                try figure(
                    title: k == 0 ? "Real gradients: variance vs bits sent" : "Heavy-tailed: variance vs bits sent",
                    x: nil, xs: sent, series: series, xLabel: "bits per coordinate one encoded message costs",
                    file: k == 0 ? "variance-sent-real.svg" : "variance-sent-heavy.svg")
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
                for s in Reproduce.schemes { bseries[s, default: []].append(row[s]?.variance ?? .nan) }
                try sink.write(
                    byBucket.add(["\(bk)"] + Reproduce.schemes.map { row[$0].map { formatNumber($0.variance) } ?? "-" })
                )
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

    /// Exact normalized variance of every scheme on the samples (pooled), ALQ/AMQ fitted to the same samples, and
    /// the bits per coordinate of one encoded message of each sample (pooled).
    func variances(_ samples: [Tensor], bits: Int, bucket: Int) throws -> [String: (variance: Double, bits: Double)] {
        var out: [String: (variance: Double, bits: Double)] = [:]
        func measure(_ q: Quantizer) throws -> (variance: Double, bits: Double) {
            var v = 0.0, n = 0.0, sent = 0, d = 0
            for (k, t) in samples.enumerated() {
                let e = t.withUnsafeBufferPointer { q.exactVariance($0) }
                v += e.variance
                n += e.norm2
                let message = EncodedGradient(
                    quantizer: q, shape: [t.count], quantized: try q.quantize(t, seed: seed, stream: UInt64(k)))
                sent += 8 * message.encoded().count
                d += t.count
            }
            return (v / n, Double(sent) / Double(d))
        }
        for s in [Scheme.qsgd, .qsgdinf, .nuq] where !(s == .nuq && bits > 8) {
            out[s.rawValue] = try measure(try s.quantizer(bits: bits, bucketSize: bucket))
        }
        if bits == 2 { out["terngrad"] = try measure(try Scheme.terngrad.quantizer(bits: 2, bucketSize: bucket)) }
        let fit = try LevelFitting(samples: samples, bucketSize: bucket, maxSamples: 400_000, seed: seed)
        let s = LevelSet.levelCount(bits: bits) - 2
        if s >= 1 {
            let p = fit.amq(s: s)  // fitted once: AMQ's row and one of ALQ's starts
            let alq = fit.alqBest(interior: s, sweeps: 15, amqP: p)
            out["alq"] = try measure(
                Quantizer(levels: try LevelFitting.floatLevels(alq), norm: .l2, bucketSize: bucket))
            out["amq"] = try measure(
                Quantizer(
                    levels: try LevelFitting.floatLevels(LevelFitting.amqLevels(p: p, s: s)),
                    norm: .l2, bucketSize: bucket))
        }
        return out
    }

    /// One variance figure: every scheme's series against the shared `x`, or against its own x in `xs`.
    func figure(
        title: String, x: [Double]?, xs: [String: [Double]] = [:], series: [String: [Double]], xLabel: String,
        file: String
    ) throws {
        var plot = SVGPlot(title: title, xLabel: xLabel, yLabel: "normalized variance (log)")
        plot.logY = true
        for s in Reproduce.schemes {
            guard let ys = series[s], let x = x ?? xs[s], ys.count == x.count else { continue }
            let kept = zip(x, ys).filter { $0.0.isFinite && $0.1.isFinite }
            guard !kept.isEmpty else { continue }
            plot.series.append(
                .init(label: s, x: kept.map(\.0), y: kept.map(\.1), kind: kept.count == 1 ? .scatter : .line))
        }
        try AtomicFile.write(plot.render(), to: out + "/" + file)
    }

    /// Test accuracy of data-parallel training on MNIST-1D for each scheme × bits, with 4 and 12 workers, over
    /// seeds: the data set fixed, the model's initialization, the batches and the stochastic rounding per seed.
    /// Every worker count sees the same number of examples (`epochs` passes), so 12 workers take a third of the
    /// steps of 4 with three times the examples per step, and the learning rate scales with the batch (0.05 per 4
    /// workers: Goyal et al.'s linear scaling rule).
    func accuracy(sink: ByteSink) throws -> [TextTable] {
        let (tr, te) = MNIST1D.dataset(samples: quick ? 1000 : 5000, seed: 0).split(testFraction: 0.2, seed: 0)
        let bitsGrid = quick ? [3] : [2, 3, 4]
        let workerGrid = quick ? [4] : [4, 12]
        let names: [CodecKind] = [.qsgd, .qsgdinf, .nuq, .alq]
        let runs = quick ? 2 : seeds, passes = quick ? 2 : epochs
        // the wrappers and the biased codecs, 4 workers: (label, codec, bits, error feedback, clip)
        let wrapped: [(String, CodecKind, Int, Bool, Double?)] =
            quick
            ? [("signSGD", .signsgd, 4, false, nil), ("EF-signSGD", .efSignsgd, 4, false, nil)]
            : [
                ("signSGD", .signsgd, 4, false, nil), ("EF-signSGD", .efSignsgd, 4, false, nil),
                ("top-k 1 % (with EF)", .topk, 4, false, nil), ("TernGrad", .terngrad, 2, false, nil),
                ("TernGrad, clip 2.5σ", .terngrad, 2, false, 2.5), ("NUQSGD 4 bits + EF", .nuq, 4, true, nil),
                // error feedback needs a contraction, E‖C(x) − x‖² < ‖x‖²: QSGD's variance at 4 bits is about 6‖x‖²
                ("QSGD 4 bits + EF", .qsgd, 4, true, nil),
            ]
        var tables: [TextTable] = []
        let bar = ProgressBar(
            "quant reproduce", total: (workerGrid.count * (1 + bitsGrid.count * names.count) + wrapped.count) * runs,
            quiet: quiet)
        defer { bar.finish() }
        try sink.write(
            "\n# Test accuracy on MNIST-1D (\(tr.count) training, \(te.count) test examples; MLP 40-100-100-10, SGD "
                + "momentum 0.9, lr 0.05 per 4 workers, \(passes) epochs, batch 32 per worker; mean ± 95% t interval "
                + "over \(runs) seeds; in brackets the bits per coordinate actually sent; at 2 bits QSGD, NUQSGD and "
                + "ALQ all have the levels {0, 1})\n")
        for w in workerGrid {
            let steps = Int((Double(passes) * Double(tr.count) / Double(w * 32)).rounded(.up))
            let lr = 0.05 * Float(w) / 4
            /// Every seed's test accuracy and bits per coordinate (nil: that seed diverged).
            func train(
                _ kind: CodecKind?, bits: Int, feedback: Bool = false, clip: Double? = nil
            ) throws -> [(accuracy: Double, bits: Double)?] {
                try (0..<runs).map { k in
                    let runSeed = seed &+ UInt64(k)
                    var config = TrainingConfig(steps: steps, batchSize: 32)
                    config.seed = runSeed
                    var setup = TrainingSetup(
                        model: { Sequential.mlp([40, 100, 100, 10], seed: runSeed &+ 1) },
                        optimizer: { SGD(.constant(lr), momentum: 0.9) })
                    if let kind {
                        var codec = CodecSettings()
                        codec.bits = bits
                        codec.adaptiveSchedule = [20, 200]  // a short run: refit early
                        (codec.errorFeedback, codec.clip) = (feedback, clip)
                        let model = try setup.makeModel()
                        if let make = try kind.factory(
                            codec, dimension: model.parameterCount,
                            blocks: model.views.map { (offset: $0.offset, count: $0.count) })
                        {
                            setup.makeCodec = make
                        }
                    }
                    defer { bar.advance(note: "\(w) workers, \(kind?.rawValue ?? "full precision") \(bits) bits") }
                    // a run driven to NaN (the codec refuses a non-finite gradient) is reported, not fatal
                    guard let r = try? trainLocal(workers: w, train: tr, test: te, setup: setup, config: config)[0],
                        let acc = r.final?.testAccuracy, acc.isFinite
                    else { return nil }
                    return (acc, r.bitsPerCoordinate)
                }
            }
            func cell(_ r: [(accuracy: Double, bits: Double)?]) -> String {
                let ok = r.compactMap { $0 }
                if ok.count < r.count { return "diverged in \(r.count - ok.count) of \(r.count)" }
                let sent = ok.map(\.bits).reduce(0, +) / Double(ok.count)
                return NumberFormat.interval(ok.map(\.accuracy), 3) + " (\(NumberFormat.fixed(sent, 2)) b)"
            }
            let full = try train(nil, bits: 32)
            let title =
                "\(w) workers, \(steps) steps, lr \(NumberFormat.rounded(Double(lr), 3)): full precision \(cell(full))"
            var table = TextTable(
                title: "Test accuracy on MNIST-1D, \(title)", header: ["bits"] + names.map(\.rawValue), first: 6,
                rest: 26)
            bar.clear()
            try sink.write("\n## \(title)\n" + table.headerLine)
            var plot = SVGPlot(
                title: "MNIST-1D, \(w) workers: accuracy vs bits sent",
                xLabel: "bits per coordinate actually sent", yLabel: "test accuracy")
            var points = [String: [(x: Double, y: Double, half: Double)]]()
            for b in bitsGrid {
                var cells: [String] = []
                for n in names {
                    let r = try train(n, bits: b)
                    cells.append(cell(r))
                    let ok = r.compactMap { $0 }
                    if ok.count == r.count {
                        let (mean, half) = Inference.meanInterval(ok.map(\.accuracy))
                        let x = ok.map(\.bits).reduce(0, +) / Double(ok.count)
                        points[n.rawValue, default: []].append((x, mean, half.isFinite ? half : 0))
                    }
                }
                bar.clear()
                try sink.write(table.add(["\(b)"] + cells))
            }
            tables.append(table)
            for n in names.map(\.rawValue) {
                guard let p = points[n] else { continue }
                plot.series.append(.init(label: n, x: p.map(\.x), y: p.map(\.y), yError: p.map(\.half)))
            }
            let xs = points.values.flatMap { $0.map(\.x) }
            if let lo = xs.min(), let hi = xs.max(), let f = full.compactMap({ $0 }).first,
                full.allSatisfy({ $0 != nil })
            {
                let mean = Inference.meanInterval(full.compactMap { $0?.accuracy }).mean
                plot.series.append(
                    .init(
                        label: "full precision (\(NumberFormat.fixed(f.bits, 0)) bits)", x: [lo, hi], y: [mean, mean]))
            }
            try AtomicFile.write(plot.render(), to: out + "/accuracy-bits-\(w).svg")
            guard w == workerGrid[0] else { continue }
            // error feedback and clipping around codecs, and the biased ones (the same runs, one table)
            var wrappers = TextTable(
                title: "Test accuracy on MNIST-1D, \(w) workers: biased codecs, error feedback, clipping (full "
                    + "precision \(cell(full)))", header: ["codec", "accuracy (bits sent)"], first: 22, rest: 26)
            bar.clear()
            try sink.write("\n## \(w) workers: biased codecs, error feedback, clipping\n" + wrappers.headerLine)
            for (label, kind, bits, feedback, clip) in wrapped {
                let r = try train(kind, bits: bits, feedback: feedback, clip: clip)
                bar.clear()
                try sink.write(wrappers.add([label, cell(r)]))
            }
            tables.append(wrappers)
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
