import Benchmark
import Kernel
import ReasoningBench

/// Puzzle generation at the largest grid point, the exact solver, and the analysis of many records.
/// The goals: ≥ 5,000 puzzles per second on one core at N = 250, d = 10; 10^5 records analysed in seconds.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        maxDuration: .seconds(3), maxIterations: 1000)
    let big = try! PuzzleParameters(N: 250, d: 10, rho: 50)
    Benchmark("generate N=250 d=10 ρ=50 (structure)", configuration: .init(scalingFactor: .kilo)) { bench in
        for i in bench.scaledIterations { blackHole(try! Generator.generate(big, baseSeed: 1, index: i)) }
    }
    Benchmark("generate N=250 d=10 ρ=50 (structure + prompt text)", configuration: .init(scalingFactor: .kilo)) {
        bench in
        for i in bench.scaledIterations { blackHole(try! Generator.generate(big, baseSeed: 1, index: i).promptBytes()) }
    }
    let prompts = (0..<100).map { try! Generator.generate(big, baseSeed: 2, index: $0).prompt() }
    Benchmark("exact solver on the prompt text, N=250 d=10") { bench in
        for i in bench.scaledIterations { blackHole(try! Solver.solve(prompts[i % prompts.count])) }
    }
    // 10^5 simulated records over the paper grid (without prompts, as `run` writes them).
    var records: [Record] = []
    let model = SimulatedModel.presets[1]
    for p in PuzzleParameters.paperGrid {
        for i in 0..<715 where records.count < 100_000 {
            let z = try! Generator.generate(p, baseSeed: 3, index: i)
            var r = Record(puzzle: z, index: i, includePrompt: false)
            let out = model.respond(to: z)
            r.model = model.name
            r.completion = out.completion
            r.finishReason = out.finishReason
            r.completionTokens = out.tokens
            records.append(r)
        }
    }
    let bytes = Array(records.map { $0.line + "\n" }.joined().utf8)
    Benchmark("parse + analyze 10^5 records (no trace measures)", configuration: .init(maxIterations: 3)) { bench in
        for _ in bench.scaledIterations {
            let rs = try! RecordFile.parse(bytes, name: "bench")
            var o = Analysis.Options()
            o.traces = false
            blackHole(try! Analysis.summarize(model: model.name, rs, options: o))
        }
    }
}
