import Kernel

/// Real gradients for fitting and measuring quantizers: minibatch gradients of an MLP on a data set, taken
/// every `every` steps while the model trains with plain SGD (the gradients a quantized run would send).
public enum GradientSamples {
    /// The first `samples` gradients, collected.
    public static func mlp(
        _ data: Dataset, hidden: [Int] = [32], batch: Int = 32, samples: Int = 10, every: Int = 20,
        lr: Float = 0.1, seed: UInt64 = 0
    ) throws(FjordError) -> [Tensor] {
        var out: [Tensor] = []
        try mlp(data, hidden: hidden, batch: batch, samples: samples, every: every, lr: lr, seed: seed) {
            (g) throws(FjordError) in out.append(g)
        }
        return out
    }

    /// The same gradients handed to `each` one at a time as they are made (a stream needs no memory per sample).
    public static func mlp(
        _ data: Dataset, hidden: [Int] = [32], batch: Int = 32, samples: Int, every: Int = 20,
        lr: Float = 0.1, seed: UInt64 = 0, each: (Tensor) throws(FjordError) -> Void
    ) throws(FjordError) {
        let model = Sequential.mlp([data.dimension] + hidden + [data.classes], seed: seed)
        var opt = SGD(.constant(lr))
        var rng = RNG(seed: seed, stream: 0x6AD)
        var made = 0
        var step = 0
        while made < samples {
            let idx = (0..<batch).map { _ in rng.int(below: data.count) }
            let (x, y) = data.batch(idx)
            model.zeroGradients()
            let loss = try softmaxCrossEntropy(logits: model.forward(x), labels: y)
            _ = model.backward(loss.gradient, inputGradient: false)
            if step % every == 0 {
                try each(Tensor(model.gradientBuffer.map { $0 }))
                made += 1
            }
            opt.step(model.parameterBuffer, UnsafeBufferPointer(model.gradientBuffer))
            step += 1
        }
    }
}
