import Kernel
import Testing

@testable import Learn

#if canImport(Glibc)
    import Glibc
#endif

/// Every layer's backward pass against central finite differences (relative error < 1e-3 in float32).
@Suite struct LayerGradientTests {
    @Test func linear() {
        let e = gradientCheck(Linear(5, 4), input: awayFromZero([3, 5], seed: 1))
        #expect(e.input < 1e-3 && e.parameters < 1e-3, "\(e)")
        // an extra leading axis
        let nb = gradientCheck(Linear(3, 2, bias: false), input: awayFromZero([2, 2, 3], seed: 2))
        #expect(nb.input < 1e-3 && nb.parameters < 1e-3, "\(nb)")
    }

    @Test(arguments: Activation.Kind.allCases)
    func activation(kind: Activation.Kind) {
        let e = gradientCheck(Activation(kind), input: awayFromZero([4, 6], seed: 3), eps: 1e-3)
        #expect(e.input < 1e-3, "\(kind): \(e)")
    }

    @Test func layerNorm() {
        let ln = LayerNorm(6)
        let model = Sequential([ln], seed: 0)
        // non-trivial γ, β so their gradients matter
        var rng = RNG(seed: 5)
        for i in 0..<12 { model.parameterBuffer[i] = 1 + 0.5 * rng.normal() }
        let e = gradientCheck(ln, input: awayFromZero([3, 6], seed: 4), eps: 1e-2)
        #expect(e.input < 1e-3 && e.parameters < 1e-3, "\(e)")
    }

    @Test(arguments: [(3, 1, 0), (3, 2, 1), (1, 1, 0), (4, 3, 2)])
    func conv1d(kernel: Int, stride: Int, padding: Int) {
        let e = gradientCheck(
            Conv1D(3, 4, kernel: kernel, stride: stride, padding: padding), input: awayFromZero([2, 7, 3], seed: 8))
        #expect(e.input < 1e-3 && e.parameters < 1e-3, "k \(kernel) s \(stride) p \(padding): \(e)")
        // through a CNN with reshapes, as MNIST-1D uses it
        let cnn = Sequential(
            [
                Reshape([9, 1]), Conv1D(1, 3, kernel: 3, stride: 2, padding: 1), Activation(.tanh), Reshape([15]),
                Linear(15, 2),
            ], seed: 3)
        let c = gradientCheck(model: cnn, input: awayFromZero([2, 9], seed: 9))
        #expect(c.input < 1e-3 && c.parameters < 1e-3, "cnn: \(c)")
    }

    /// Cross-correlation by hand: kernel [1, −1] (a difference), padding 1, stride 2, bias 0.5.
    @Test func conv1dClosedForm() {
        let conv = Conv1D(1, 1, kernel: 2, stride: 2, padding: 1)
        let model = Sequential([conv], seed: 0)
        _ = model.parameterBuffer.update(fromContentsOf: [1, -1, 0.5] as [Float])
        let y = model.forward(Tensor(shape: [1, 5, 1], values: [1, 2, 4, 8, 16]))
        // windows (0, 1), (2, 4), (8, 16): 0 − 1, 2 − 4, 8 − 16, plus 0.5
        #expect(y.shape == [1, 3, 1] && y.scalars == [-0.5, -1.5, -7.5])
    }

    @Test func embedding() {
        let ids = Tensor(shape: [2, 3], values: [0, 3, 1, 3, 3, 2])
        let e = gradientCheck(Embedding(4, 5), input: ids, checkInput: false)
        #expect(e.parameters < 1e-3, "\(e)")
    }

    @Test(arguments: [(1, false), (2, false), (3, true)])
    func attention(heads: Int, causal: Bool) {
        let layer = MultiHeadAttention(dim: 6, heads: heads, causal: causal)
        let e = gradientCheck(layer, input: awayFromZero([2, 4, 6], seed: 6), eps: 1e-2)
        #expect(e.input < 1e-3 && e.parameters < 1e-3, "heads \(heads) causal \(causal): \(e)")
    }

