import Kernel
import Learn

/// Autoregressive prediction from a trained operator: the first T_in frames of each sample are given, then each step
/// feeds the last T_in frames (true at first, predicted after) to the model and appends its T_out frames — one
/// frame at a time for FNO with T_out = 1, window by window for FNO-3D and FNOtD.
public enum Rollout {
    /// Frames [0, T_in) of `initial` (physical units, [S, ≥ T_in, F, grid]) and `frames` predicted after them:
    /// [S, T_in + frames, F, grid], physical units. Evaluated in batches of `batch` samples.
    public static func run(
        _ model: Sequential, checkpoint c: OperatorCheckpoint, initial: Trajectories, frames: Int, batch: Int = 16,
        progress: ((Int) -> Void)? = nil
    ) throws(FjordError) -> Trajectories {
        let config = c.config
        guard initial.fields == config.fields else {
            throw .data("the initial frames have \(initial.fields) fields, the model \(config.fields)")
        }
        guard initial.grid.count == config.grid.count else {
            throw .data(
                "the initial frames are on a \(initial.grid.count)-D grid, the model works on \(config.grid.count)-D ones"
            )
        }
        if let p = ModeSet.problem(modes: config.modes, grid: config.spectralGrid(for: initial.grid)) {
            throw .data("the model cannot run on the grid \(initial.grid) (it cannot resample): \(p)")
        }
        guard initial.frames >= config.inputFrames else {
            throw .data("the rollout needs \(config.inputFrames) initial frames, the input has \(initial.frames)")
        }
        guard frames >= 0 && frames <= 100_000 else { throw .usage("--frames must be in 0…100000") }
        let tin = config.inputFrames, total = tin + frames, size = initial.frameSize
        var out = Tensor(uninitializedShape: [initial.samples, total, initial.fields] + initial.grid)
        for start in stride(from: 0, to: initial.samples, by: batch) {
            let rows = Array(start..<min(initial.samples, start + batch))
            var window = initial.window(samples: rows.map { ($0, 0) }, count: tin)
            c.scaling.apply(&window, fieldAxis: 2)
            var produced: [Tensor] = []
            var have = 0
            while have < frames {
                let next = Layout.frames(model.forward(Layout.input(window, config)), config)
                if next.withUnsafeBufferPointer({ $0.contains { !$0.isFinite } }) {
                    throw .data("the rollout diverged (a non-finite value) after \(have) predicted frames")
                }
                produced.append(next)
                have += config.outputFrames
                window = lastFrames(concat(window, next), tin)
            }
            var pred = produced.isEmpty ? nil : concat(produced)
            if var p = pred {
                c.scaling.apply(&p, fieldAxis: 2, forward: false)
                pred = p
            }
            let given = initial.window(samples: rows.map { ($0, 0) }, count: tin)
            out.withUnsafeMutableBufferPointer { dst in
                given.withUnsafeBufferPointer { g in
                    for (i, r) in rows.enumerated() {
                        (dst.baseAddress! + r * total * size).update(
                            from: g.baseAddress! + i * tin * size, count: tin * size)
                    }
                }
                pred?.withUnsafeBufferPointer { p in
                    let made = p.count / max(rows.count * size, 1)
                    for (i, r) in rows.enumerated() {
                        (dst.baseAddress! + (r * total + tin) * size).update(
                            from: p.baseAddress! + i * made * size, count: frames * size)
                    }
                }
            }
            progress?(rows.count)
        }
        return try Trajectories(out, name: "rollout")
    }

    /// Frame-wise concatenation of windows [B, n_i, F, grid…].
    static func concat(_ parts: Tensor...) -> Tensor { concat(parts) }

    static func concat(_ parts: [Tensor]) -> Tensor {
        let b = parts[0].shape[0], size = parts[0].shape.dropFirst(2).reduce(1, *)
        let n = parts.reduce(0) { $0 + $1.shape[1] }
        var out = Tensor(uninitializedShape: [b, n] + Array(parts[0].shape.dropFirst(2)))
        out.withUnsafeMutableBufferPointer { dst in
            var offset = 0
            for part in parts {
                let k = part.shape[1]
                part.withUnsafeBufferPointer { src in
                    for s in 0..<b {
                        (dst.baseAddress! + (s * n + offset) * size).update(
                            from: src.baseAddress! + s * k * size, count: k * size)
                    }
                }
                offset += k
            }
        }
        return out
    }

    /// The last `count` frames of a window.
    static func lastFrames(_ w: Tensor, _ count: Int) -> Tensor {
        let (b, n) = (w.shape[0], w.shape[1]), size = w.shape.dropFirst(2).reduce(1, *)
        var out = Tensor(uninitializedShape: [b, count] + Array(w.shape.dropFirst(2)))
        w.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for s in 0..<b {
                    (dst.baseAddress! + s * count * size).update(
                        from: src.baseAddress! + (s * n + n - count) * size, count: count * size)
                }
            }
        }
        return out
    }
}
