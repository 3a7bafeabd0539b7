import ArgumentParser
import Exchange
import FjordCLI
import Foundation
import Kernel
import Learn

struct Overparam: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Teacher–student shallow networks: training loss against width m = n^a (subquadratic overparameterization).",
        discussion: """
            A teacher Linear(d, 32)–GELU–Linear(32, 10) labels n Gaussian inputs x ~ N(0, I_d) (one-hot of its argmax); a \
            student Linear(d, m)–GELU–Linear(m, 10) with standard (PyTorch-default uniform) initialisation is trained on \
            them with MSE by full-batch gradient descent, all layers (Song et al., NeurIPS 2021). For each n in --n and a in \
            --exponents, m = round(n^a): the final training loss and the first step at which it is ≤ 1e-3. Runs with \
            n·m above --max-work are skipped (m = n² at n = 4096 is 10⁹ parameters: beyond this machine), and say so. \
            Through Learn's training loop on one worker. Run by hand: minutes.
            Example: vi-opt overparam --n 256,1024 --steps 1000
            """)

    @Option(help: "Sample counts n, comma-separated.") var n = "256,1024,4096"
    @Option(help: "Width exponents a (m = n^a), comma-separated.") var exponents = "0.5,1,1.5,2"
    @Option(help: "Input dimension d.") var dimension = 32
    @Option(help: "Gradient-descent steps.") var steps = 1000
    @Option(help: "Step size.") var lr: Float = 0.2
    @Option(help: "Largest n·m to run.") var maxWork = 1 << 22
    @Option(help: "Seed.") var seed: UInt64 = 0

    func run() throws {
        try runTool("vi-opt overparam") {
            let ns = try ListParse.doubles(n, option: "--n").map { Int($0) }
            let exps = try ListParse.doubles(exponents, option: "--exponents")
            guard ns.allSatisfy({ $0 >= 2 && $0 <= 1 << 20 }), dimension >= 1, steps >= 1, lr > 0, lr.isFinite else {
                throw FjordError.usage("need 2 ≤ n ≤ 2^20, --dimension ≥ 1, --steps ≥ 1, --lr > 0")
            }
            var table = TextTable(
                header: ["n", "a", "m = n^a", "parameters", "final loss", "steps to 1e-3", "seconds"],
                widths: [8, 6, 10, 12, 14, 16, nil])
            for count in ns {
                var rng = RNG(seed: seed)
                var xs = [Float](repeating: 0, count: count * dimension)
                for i in xs.indices { xs[i] = rng.normal() }
                let inputs = Tensor(shape: [count, dimension], values: xs)
                let teacher = Sequential(
                    [Linear(dimension, 32, init: .he), Activation(.gelu), Linear(32, 10, init: .he)],
                    seed: seed ^ 0x7EAC)
                let logits = teacher.forward(inputs)
                var targets = [Float](repeating: 0, count: count * 10)
                let scores = logits.scalars
                for i in 0..<count {
                    var best = 0
                    for k in 1..<10 where scores[i * 10 + k] > scores[i * 10 + best] { best = k }
                    targets[i * 10 + best] = 1
                }
                let target = Tensor(shape: [count, 10], values: targets)
                for a in exps {
                    let m = max(1, Int(pow(Double(count), a).rounded()))
                    guard count * m <= maxWork else {
                        table.add([
                            String(count), JSON.format(a), String(m), "—", "skipped (n·m > --max-work)", "—", "—",
                        ])
                        continue
                    }
                    let student = Sequential(
                        [Linear(dimension, m), Activation(.gelu), Linear(m, 10)], seed: seed &+ UInt64(m))
                    let job = Job(student: student, inputs: inputs, targets: target)
                    let start = monotonicSeconds()
                    let (steps, lr, seed) = (self.steps, self.lr, self.seed)
                    do {
                        _ = try LocalCommunicator.run(workers: 1) { comm -> Int in
                            try job.train(comm, steps: steps, lr: lr, seed: seed)
                            return 0
                        }
                    } catch {
                        table.add([
                            String(count), JSON.format(a), String(m), String(student.parameterCount),
                            "diverged at step \(job.losses.count + 1) (lower --lr)", "—", "—",
                        ])
                        continue
                    }
                    let losses = job.losses
                    let hit = losses.firstIndex { $0 <= 1e-3 }.map { String($0 + 1) } ?? "> \(steps)"
                    table.add([
                        String(count), JSON.format(a), String(m), String(student.parameterCount),
                        NumberFormat.significant(losses.last ?? .nan), hit,
                        NumberFormat.fixed(monotonicSeconds() - start, 1),
                    ])
                }
            }
            try writeStdout(table.text)
        }
    }
}

/// One student's full-batch run, handed to the training thread (which alone touches it until it returns).
final class Job: @unchecked Sendable {
    let student: Sequential
    let inputs: Tensor, targets: Tensor
    var losses: [Double] = []
    init(student: Sequential, inputs: Tensor, targets: Tensor) {
        self.student = student
        self.inputs = inputs
        self.targets = targets
    }

    func train(_ comm: any Communicator, steps: Int, lr: Float, seed: UInt64) throws {
        var objective = ModelObjective.meanSquaredError(student, inputs: inputs, targets: targets)
        var optimizer: any Optimizer = SGD(.constant(lr))
        var exchange = try ExchangeStep(workers: 1, dimension: student.parameterCount)
        var config = TrainingConfig(steps: steps, batchSize: inputs.shape[0])
        config.seed = seed
        _ = try trainLoop(
            comm, parameters: student.parameterBuffer, gradient: student.gradientBuffer, objective: &objective,
            optimizer: &optimizer, exchange: &exchange, config: config, progress: { [self] _, l in losses.append(l) },
            evaluate: { $0 })
    }
}