    /// Key padding: padded keys get weight 0, the padded sequence's outputs equal those of the unpadded one, and an
    /// extra gradient on the weights (attention supervision) is what finite differences of ⟨A, R⟩ give.
    @Test func attentionKeyLengthsAndWeightGradient() {
        let layer = MultiHeadAttention(dim: 4, heads: 2)
        let model = Sequential([layer], seed: 3)
        let x = awayFromZero([2, 5, 4], seed: 8)
        layer.keyLengths = [3, 5]
        let y = model.forward(x)
        let a = layer.attentionWeights!
        for h in 0..<2 { for i in 0..<5 { for j in 3..<5 { #expect(a[0, h, i, j] == 0) } } }
        let short = Tensor(shape: [1, 3, 4], values: Array(x.scalars[0..<12]))
        layer.keyLengths = nil
        let ys = model.forward(short)
        for k in 0..<12 { #expect(abs(ys.scalars[k] - y.scalars[k]) < 1e-5) }
        // L = ⟨A, R⟩ through the weights only: the backward's parameter gradient against central differences
        layer.keyLengths = [3, 5]
        var rng = RNG(seed: 4)
        let r = rng.tensor([2, 2, 5, 5])
        func loss() -> Double {
            _ = model.forward(x)
            return zip(layer.attentionWeights!.scalars, r.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        model.zeroGradients()
        let out = model.forward(x)
        layer.attentionGradient = r
        _ = model.backward(Tensor(zeros: out.shape))
        let g = Array(model.gradientBuffer)
        var worst = 0.0
        let p = model.parameterBuffer
        for i in stride(from: 0, to: model.parameterCount, by: 3) {
            let v = p[i]
            p[i] = v + 1e-2
            let lp = loss()
            p[i] = v - 1e-2
            let lm = loss()
            p[i] = v
            let n = (lp - lm) / 2e-2
            worst = max(worst, abs(n - Double(g[i])) / max(1, abs(n)))
        }
        #expect(worst < 2e-3, "\(worst)")
        #expect(layer.attentionGradient == nil)
    }

    @Test func residualAndFirstToken() {
        let e = gradientCheck(
            model: Sequential([Residual(MultiHeadAttention(dim: 4, heads: 2)), FirstToken()], seed: 2),
            input: awayFromZero([2, 3, 4], seed: 9))
        #expect(e.input < 1e-3 && e.parameters < 1e-3, "\(e)")
    }

    @Test func attentionWeightsAreRowStochasticAndCausal() {
        let layer = MultiHeadAttention(dim: 4, heads: 2, causal: true)
        let model = Sequential([layer], seed: 1)
        _ = model.forward(awayFromZero([1, 5, 4], seed: 2))
        let a = layer.attentionWeights!
        #expect(a.shape == [1, 2, 5, 5])
        let v = a.scalars
        for row in 0..<10 {
            let r = Array(v[(row * 5)..<(row * 5 + 5)])
            #expect(abs(r.reduce(0, +) - 1) < 1e-5)
            let i = row % 5
            #expect(r[(i + 1)...].allSatisfy { $0 == 0 })  // no weight on future positions
        }
    }

    /// Weighted cross-entropy, and with ζ = 0.3 VRLS's negative-entropy term: the gradient matches central
    /// differences; unweighted on a tie it is log 2, and on uniform logits the entropy term is exactly −ζ log m.
    @Test(arguments: [Float(0), 0.3])
    func crossEntropyGradientAndWeights(entropy zeta: Float) throws {
        let z = awayFromZero([4, 3], seed: 7)
        let y: [Int32] = [0, 2, 1, 2]
        let w: [Float] = [1, 0.5, 2, 0]
        let r = try softmaxCrossEntropy(logits: z, labels: y, weights: w, entropy: zeta)
        let eps: Float = 1e-2
        for i in 0..<z.count {
            var zp = z, zm = z
            zp[flat: i] += eps
            zm[flat: i] -= eps
            let n =
                (try softmaxCrossEntropy(logits: zp, labels: y, weights: w, entropy: zeta).loss
                    - softmaxCrossEntropy(logits: zm, labels: y, weights: w, entropy: zeta).loss) / Double(2 * eps)
            #expect(abs(n - Double(r.gradient[flat: i])) < 1e-4, "\(i): \(n) against \(r.gradient[flat: i])")
        }
        let u = try softmaxCrossEntropy(logits: Tensor(shape: [1, 2], values: [0, 0]), labels: [1])
        #expect(abs(u.loss - log(2.0)) < 1e-6)
        let flat = try softmaxCrossEntropy(logits: Tensor(shape: [2, 3], repeating: 0), labels: [0, 1], entropy: 0.5)
        #expect(abs(flat.loss - (log(3.0) - 0.5 * log(3.0))) < 1e-6)
    }

    @Test func mseGradient() throws {
        let r = try meanSquaredError(Tensor([1, 2, 3, 4]), Tensor([1, 0, 3, 0]))
        #expect(r.loss == 5 && r.gradient.scalars == [0, 1, 0, 2])
    }

    @Test func lossInputErrors() {
        #expect(throws: FjordError.self) {
            try softmaxCrossEntropy(logits: Tensor(shape: [2, 3], repeating: 0), labels: [0, 3])
        }
        #expect(throws: FjordError.self) {
            try softmaxCrossEntropy(logits: Tensor(shape: [2, 3], repeating: 0), labels: [0])
        }
        #expect(throws: FjordError.self) {
            try softmaxCrossEntropy(logits: Tensor(shape: [1, 2], values: [.nan, 0]), labels: [0])
        }
        #expect(throws: FjordError.self) { try meanSquaredError(Tensor([1]), Tensor([1, 2])) }
    }

    @Test func skippingTheInputGradientLeavesParameterGradientsAlone() {
        let m = Sequential.mlp([5, 4, 3], seed: 2)
        let x = awayFromZero([6, 5], seed: 3)
        var rng = RNG(seed: 4)
        let dy = rng.tensor([6, 3])
        m.zeroGradients()
        _ = m.forward(x)
        #expect(m.backward(dy) != nil)
        let full = Array(m.gradientBuffer)
        m.zeroGradients()
        _ = m.forward(x)
        #expect(m.backward(dy, inputGradient: false) == nil)
        #expect(Array(m.gradientBuffer) == full)
    }

    @Test func sequentialOwnsOneFlatBufferWithNamedViews() {
        let m = Sequential.mlp([4, 3, 2], seed: 1)
        #expect(m.parameterCount == 4 * 3 + 3 + 3 * 2 + 2)
        #expect(m.views.map(\.name) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"])
        #expect(m.views.map(\.offset) == [0, 12, 15, 21])
        // the same seed gives the same initialisation; another seed does not
        #expect(Sequential.mlp([4, 3, 2], seed: 1).parameterValues == m.parameterValues)
        #expect(Sequential.mlp([4, 3, 2], seed: 2).parameterValues != m.parameterValues)
    }
}
