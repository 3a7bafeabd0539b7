import Kernel

/// Model checkpoints as safetensors files: one tensor per named parameter block ("fc1.weight", …), loadable
/// by the Python `safetensors` package (`safetensors.numpy.load_file`) and by PyTorch with the same names.
public enum Checkpoint {
    public static func save(_ model: Sequential, to path: String, metadata: [String: String] = [:]) throws(FjordError) {
        let p = model.parameterBuffer
        var st = Safetensors(metadata: metadata)
        for v in model.views {
            let t = Tensor(shape: v.shape, values: Array(p[v.offset..<(v.offset + v.count)]))
            st.tensors.append((name: v.name, array: NpyArray(t)))
        }
        try st.write(path: path)
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
        let extra = Set(st.tensors.map(\.name)).subtracting(model.views.map(\.name))
        if !extra.isEmpty { throw .data("\(path): tensors \(extra.sorted()) are not parameters of this model") }
        return st.metadata
    }
}
