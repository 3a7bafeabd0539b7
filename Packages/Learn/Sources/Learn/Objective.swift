import Kernel

/// Part one of training: what a worker minimises. Given a batch (row indices into this worker's own data) and
/// the flat parameters θ, fill the flat gradient ∇ℓ_batch(θ) and return ℓ_batch(θ).
///
/// A package defines its own: softmax cross-entropy (with per-example weights for importance weighting),
/// mean squared error, an operator evaluation F(θ) for variational inequalities (the "gradient" is then the
/// operator value), a relative L2 loss over fields, cross-entropy plus an attention-alignment term.
/// `parameters` may be any point, not only the optimizer's iterate (extra-gradient evaluates at the
/// extrapolated point). Throws `.data` on a non-finite loss: divergence is reported, never trained through.
public protocol Objective {
    /// Rows of this worker's data; the trainer draws batches of indices in 0..<rowCount.
    var rowCount: Int { get }
    mutating func loss(
        batch: [Int], parameters: UnsafeBufferPointer<Float>,
        gradient: UnsafeMutableBufferPointer<Float>
    ) throws(FjordError) -> Double
}

/// An objective through a ``Sequential`` model: ℓ(θ) = loss(model_θ(input(batch)), batch), with the gradient
/// from the model's hand-written backward pass. When `parameters` or `gradient` are the model's own buffers
/// (what the trainer passes), nothing is copied.
public struct ModelObjective: Objective {
    public let model: Sequential
    public let rowCount: Int
    /// The model input for a batch of rows.
    public var input: (_ batch: [Int]) -> Tensor
    /// The loss of the model's output for those rows, and its gradient with respect to the output.
    public var outputLoss: (_ output: Tensor, _ batch: [Int]) throws(FjordError) -> LossResult

    public init(
        model: Sequential, rows: Int, input: @escaping (_ batch: [Int]) -> Tensor,
        loss: @escaping (_ output: Tensor, _ batch: [Int]) throws(FjordError) -> LossResult
    ) {
        self.model = model
        self.rowCount = rows
        self.input = input
        self.outputLoss = loss
    }

    public mutating func loss(
        batch: [Int], parameters: UnsafeBufferPointer<Float>,
        gradient: UnsafeMutableBufferPointer<Float>
    ) throws(FjordError) -> Double {
        try model.evaluate(at: parameters, gradient: gradient) { () throws(FjordError) in
            let out = model.forward(input(batch))
            let l = try outputLoss(out, batch)
            _ = model.backward(l.gradient, inputGradient: false)
            return l.loss
        }
    }

    /// Softmax cross-entropy on a classification data set, L = (1/B) Σ_{i ∈ batch} wᵢ CEᵢ with `weights` indexed
    /// by row of `data` (nil: all 1, PyTorch's mean reduction). A zero weight removes a row from training.
    /// `entropy` ζ adds ζ times the mean negative entropy of the predictions (VRLS; ``softmaxCrossEntropy``).
    public static func crossEntropy(
        _ model: Sequential, data: Dataset, weights: [Float]? = nil, entropy: Float = 0
    ) -> ModelObjective {
        precondition(weights == nil || weights!.count == data.count, "one weight per row")
        return ModelObjective(
            model: model, rows: data.count, input: { data.batch($0).x },
            loss: { (out, batch) throws(FjordError) in
                let y = batch.map { data.labels[$0] }
                return try softmaxCrossEntropy(
                    logits: out, labels: y, weights: weights.map { w in batch.map { w[$0] } }, entropy: entropy)
            })
    }

    /// Mean squared error against `targets` (row i of `targets` is the target of row i of `inputs`).
    public static func meanSquaredError(_ model: Sequential, inputs: Tensor, targets: Tensor) -> ModelObjective {
        precondition(inputs.shape[0] == targets.shape[0], "one target row per input row")
        return ModelObjective(
            model: model, rows: inputs.shape[0], input: { selectRows(inputs, $0) },
            loss: { (out, batch) throws(FjordError) in
                try Learn.meanSquaredError(out, selectRows(targets, batch).reshaped(out.shape))
            })
    }
}

extension Sequential {
    /// One objective evaluation on this model at `parameters`: copies them in (unless they are the model's own
    /// buffer), zeroes the gradients, runs `body` (forward, loss, backward; returns the loss) and copies the model's
    /// gradient out into `gradient` (unless it is the model's own). Every ``Objective`` over a model is this frame.
    public func evaluate(
        at parameters: UnsafeBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>,
        _ body: () throws(FjordError) -> Double
    ) throws(FjordError) -> Double {
        let own = parameterBuffer
        precondition(parameters.count == own.count && gradient.count == own.count, "objective: parameter count")
        if parameters.baseAddress != UnsafePointer(own.baseAddress) { _ = own.update(fromContentsOf: parameters) }
        zeroGradients()
        let l = try body()
        let g = gradientBuffer
        if gradient.baseAddress != g.baseAddress { _ = gradient.update(fromContentsOf: g) }
        return l
    }
}
