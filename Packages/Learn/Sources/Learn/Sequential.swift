import Kernel

/// Where a named parameter block sits in a model's flat buffers.
public struct ParameterView: Sendable, Equatable {
    /// "<layer name>.<parameter>", e.g. "fc1.weight".
    public var name: String
    public var shape: [Int]
    public var offset: Int
    public var count: Int { shape.reduce(1, *) }
    /// Index of the layer that owns it.
    public var layer: Int
}

/// A stack of layers applied in order, owning one flat parameter buffer and one flat gradient buffer.
///
/// `parameters` and `gradients` are contiguous float32 vectors of length ``parameterCount``; ``views``
/// name their per-layer slices (for layer-wise schemes and checkpoints).
public final class Sequential {
    public let layers: [any Layer]
    public let names: [String]
    public let views: [ParameterView]
    public let parameterCount: Int
    /// The flat parameters θ.
    public let parameters: AlignedStorage
    /// The flat gradient ∂L/∂θ of the last backward pass (accumulated since the last ``zeroGradients()``).
    public let gradients: AlignedStorage

    /// Builds the model and initialises its parameters from `seed` (layer k uses substream k).
    /// `names` default to "layer0", "layer1", ….
    public init(_ layers: [any Layer], names: [String]? = nil, seed: UInt64 = 0) {
        precondition(names == nil || names!.count == layers.count, "one name per layer")
        self.layers = layers
        self.names = names ?? layers.indices.map { "layer\($0)" }
        var views: [ParameterView] = []
        var offset = 0
        for (k, layer) in layers.enumerated() {
            for spec in layer.parameterSpecs {
                views.append(
                    ParameterView(name: "\(self.names[k]).\(spec.name)", shape: spec.shape, offset: offset, layer: k))
                offset += spec.count
            }
        }
        self.views = views
        self.parameterCount = offset
        self.parameters = AlignedStorage(byteCount: offset * 4)
        self.gradients = AlignedStorage(byteCount: offset * 4)
        let p = parameters.pointer.assumingMemoryBound(to: Float.self)
        let g = gradients.pointer.assumingMemoryBound(to: Float.self)
        var o = 0
        let base = RNG(seed: seed)
        for (k, layer) in layers.enumerated() {
            layer.bind(parameters: p + o, gradients: g + o)
            var r = base.substream(UInt64(k))
            layer.initialize(&r)
            o += layer.parameterSpecs.reduce(0) { $0 + $1.count }
        }
    }

    /// The parameters as a mutable buffer into the model's storage: valid only while the model is alive.
    public var parameterBuffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: parameters.pointer.assumingMemoryBound(to: Float.self), count: parameterCount)
    }

    /// A copy of the parameters (safe on a temporary model, unlike holding ``parameterBuffer``).
    public var parameterValues: [Float] { Array(parameterBuffer) }

    /// The gradient as a mutable buffer.
    public var gradientBuffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: gradients.pointer.assumingMemoryBound(to: Float.self), count: parameterCount)
    }

    public func forward(_ x: Tensor) -> Tensor {
        var h = x
        for l in layers { h = l.forward(h) }
        return h
    }

    /// Back-propagates ∂L/∂output through every layer, accumulating into ``gradients``; returns ∂L/∂input,
    /// or nil with `inputGradient: false`, which lets a first layer that can skip it (Linear) do so.
    @discardableResult
    public func backward(_ dy: Tensor, inputGradient: Bool = true) -> Tensor? {
        var g = dy
        for (k, l) in layers.enumerated().reversed() {
            if k == 0, !inputGradient, let p = l as? any ParameterGradientOnly {
                p.backwardParameters(g)
                return nil
            }
            g = l.backward(g)
        }
        return g
    }

    public func zeroGradients() { memset(gradients.pointer, 0, parameterCount * 4) }

    /// Copies parameters from another model of the same architecture.
    public func copyParameters(from other: Sequential) {
        precondition(other.parameterCount == parameterCount, "architectures differ")
        parameters.pointer.copyMemory(from: other.parameters.pointer, byteCount: parameterCount * 4)
    }

    /// One line per layer, with parameter counts.
    public var summary: String {
        var lines: [String] = []
        for (k, l) in layers.enumerated() {
            let n = l.parameterSpecs.reduce(0) { $0 + $1.count }
            lines.append("\(names[k]): \(l.summary)\(n > 0 ? "  (\(n) parameters)" : "")")
        }
        lines.append("total: \(parameterCount) parameters")
        return lines.joined(separator: "\n")
    }

    /// A multilayer perceptron: Linear–act–…–Linear over `sizes` (e.g. [64, 32, 10]), layers named fc1, act1, fc2, ….
    public static func mlp(
        _ sizes: [Int], activation: Activation.Kind = .relu, init scheme: Linear.Init = .uniform,
        seed: UInt64 = 0
    ) -> Sequential {
        precondition(sizes.count >= 2, "an MLP needs at least input and output sizes")
        var layers: [any Layer] = []
        var names: [String] = []
        for k in 0..<(sizes.count - 1) {
            layers.append(Linear(sizes[k], sizes[k + 1], init: scheme))
            names.append("fc\(k + 1)")
            if k < sizes.count - 2 {
                layers.append(Activation(activation))
                names.append("act\(k + 1)")
            }
        }
        return Sequential(layers, names: names, seed: seed)
    }

    /// A 1-D CNN for signals of `length` points (one channel): per entry of `channels` a ``Conv1D`` (kernel 5,
    /// stride 2, padding 2, so each halves the length) and `activation`, then the flattened features through the MLP
    /// `hidden` + `classes` — the MNIST-1D paper's small CNN has three such layers of 25 channels.
    public static func cnn1d(
        length: Int, channels: [Int], hidden: [Int], classes: Int, activation: Activation.Kind = .relu,
        seed: UInt64 = 0
    ) -> Sequential {
        precondition(length > 0 && !channels.isEmpty, "a CNN needs a signal and at least one convolution")
        var layers: [any Layer] = [Reshape([length, 1])]
        var names = ["signal"]
        var (l, c) = (length, 1)
        for (k, out) in channels.enumerated() {
            let conv = cnn1dConvolution(c, out)
            layers += [conv, Activation(activation)]
            names += ["conv\(k + 1)", "cact\(k + 1)"]
            (l, c) = (conv.outputLength(l), out)
        }
        layers.append(Reshape([l * c]))
        names.append("flatten")
        let head = mlp([l * c] + hidden + [classes], activation: activation, seed: seed)
        return Sequential(layers + head.layers, names: names + head.names, seed: seed)
    }

    /// One convolution of ``cnn1d(length:channels:hidden:classes:activation:seed:)``: kernel 5, stride 2, padding 2.
    public static func cnn1dConvolution(_ inChannels: Int, _ outChannels: Int) -> Conv1D {
        Conv1D(inChannels, outChannels, kernel: 5, stride: 2, padding: 2)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
