import Kernel

/// Simulated or observed fields over time: a float32 tensor [samples, frames, fields, n₁(, n₂)] — what
/// `neural-op simulate` writes and `train`, `rollout` and `eval` read.
public struct Trajectories: Sendable {
    public var values: Tensor
    public var samples: Int { values.shape[0] }
    public var frames: Int { values.shape[1] }
    public var fields: Int { values.shape[2] }
    public var grid: [Int] { Array(values.shape.dropFirst(3)) }
    /// Floats in one frame of one sample (fields × grid points).
    public var frameSize: Int { values.shape.dropFirst(2).reduce(1, *) }

    /// Checks the shape and that every value is finite; `name` goes into the messages (exit 65).
    public init(_ values: Tensor, name: String) throws(FjordError) {
        guard values.rank == 4 || values.rank == 5, values.shape.allSatisfy({ $0 > 0 }) else {
            throw .data(
                "\(name): shape \(values.shape) is not [samples, frames, fields, n] or [samples, frames, fields, nx, ny]"
            )
        }
        let bad = values.withUnsafeBufferPointer { p in p.firstIndex { !$0.isFinite } }
        if let bad { throw .data("\(name): value \(bad) is \(values[flat: bad]) (fields must be finite)") }
        self.values = values
    }

    /// Frames [from, from + count) of every listed sample, as [rows, count, fields, grid…].
    public func window(samples rows: [(sample: Int, frame: Int)], count: Int) -> Tensor {
        let f = frameSize
        var out = Tensor(uninitializedShape: [rows.count, count] + Array(values.shape.dropFirst(2)))
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for (i, r) in rows.enumerated() {
                    precondition(r.frame >= 0 && r.frame + count <= frames, "window outside the trajectory")
                    (dst.baseAddress! + i * count * f).update(
                        from: src.baseAddress! + (r.sample * frames + r.frame) * f, count: count * f)
                }
            }
        }
        return out
    }
}

/// Per-field standardisation, z = (x − μ_f)/σ_f, fitted on the training trajectories and kept in the checkpoint:
/// the operator learns and rolls out in z, and every metric is computed back in physical units.
public struct FieldScaling: Sendable, Equatable {
    public var mean: [Float]
    public var std: [Float]

    public init(mean: [Float], std: [Float]) {
        self.mean = mean
        self.std = std
    }

    /// μ and σ of each field over all samples, frames and points (σ of a constant field is taken as 1).
    public static func fit(_ t: Trajectories) -> FieldScaling {
        let (f, n) = (t.fields, t.grid.reduce(1, *))
        var sum = [Double](repeating: 0, count: f), sq = sum
        t.values.withUnsafeBufferPointer { p in
            for frame in 0..<(t.samples * t.frames) {
                for c in 0..<f {
                    let base = p.baseAddress! + (frame * f + c) * n
                    var s = 0.0, s2 = 0.0
                    for i in 0..<n {
                        s += Double(base[i])
                        s2 += Double(base[i]) * Double(base[i])
                    }
                    sum[c] += s
                    sq[c] += s2
                }
            }
        }
        let count = Double(t.samples * t.frames * n)
        let mean = sum.map { $0 / count }
        let std = zip(sq, mean).map { q, m -> Float in
            let v = max(q / count - m * m, 0).squareRoot()
            return v > 1e-12 * max(abs(m), 1) ? Float(v) : 1
        }
        return FieldScaling(mean: mean.map(Float.init), std: std)
    }

    /// Standardises (`forward`) or restores (`!forward`) a tensor whose axis `fieldAxis` indexes the fields
    /// (frames [B, T, F, grid] have it at 2).
    public func apply(_ x: inout Tensor, fieldAxis: Int, forward: Bool = true) {
        let f = mean.count
        precondition(x.shape[fieldAxis] == f, "scaling of \(f) fields on shape \(x.shape)")
        let inner = x.shape[(fieldAxis + 1)...].reduce(1, *)
        let (m, s) = (mean, std)
        x.withUnsafeMutableBufferPointer { p in
            for block in 0..<(p.count / max(inner, 1)) {
                let c = block % f
                let (a, b): (Float, Float) = forward ? (1 / s[c], -m[c] / s[c]) : (s[c], m[c])
                let base = p.baseAddress! + block * inner
                for i in 0..<inner { base[i] = base[i] * a + b }
            }
        }
    }
}
