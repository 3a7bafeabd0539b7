import Kernel
import Learn

/// Real gradients for fitting and measuring quantizers: minibatch gradients of an MLP on a data set, taken
/// every `every` steps while the model trains with plain SGD (the gradients a quantized run would send).
public enum GradientSamples {
    public static func mlp(
        _ data: Dataset, hidden: [Int] = [32], batch: Int = 32, samples: Int = 10, every: Int = 20,
        lr: Float = 0.1, seed: UInt64 = 0
    ) throws(FjordError) -> [Tensor] {
        let model = Sequential.mlp([data.dimension] + hidden + [data.classes], seed: seed)
        var opt = SGD(.constant(lr))
        var rng = RNG(seed: seed, stream: 0x6AD)
        var out: [Tensor] = []
        var step = 0
        while out.count < samples {
            let idx = (0..<batch).map { _ in rng.int(below: data.count) }
            let (x, y) = data.batch(idx)
            model.zeroGradients()
            let loss = try softmaxCrossEntropy(logits: model.forward(x), labels: y)
            model.backward(loss.gradient, inputGradient: false)
            if step % every == 0 { out.append(Tensor(model.gradientBuffer.map { $0 })) }
            opt.step(model.parameterBuffer, UnsafeBufferPointer(model.gradientBuffer))
            step += 1
        }
        return out
    }
}
