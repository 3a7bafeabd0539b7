import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// Errors of a rollout against the truth, frame by frame (research/neural-op.md §5.1, PDEBench's nRMSE).
public struct LeadErrors: Sendable {
    /// relativeL2[t][f]: mean over samples of ‖p − y‖/‖y‖ of field f at frame t (NaN where y is zero).
    public var relativeL2: [[Double]]
    /// rmse[t][f]: root-mean-square error over samples and points, in the field's units.
    public var rmse: [[Double]]

    /// Mean over fields of the relative L2 error at each frame.
    public var meanRelativeL2: [Double] { relativeL2.map { $0.reduce(0, +) / Double(max($0.count, 1)) } }
}

/// The physics diagnostics `neural-op eval` reports.
public enum Diagnostics {
    /// Errors per frame of `prediction` against `truth` (same shape [S, T, F, grid]).
    public static func errors(truth: Trajectories, prediction: Trajectories) -> LeadErrors {
        let (s, t, f) = (truth.samples, truth.frames, truth.fields), n = truth.grid.reduce(1, *)
        var rel = [[Double]](repeating: [Double](repeating: 0, count: f), count: t), rmse = rel
        truth.values.withUnsafeBufferPointer { y in
            prediction.values.withUnsafeBufferPointer { p in
                for frame in 0..<t {
                    for c in 0..<f {
                        var sq = 0.0, r = 0.0
                        for sample in 0..<s {
                            let base = ((sample * t + frame) * f + c) * n
                            var dd = 0.0, yy = 0.0
                            for i in base..<(base + n) {
                                let d = Double(p[i] - y[i])
                                dd += d * d
                                yy += Double(y[i]) * Double(y[i])
                            }
                            sq += dd
                            r += yy > 0 ? (dd / yy).squareRoot() : .nan
                        }
                        rel[frame][c] = r / Double(s)
                        rmse[frame][c] = (sq / Double(s * n)).squareRoot()
                    }
                }
            }
        }
        return LeadErrors(relativeL2: rel, rmse: rmse)
    }

    /// Radially averaged power spectrum of field `field` over the listed frames and every sample, on a square 2-D grid
    /// (or a 1-D one): E(k) = Σ_{round|k| = k} |û(k)|² / N², averaged over frames, for integer wavenumbers
    /// k = 0 … n/2 (cycles per domain).
    public static func radialSpectrum(_ t: Trajectories, field: Int, frames: [Int]) -> [Double] {
        let grid = t.grid, n = grid.reduce(1, *), last = grid[grid.count - 1], width = last / 2 + 1
        let bins = (grid.min() ?? 2) / 2 + 1
        var e = [Double](repeating: 0, count: bins)
        var plane = Tensor(uninitializedShape: grid)
        for sample in 0..<t.samples {
            for frame in frames {
                plane.withUnsafeMutableBufferPointer { dst in
                    t.values.withUnsafeBufferPointer { src in
                        dst.baseAddress!.update(
                            from: src.baseAddress! + ((sample * t.frames + frame) * t.fields + field) * n, count: n)
                    }
                }
                let spec = FFT.rfft(plane, axes: grid.count)
                spec.withUnsafeBufferPointer { c in
                    for i in 0..<(c.count / 2) {
                        let j = i % width, row = i / width
                        let ki = grid.count == 2 ? Double(row <= grid[0] / 2 ? row : row - grid[0]) : 0
                        let k = Int((ki * ki + Double(j * j)).squareRoot().rounded())
                        guard k < bins else { continue }
                        let twice = (j == 0 || (last % 2 == 0 && j == last / 2)) ? 1.0 : 2.0
                        e[k] +=
                            twice * (Double(c[2 * i]) * Double(c[2 * i]) + Double(c[2 * i + 1]) * Double(c[2 * i + 1]))
                    }
                }
            }
        }
        let norm = Double(n) * Double(n) * Double(max(t.samples * frames.count, 1))
        return e.map { $0 / norm }
    }

    /// Energy per frame, averaged over samples: ½ Σ (g η² + H(u² + v²)) / N for shallow water (fields η, u, v), or
    /// ½ Σ u² / N for a single field (kinetic energy of Burgers, enstrophy of a vorticity field).
    public static func energy(_ t: Trajectories, shallowWater: ShallowWaterParameters? = nil) -> [Double] {
        let n = t.grid.reduce(1, *), f = t.fields
        var out = [Double](repeating: 0, count: t.frames)
        t.values.withUnsafeBufferPointer { v in
            for s in 0..<t.samples {
                for frame in 0..<t.frames {
                    let base = (s * t.frames + frame) * f * n
                    var e = 0.0
                    for c in 0..<f {
                        let w = shallowWater.map { c == 0 ? $0.gravity : $0.depth } ?? 1
                        for i in 0..<n { e += w * Double(v[base + c * n + i]) * Double(v[base + c * n + i]) }
                    }
                    out[frame] += e / 2 / Double(n) / Double(t.samples)
                }
            }
        }
        return out
    }

    /// The mean of field 0 per frame (mass: the mean surface height of shallow water), averaged over samples.
    public static func mean(_ t: Trajectories) -> [Double] {
        let n = t.grid.reduce(1, *)
        var out = [Double](repeating: 0, count: t.frames)
        t.values.withUnsafeBufferPointer { v in
            for s in 0..<t.samples {
                for frame in 0..<t.frames {
                    let base = (s * t.frames + frame) * t.fields * n
                    var m = 0.0
                    for i in 0..<n { m += Double(v[base + i]) }
                    out[frame] += m / Double(n) / Double(t.samples)
                }
            }
        }
        return out
    }
}
