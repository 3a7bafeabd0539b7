import Benchmark
import Kernel
import Learn

/// One training step (forward, softmax cross-entropy, backward, SGD update) of MLPs, to compare per step
/// with PyTorch on the same model and batch (Tools/bench/train-step.py).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        maxDuration: .seconds(3), maxIterations: 5000)
    for (sizes, batch) in [([64, 32, 10], 32), ([784, 512, 512, 10], 128)] {
        let model = Sequential.mlp(sizes, seed: 1)
        var rng = RNG(seed: 2)
        let x = rng.tensor([batch, sizes[0]])
        let y = (0..<batch).map { Int32($0 % 10) }
        var opt = SGD(.constant(0.01))
        Benchmark("train step MLP \(sizes.map(String.init).joined(separator: "-")), batch \(batch)") { bench in
            for _ in bench.scaledIterations {
                model.zeroGradients()
                let loss = try! softmaxCrossEntropy(logits: model.forward(x), labels: y)
                model.backward(loss.gradient, inputGradient: false)
                opt.step(model.parameterBuffer, UnsafeBufferPointer(model.gradientBuffer))
            }
        }
    }
}
