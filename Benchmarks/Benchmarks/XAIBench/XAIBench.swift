import Benchmark
import Kernel
import XAI

/// Every explainability metric over 10⁵ explanations of length 64 (research/xai.md's speed goal), one thread;
/// Tools/bench/xai-metrics.py times the scikit-learn, numpy and ferret-xai versions of the same formulas on the
/// same shapes. Inputs: a random span of 1–8 true tokens per explanation, scores uniform + 0.5 on true tokens.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(3), maxIterations: 20)
    let n = 100_000, l = 64
    var g = RNG(seed: 7)
    var rows: [([UInt8], [Float])] = []
    rows.reserveCapacity(n)
    for _ in 0..<n {
        var t = [UInt8](repeating: 0, count: l)
        let k = 1 + g.int(below: 8), s = g.int(below: l - k + 1)
        for j in s..<(s + k) { t[j] = 1 }
        rows.append((t, (0..<l).map { Float(g.uniformDouble()) + 0.5 * Float(t[$0]) }))
    }
    var e = Explanations()
    for (t, s) in rows { try! e.append(truth: t, scores: s) }
    let ex = e
    Benchmark("top-5 hard rationales (Explanations.append), 1e5 x 64") { bench in
        for _ in bench.scaledIterations {
            var f = Explanations()
            for (t, s) in rows { try! f.append(truth: t, scores: s) }
            blackHole(f)
        }
    }
    Benchmark("token F1, 1e5 x 64") { bench in for _ in bench.scaledIterations { blackHole(Plausibility.tokenF1(ex)) } }
    Benchmark("token IoU, 1e5 x 64") { bench in
        for _ in bench.scaledIterations { blackHole(Plausibility.tokenIoU(ex)) }
    }
    Benchmark("IOU F1 (spans, IoU >= 0.5), 1e5 x 64") { bench in
        for _ in bench.scaledIterations { blackHole(Plausibility.iouF1(ex)) }
    }
    Benchmark("AUPRC + average precision + ROC AUC, 1e5 x 64") { bench in
        for _ in bench.scaledIterations { blackHole(Plausibility.soft(ex)) }
    }
    // bias: 1e5 posts, 10 communities, a post names one community with probability 0.6
    var toxic: [Bool] = [], groups = [UInt8](repeating: 0, count: n * 10), p: [Float] = []
    for i in 0..<n {
        let y = g.uniformDouble() < 0.5
        toxic.append(y)
        if g.uniformDouble() < 0.6 { groups[i * 10 + g.int(below: 10)] = 1 }
        p.append(Float(min(1, max(0, g.uniformDouble() * 0.6 + (y ? 0.4 : 0)))))
    }
    let (tx, gr, pr) = (toxic, groups, p)
    Benchmark("bias AUCs (subgroup, BPSN, BNSP, 10 communities), 1e5 posts") { bench in
        for _ in bench.scaledIterations {
            blackHole(try! BiasAUC.compute(scores: pr, toxic: tx, groups: gr, groupCount: 10))
        }
    }
    let full = (0..<n).map { _ in 0.5 + 0.5 * g.uniformDouble() }
    let without = full.map { $0 * g.uniformDouble() }, only = full.map { $0 * g.uniformDouble() }
    let bins = (0..<(n * 5)).map { _ in g.uniformDouble() }  // n × 5, row-major
    Benchmark("comprehensiveness, sufficiency, AOPC (5 bins) from probabilities, 1e5") { bench in
        for _ in bench.scaledIterations {
            blackHole(
                try! Faithfulness.score(
                    full: full, without: without, only: only, bins: 5, binWithout: bins, binOnly: bins))
        }
    }
}
