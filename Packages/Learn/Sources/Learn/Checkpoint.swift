import Kernel

/// Model checkpoints as safetensors files: one tensor per named parameter block ("fc1.weight", …), loadable
/// by the Python `safetensors` package (`safetensors.numpy.load_file`) and by PyTorch with the same names.
public enum Checkpoint {
    /// With `optimizer`, its buffers go in as tensors "optimizer.<name>" and its step count as the metadata
    /// "optimizer.steps", so ``optimizerState(_:)`` can resume the run exactly.
    public static func save(
        _ model: Sequential, to path: String, metadata: [String: String] = [:], optimizer: OptimizerState? = nil
    ) throws(FjordError) {
        let p = model.parameterBuffer
        var st = Safetensors(metadata: metadata)
        for v in model.views {
            let t = Tensor(shape: v.shape, values: Array(p[v.offset..<(v.offset + v.count)]))
            st.tensors.append((name: v.name, array: NpyArray(t)))
        }
        if let optimizer {
            st.metadata["optimizer.steps"] = String(optimizer.steps)
            for (name, b) in optimizer.buffers.sorted(by: { $0.key < $1.key }) {
                st.tensors.append((name: "optimizer." + name, array: NpyArray(Tensor(shape: [b.count], values: b))))
            }
        }
        try st.write(path: path)
    }

    /// The optimizer state saved with a checkpoint, or nil when it holds none.
    public static func optimizerState(_ path: String) throws(FjordError) -> OptimizerState? {
        let st = try Safetensors.read(path: path)
        guard let text = st.metadata["optimizer.steps"] else { return nil }
        guard let steps = Int(text), steps >= 0 else {
            throw .data("\(path): optimizer.steps '\(text)' is not a step count")
        }
        var buffers: [String: [Float]] = [:]
        for (name, a) in st.tensors where name.hasPrefix("optimizer.") {
            buffers[String(name.dropFirst("optimizer.".count))] = a.tensor().scalars
        }
        return OptimizerState(steps: steps, buffers: buffers)
    }

    /// Loads parameters saved by ``save(_:to:metadata:)`` into a model of the same architecture; names and
    /// shapes must match exactly.
    public static func load(_ path: String, into model: Sequential) throws(FjordError) -> [String: String] {
        let st = try Safetensors.read(path: path)
        let p = model.parameterBuffer
        for v in model.views {
            guard let a = st[v.name] else { throw .data("\(path): no tensor '\(v.name)' (model parameter missing)") }
            guard a.shape == v.shape else {
                throw .data("\(path): '\(v.name)' has shape \(a.shape), the model needs \(v.shape)")
            }
            let t = a.tensor()
            t.withUnsafeBufferPointer { src in
                for i in 0..<v.count { p[v.offset + i] = src[i] }
            }
        }
        let extra = Set(st.tensors.map(\.name).filter { !$0.hasPrefix("optimizer.") }).subtracting(
            model.views.map(\.name))
        if !extra.isEmpty { throw .data("\(path): tensors \(extra.sorted()) are not parameters of this model") }
        return st.metadata
    }
}
