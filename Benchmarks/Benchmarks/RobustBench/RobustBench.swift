import Benchmark
import Exchange
import Kernel
import RobustAgg

/// Aggregation rules on (n, d) stacks, compared with a plain mean over the same stack (the memory-pass ceiling)
/// and, in Tools/bench/robust-peers.py, with numpy and byzfl on identical inputs.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(3), maxIterations: 100)
    for n in [12, 64] {
        let d = 1_000_000
        var g = RNG(seed: 1)
        let x = g.tensor([n, d])
        let f = n == 12 ? 2 : 10
        let rules: [(String, any AggregationRule)] = [
            ("mean", MeanRule()), ("median", MedianRule()), ("trimmed-mean", TrimmedMeanRule(trim: f)),
            ("krum", KrumRule(f: f)), ("geomed (T≤100, tol 1e-6)", GeometricMedianRule()),
        ]
        // the same rows moved far from the origin (1000 + noise): Krum's float Gram would cancel, so it falls back
        // to distances from differences in double
        let far = Tensor(shape: x.shape, values: x.scalars.map { $0 + 1000 })
        // both cores: columns split across threads (same bytes as one thread)
        let threaded: [(String, any AggregationRule)] = [
            ("median, 2 threads", MedianRule(threads: 2)),
            ("trimmed-mean, 2 threads", TrimmedMeanRule(trim: f, threads: 2)),
            ("geomed, 2 threads", GeometricMedianRule(threads: 2)),
        ]
        for (name, rule, stack) in (rules + threaded).map({ ($0.0, $0.1, x) }) + [
            ("krum, rows far from the origin (exact distances)", KrumRule(f: f), far)
        ] {
            Benchmark("\(name), n=\(n), d=1e6") { bench in
                var r = rule
                var rng = RNG(seed: 0)
                for _ in bench.scaledIterations { blackHole(try! r.aggregate(stack, rng: &rng)) }
            }
        }
    }
}
