import Kernel

/// Between windows of frames, [B, n, F, grid…], and what each architecture's model reads and writes.
public enum Layout {
    /// The model input for a window of `config.inputFrames` frames.
    public static func input(_ window: Tensor, _ config: FNOConfig) -> Tensor {
        let (b, n, f) = (window.shape[0], window.shape[1], window.shape[2])
        let grid = Array(window.shape.dropFirst(3))
        switch config.architecture {
        case .fno: return window.reshaped([b, n * f] + grid)
        case .fnotd: return framesLast(window)
        case .fno3d:
            // the n·F channels, each repeated along a time axis of T_out
            let t = config.outputFrames, points = grid.reduce(1, *)
            var out = Tensor(uninitializedShape: [b, n * f] + grid + [t])
            window.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    for i in 0..<(b * n * f * points) {
                        (dst.baseAddress! + i * t).initialize(repeating: src[i], count: t)
                    }
                }
            }
            return out
        }
    }

    /// The model output (or a target in the output's layout) as a window of frames [B, T_out, F, grid…].
    public static func frames(_ output: Tensor, _ config: FNOConfig) -> Tensor {
        switch config.architecture {
        case .fno:
            let grid = Array(output.shape.dropFirst(2))
            return output.reshaped([output.shape[0], config.outputFrames, config.fields] + grid)
        case .fno3d, .fnotd: return framesFirst(output)
        }
    }

    /// A window of target frames in the model's output layout.
    public static func target(_ window: Tensor, _ config: FNOConfig) -> Tensor {
        switch config.architecture {
        case .fno:
            return window.reshaped(
                [window.shape[0], window.shape[1] * window.shape[2]] + Array(window.shape.dropFirst(3)))
        case .fno3d, .fnotd: return framesLast(window)
        }
    }

    /// [B, n, F, grid…] → [B, F, grid…, n].
    static func framesLast(_ w: Tensor) -> Tensor {
        let (b, n) = (w.shape[0], w.shape[1]), inner = w.shape.dropFirst(2).reduce(1, *)
        var out = Tensor(uninitializedShape: [b] + Array(w.shape.dropFirst(2)) + [n])
        transposeBlocks(w, &out, blocks: b, rows: n, cols: inner)
        return out
    }

    /// [B, F, grid…, n] → [B, n, F, grid…].
    static func framesFirst(_ y: Tensor) -> Tensor {
        let b = y.shape[0], n = y.shape[y.rank - 1], inner = y.count / max(b * n, 1)
        var out = Tensor(uninitializedShape: [b, n] + Array(y.shape.dropFirst().dropLast()))
        transposeBlocks(y, &out, blocks: b, rows: inner, cols: n)
        return out
    }

    static func transposeBlocks(_ x: Tensor, _ out: inout Tensor, blocks: Int, rows: Int, cols: Int) {
        x.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { d in
                for k in 0..<blocks {
                    let (src, dst) = (s.baseAddress! + k * rows * cols, d.baseAddress! + k * rows * cols)
                    for i in 0..<rows { for j in 0..<cols { dst[j * rows + i] = src[i * cols + j] } }
                }
            }
        }
    }
}
