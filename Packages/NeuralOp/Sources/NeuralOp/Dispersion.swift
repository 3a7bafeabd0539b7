import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// The (|k|, ω) power spectrum of a window of surface-height frames, and how much of its energy lies on the Poincaré
/// dispersion shell ω² = f² + gH|k|² (research/neural-op.md §5.1: the check the paper's claim calls for).
///
/// For each sample, η over frames [start, start + T) on the n×n grid is tapered in time with a Hann window and
/// transformed in (x, y, t). Power is binned by |k| (cycles per domain, rounded) and by frequency bin j = 0 … T/2
/// (ω_j = 2π j/(T Δt)). The shell of bin |k| is the theoretical ω folded into [0, π/Δt] (frames alias frequencies
/// above their Nyquist); energy within ±`tolerance` frequency bins of it counts as on the shell. The zero-frequency
/// bin (the balanced, geostrophic part) is reported apart when the shell does not pass through it.
public struct DispersionSpectrum: Sendable {
    /// power[j][k]: frequency bin j, wavenumber bin k.
    public var power: [[Double]]
    /// ω of each frequency bin (rad/s) and the shell's folded frequency for each |k| bin.
    public var frequencies: [Double]
    public var shell: [Double]
    /// Fractions of the total power on the shell, at ω = 0 off the shell, and elsewhere.
    public var onShell: Double
    public var balanced: Double
    public var elsewhere: Double { max(0, 1 - onShell - balanced) }

    public init(
        _ t: Trajectories, parameters p: ShallowWaterParameters, start: Int, frames: Int, tolerance: Int = 1
    ) throws(FjordError) {
        let grid = t.grid
        guard grid.count == 2, grid[0] == grid[1], t.fields >= 1 else {
            throw .data("dispersion: needs η on a square 2-D grid, not \(grid)")
        }
        guard frames >= 4, start >= 0, start + frames <= t.frames else {
            throw .data(
                "dispersion: a window of \(frames) frames from \(start) does not fit \(t.frames) frames (at least 4)")
        }
        let n = grid[0], points = n * n, width = frames / 2 + 1, kbins = n / 2 + 1
        var power = [[Double]](repeating: [Double](repeating: 0, count: kbins), count: width)
        var cube = Tensor(uninitializedShape: [n, n, frames])
        let hann = (0..<frames).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(frames)) }
        for s in 0..<t.samples {
            cube.withUnsafeMutableBufferPointer { c in
                t.values.withUnsafeBufferPointer { v in
                    for f in 0..<frames {
                        let base = ((s * t.frames + start + f) * t.fields) * points
                        for i in 0..<points { c[i * frames + f] = v[base + i] * Float(hann[f]) }
                    }
                }
            }
            let spec = FFT.rfft(cube, axes: 3)
            spec.withUnsafeBufferPointer { c in
                for kx in 0..<n {
                    for ky in 0..<n {
                        let a = Double(kx <= n / 2 ? kx : kx - n), b = Double(ky <= n / 2 ? ky : ky - n)
                        let k = Int((a * a + b * b).squareRoot().rounded())
                        guard k < kbins else { continue }
                        for j in 0..<width {
                            let i = (kx * n + ky) * width + j
                            let twice = (j == 0 || (frames % 2 == 0 && j == frames / 2)) ? 1.0 : 2.0
                            power[j][k] +=
                                twice
                                * (Double(c[2 * i]) * Double(c[2 * i]) + Double(c[2 * i + 1]) * Double(c[2 * i + 1]))
                        }
                    }
                }
            }
        }
        let dt = p.frameInterval, nyquist = Double.pi / dt, step = 2 * Double.pi / (Double(frames) * dt)
        frequencies = (0..<width).map { Double($0) * step }
        shell = (0..<kbins).map { k in
            let omega = p.frequency(wavenumber: 2 * Double.pi * Double(k) / p.length)
            let folded = omega.truncatingRemainder(dividingBy: 2 * nyquist)
            return folded > nyquist ? 2 * nyquist - folded : folded
        }
        var total = 0.0, on = 0.0, zero = 0.0
        for j in 0..<width {
            for k in 0..<kbins {
                let e = power[j][k]
                total += e
                if abs(frequencies[j] - shell[k]) <= Double(tolerance) * step {
                    on += e
                } else if j == 0 {
                    zero += e
                }
            }
        }
        self.power = power
        onShell = total > 0 ? on / total : 0
        balanced = total > 0 ? zero / total : 0
    }

    /// The diagram as a PNG: log power over (|k| across, ω up), the shell in white.
    public func png(scale: Int = 10) throws(FjordError) -> [UInt8] {
        let (rows, cols) = (power.count, power[0].count)
        let peak = power.flatMap { $0 }.max() ?? 1
        var values = [Float](repeating: 0, count: rows * cols)
        for j in 0..<rows {
            for k in 0..<cols {
                values[(rows - 1 - j) * cols + k] = Float(log10(max(power[j][k], peak * 1e-8) / peak))
            }
        }
        let image = Heatmap(colormap: .viridis, scale: scale, range: -8...0).render([
            Tensor(shape: [rows, cols], values: values)
        ])
        var rgb = image.rgb
        let step = frequencies.count > 1 ? frequencies[1] : 1
        for k in 0..<cols {
            let j = shell[k] / step
            let y = Int(((Double(rows) - 0.5 - j) * Double(scale)).rounded())
            for x in (k * scale)..<((k + 1) * scale) where y >= 0 && y < image.height && x < image.width {
                for c in 0..<3 { rgb[(y * image.width + x) * 3 + c] = 255 }
            }
        }
        return try PNG.encodeRGB(rgb, width: image.width, height: image.height)
    }
}
