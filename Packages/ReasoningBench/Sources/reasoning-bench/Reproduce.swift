import ArgumentParser
import FjordCLI
import Foundation
import Kernel
import ReasoningBench

struct Reproduce: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "The paper grid on four simulated models: generate, solve, simulate, analyze, check the decomposition.",
        discussion: """
            Generates the CogniLoad grid (140 points × --count), checks that the exact solver scores 100%, answers with the \
            four simulated presets, analyzes the results and tests whether the decomposition recovers each model's \
            configured completion rate C, conditional accuracy Q, overhead α and coupling κ inside its 95% interval. \
            Writes into --out: puzzles.jsonl, results.jsonl, report.txt, report.json, recovery.txt and the SVG figures.
            Example: reasoning-bench reproduce --count 10 --out out/reasoning
            """)

    @Option(help: "Instances per grid point.") var count = 10
    @Option(help: "Output directory.") var out = "out/reasoning-bench"
    @Option(help: "Base seed.") var seed: UInt64 = 42
    @Option(help: "Bootstrap resamples for the regressions.") var fitResamples = 200

    func run() throws {
        try runTool("reasoning-bench reproduce") {
            guard count >= 1 else { throw FjordError.usage("--count must be ≥ 1") }
            try makeDirectory(out)
            var t0 = DispatchTime.now().uptimeNanoseconds
            var instances: [Record] = []
            var puzzles: [Puzzle] = []
            for p in PuzzleParameters.paperGrid {
                for i in 0..<count {
                    let z = try Generator.generate(p, baseSeed: seed, index: i)
                    puzzles.append(z)
                    instances.append(Record(puzzle: z, index: i, includePrompt: false))
                }
            }
            let genSeconds = seconds(since: t0)
            var solved = 0
            for z in puzzles where try Solver.solve(z.prompt()).value == z.gold { solved += 1 }
            var log =
                "generated \(puzzles.count) puzzles (paper grid × \(count)) in \(NumberFormat.fixed(genSeconds, 2)) s; "
                + "exact solver: \(solved)/\(puzzles.count) correct\n"
            try AtomicFile.write(RecordFile.jsonl(instances), to: out + "/puzzles.jsonl")

            t0 = DispatchTime.now().uptimeNanoseconds
            var results: [Record] = []
            for m in SimulatedModel.presets {
                for r in instances { results.append(try simulated(r, model: m)) }
            }
            log +=
                "simulated \(SimulatedModel.presets.count) models in \(NumberFormat.fixed(seconds(since: t0), 2)) s\n"
            try AtomicFile.write(RecordFile.jsonl(results), to: out + "/results.jsonl")

            t0 = DispatchTime.now().uptimeNanoseconds
            var o = Analysis.Options()
            o.fitResamples = fitResamples
            let groups = Analysis.byModel(results)
            var summaries: [ModelSummary] = []
            for (m, rs) in groups { summaries.append(try Analysis.summarize(model: m, rs, options: o)) }
            let c = Comparison(summaries)
            log += "analyzed \(results.count) records in \(NumberFormat.fixed(seconds(since: t0), 2)) s\n"
            try AtomicFile.write(c.text, to: out + "/report.txt")
            try AtomicFile.write(c.json.serialized + "\n", to: out + "/report.json")
            try writeFigures(c, groups, to: out)

            let recovery = recoveryTable(c, groups)
            try AtomicFile.write(recovery.text, to: out + "/recovery.txt")
            try AtomicFile.write(recovery.table.html + (c.rankingTable?.html ?? ""), to: out + "/tables.html")
            try writeStdout(log + "\n" + recovery.text + "\n" + c.text)
        }
    }

    /// Configured against recovered parameters, per model.
    func recoveryTable(_ c: Comparison, _ groups: [(String, [Record])]) -> (text: String, table: TextTable) {
        var table = TextTable(
            title: "Recovery of the configured parameters (95% bootstrap intervals)",
            header: ["model", "quantity", "configured", "recovered [interval]", "inside"],
            widths: [14, 28, 12, 28, nil])
        var o = "Recovery of the configured parameters (95% bootstrap intervals):\n"
        o += table.headerLine
        var inside = 0, total = 0
        for m in c.models {
            guard let cfg = SimulatedModel.presets.first(where: { $0.name == m.model }),
                let rs = groups.first(where: { $0.0 == m.model })?.1
            else { continue }
            let pc = rs.map { cfg.completionProbability(workload: $0.workload) }
            let pq = rs.map { cfg.conditionalAccuracy($0.parameters) }
            let expectedC = pc.reduce(0, +) / Double(rs.count)
            let expectedQ = zip(pc, pq).map(*).reduce(0, +) / pc.reduce(0, +)
            let checks: [(String, Double, Estimate)] = [
                ("completion C", expectedC, m.completion), ("conditional accuracy Q", expectedQ, m.conditionalAccuracy),
                ("overhead α", cfg.overhead, m.alpha), ("coupling κ (Tobit)", cfg.coupling, m.coupling),
            ]
            for (name, truth, e) in checks {
                // A degenerate interval (every resample equal, e.g. C = 1) holds the truth up to half a count.
                let ok = e.contains(truth) || abs(truth - e.value) < 0.5 / Double(rs.count)
                total += 1
                if ok { inside += 1 }
                o += table.add([m.model, name, NumberFormat.fixed(truth, 3), interval(e), ok ? "yes" : "NO"])
            }
            let olsOK = m.couplingOLS.contains(cfg.coupling)
            o += table.add([
                m.model, "coupling κ (OLS, completed)", NumberFormat.fixed(cfg.coupling, 3), interval(m.couplingOLS),
                olsOK ? "yes" : "no (censoring bias)",
            ])
        }
        let summary =
            "\(inside)/\(total) configured values inside their intervals (at 95%, about one miss in 20 is expected)."
        table.title += ": " + summary
        return (o + summary + "\n", table)
    }

    func interval(_ e: Estimate) -> String {
        let lo = NumberFormat.fixed(e.lo, 3), hi = NumberFormat.fixed(e.hi, 3)
        return NumberFormat.fixed(e.value, 3) + " [" + lo + ", " + hi + "]"
    }

    func seconds(since t0: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9 }
}
