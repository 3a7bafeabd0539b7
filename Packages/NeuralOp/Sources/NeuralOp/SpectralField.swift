import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// The periodic grid a pseudo-spectral solver works on: 1 or 2 axes of n points over a domain of side `length`,
/// its rfft wavenumbers (rad per unit length), the 2/3-rule dealiasing mask, and scratch-backed transforms.
/// Half spectra are interleaved (re, im) in FFTW's layout; `inverse` copies its input first (c2r overwrites it)
/// and divides by N.
final class SpectralField {
    let grid: [Int]
    let length: Double
    let points: Int
    let half: Int
    /// Wavenumbers per half-spectrum bin: k₁ (axis 0) and k₂ (the last axis; 0 on a 1-D grid).
    let k1: [Float]
    let k2: [Float]
    /// |k|², and 1 where both |k_a| ≤ n_a/3 · 2π/L (the 2/3 rule), else 0; Nyquist bins are always 0.
    let k2sum: [Float]
    let dealias: [Float]
    let scratch = Scratch()

    init(grid: [Int], length: Double) {
        precondition((1...2).contains(grid.count) && grid.allSatisfy { $0 >= 4 && $0 % 2 == 0 })
        self.grid = grid
        self.length = length
        points = grid.reduce(1, *)
        let last = grid[grid.count - 1]
        half = points / last * (last / 2 + 1)
        let unit = 2 * Double.pi / length
        var a: [Float] = [], b: [Float] = [], s: [Float] = [], d: [Float] = []
        let rows = grid.count == 2 ? grid[0] : 1
        for i in 0..<rows {
            let ki = grid.count == 2 ? (i <= grid[0] / 2 ? i : i - grid[0]) : 0
            for j in 0...(last / 2) {
                let (x, y) = grid.count == 2 ? (Double(ki) * unit, Double(j) * unit) : (Double(j) * unit, 0)
                a.append(Float(x))
                b.append(Float(y))
                s.append(Float(x * x + y * y))
                let nyquist = j == last / 2 || (grid.count == 2 && i == grid[0] / 2)
                let keep =
                    grid.count == 2
                    ? 3 * abs(ki) <= grid[0] && 3 * j <= last : 3 * j <= last
                d.append(keep && !nyquist ? 1 : 0)
            }
        }
        // on a 1-D grid the only wavenumber is k₁; keep (k₁, k₂) = (k, 0)
        k1 = a
        k2 = b
        k2sum = s
        dealias = d
    }

    /// A new zeroed half spectrum.
    func spectrum() -> [Float] { [Float](repeating: 0, count: 2 * half) }

    func forward(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
        FFT.rfft(x, into: out, dims: grid, batch: 1)
    }

    func inverse(_ spectrum: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
        let s = scratch.floats(2 * half)
        s.update(from: spectrum, count: 2 * half)
        FFT.irfftUnnormalized(destroying: s, into: out, dims: grid, batch: 1)
        let scale = 1 / Float(points)
        for i in 0..<points { out[i] *= scale }
    }

    /// out = i·k ⊙ spectrum (the derivative along `axis`, 0 or 1 of the wavenumbers k₁, k₂).
    func derivative(_ spectrum: UnsafePointer<Float>, axis: Int, _ out: UnsafeMutablePointer<Float>) {
        let k = axis == 0 ? k1 : k2
        for i in 0..<half {
            let (re, im) = (spectrum[2 * i], spectrum[2 * i + 1])
            out[2 * i] = -k[i] * im
            out[2 * i + 1] = k[i] * re
        }
    }

    /// A Gaussian random field with the covariance of the FNO data scripts, (−Δ + τ²)^(−α) up to scale (Δ on the unit
    /// domain: |2πk|²), mean zero, Nyquist bins zero, rescaled to root-mean-square `rms`: white noise filtered in
    /// Fourier space, which has the same law as the scripts' complex draw up to that scale.
    func randomField(alpha: Double, tau: Double, rms: Double, rng: inout RNG) -> [Float] {
        var noise = [Float](repeating: 0, count: points)
        noise.withUnsafeMutableBufferPointer { rng.fill($0, .normal) }
        var spec = spectrum()
        let unit = 2 * Double.pi / length
        noise.withUnsafeBufferPointer { n in
            spec.withUnsafeMutableBufferPointer { forward(n.baseAddress!, $0.baseAddress!) }
        }
        for i in 0..<half {
            // the scripts' eigenvalues use |2πk|² with k in cycles per unit domain
            let cycles2 = Double(k2sum[i]) / (unit * unit)
            let nyquist = isNyquist(i)
            let m: Double = (i == 0 || nyquist) ? 0 : pow(4 * Double.pi * Double.pi * cycles2 + tau * tau, -alpha / 2)
            spec[2 * i] *= Float(m)
            spec[2 * i + 1] *= Float(m)
        }
        var out = [Float](repeating: 0, count: points)
        spec.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { inverse(s.baseAddress!, $0.baseAddress!) }
        }
        var ss = 0.0
        for v in out { ss += Double(v) * Double(v) }
        let r = (ss / Double(points)).squareRoot()
        let scale = r > 0 ? Float(rms / r) : 0
        for i in 0..<points { out[i] *= scale }
        return out
    }

    /// Whether half-spectrum bin i lies on a Nyquist plane.
    func isNyquist(_ i: Int) -> Bool {
        let last = grid[grid.count - 1], width = last / 2 + 1
        let j = i % width
        if j == last / 2 { return true }
        return grid.count == 2 && i / width == grid[0] / 2
    }

    /// Keeps only the modes the 2/3 rule keeps (a nonlinear solver's initial state: modes above it would otherwise
    /// sit frozen, their tendencies being dealiased to zero).
    func lowPass(_ spectrum: UnsafeMutablePointer<Float>) {
        for i in 0..<half {
            spectrum[2 * i] *= dealias[i]
            spectrum[2 * i + 1] *= dealias[i]
        }
    }

    /// Zeroes the Nyquist bins (their wavenumber sign is ambiguous, so no propagator or derivative is right there).
    func zeroNyquist(_ spectrum: UnsafeMutablePointer<Float>) {
        for i in 0..<half where isNyquist(i) {
            spectrum[2 * i] = 0
            spectrum[2 * i + 1] = 0
        }
    }
}
