import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// MNIST-1D (Greydanus 2020, "Scaling down deep learning"; PyPI `mnist1d`): ten hand-drawn 1-D templates of 12
/// points, each example one template put through the published chain of transformations (`mnist1d.transform`):
///
///     pad with p ~ U{36…60} zeros → interpolate linearly to 12 + 60 = 72 points → scale by 1 + 0.4 (u − ½)
///     → roll right by k ~ U{0…47} → where the signal is exactly 0, correlated noise (0.25 N(0, 1) through a
///     Gaussian filter, σ = 2, scipy's reflect edges, radius 8) → + 0.02 N(0, 1) → shear: − 0.75 (u − ½)·t,
///     t = linspace(−½, ½, 72) → interpolate to 40 points
///
/// and the whole set standardized by its own mean and standard deviation. Samples are balanced (n/10 per class)
/// and shuffled. The templates are the package's `get_templates()` (whitened per row, shifted to start at 0,
/// divided by 6). Our random stream is Kernel's RNG, not numpy's, so the examples match the package's in
/// distribution, not bit for bit (`make check-mnist1d` compares them). Logistic regression reaches about 32 % test
/// accuracy, an MLP 60–70 %, a small CNN about 90 % (``Sequential/cnn1d(length:channels:hidden:classes:activation:seed:)``).
public enum MNIST1D {
    /// The raw templates of `mnist1d.data.get_templates()`, digits 0–9, before whitening.
    public static let rawTemplates: [[Double]] = [
        [5, 6, 6.5, 6.75, 7, 7, 7, 7, 6.75, 6.5, 6, 5],
        [5, 3, 3, 3.4, 3.8, 4.2, 4.6, 5, 5.4, 5.8, 5, 5],
        [5, 6, 6.5, 6.5, 6, 5.25, 4.75, 4, 3.5, 3.5, 4, 5],
        [5, 6, 6.5, 6.5, 6, 5, 5, 6, 6.5, 6.5, 6, 5],
        [5, 4.4, 3.8, 3.2, 2.6, 2.6, 5, 5, 5, 5, 5, 5],
        [5, 3, 3, 3, 3, 5, 6, 6.5, 6.5, 6, 4.5, 5],
        [5, 4, 3.5, 3.25, 3, 3, 3, 3, 3.25, 3.5, 4, 5],
        [5, 7, 7, 6.6, 6.2, 5.8, 5.4, 5, 4.6, 4.2, 5, 5],
        [5, 4, 3.5, 3.5, 4, 5, 5, 4, 3.5, 3.5, 4, 5],
        [5, 4, 3.5, 3.5, 4, 5, 5, 5, 5, 4.7, 4.3, 5],
    ]

    /// The templates as the generator uses them: each row minus its mean, over its (population) standard deviation,
    /// minus its first value, over 6.
    public static let templates: [[Double]] = rawTemplates.map { row in
        let n = Double(row.count)
        let mean = row.reduce(0, +) / n
        let sd = (row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
        let w = row.map { ($0 - mean) / sd }
        return w.map { ($0 - w[0]) / 6 }
    }

    /// The published defaults of `mnist1d.data.get_dataset_args()`.
    public struct Settings: Sendable, Equatable {
        public var padding = 36...60
        public var scale = 0.4
        public var maxTranslation = 48
        public var correlatedNoise = 0.25
        public var iidNoise = 0.02
        public var shear = 0.75
        public var length = 40
        public init() {}
    }

    /// One example of class `label` (0–9), before the set's standardization.
    public static func example(_ label: Int, settings s: Settings = Settings(), rng: inout RNG) -> [Double] {
        let template = templates[label]
        let p = s.padding.lowerBound + rng.int(below: s.padding.count)
        var x = template.map { $0 + 1e-8 } + [Double](repeating: 0, count: p)
        let wide = template.count + s.padding.upperBound
        x = interpolate(x, to: wide)
        let factor = 1 + s.scale * (Double(rng.uniformDouble()) - 0.5)
        let k = rng.int(below: s.maxTranslation)
        var rolled = [Double](repeating: 0, count: wide)
        for i in 0..<wide { rolled[i] = x[(i - k + wide) % wide] * factor }
        var noise = (0..<wide).map { _ in s.correlatedNoise * Double(rng.normal()) }
        noise = gaussianFilter(noise, sigma: 2)
        let coefficient = s.shear * (Double(rng.uniformDouble()) - 0.5)
        for i in 0..<wide {
            if rolled[i] == 0 { rolled[i] = noise[i] }
            rolled[i] += s.iidNoise * Double(rng.normal())
            rolled[i] -= coefficient * (-0.5 + Double(i) / Double(wide - 1))
        }
        return interpolate(rolled, to: s.length)
    }

    /// `samples` examples (⌊samples/10⌋ per class, at least 1), shuffled and standardized, as a data set of
    /// [n, length] features.
    public static func dataset(samples: Int, seed: UInt64, settings: Settings = Settings()) -> Dataset {
        let per = max(1, samples / 10)
        var rng = RNG(seed: seed, stream: 0x3D1D)
        var rows: [[Double]] = []
        var labels: [Int32] = []
        for c in 0..<10 {
            for _ in 0..<per {
                rows.append(example(c, settings: settings, rng: &rng))
                labels.append(Int32(c))
            }
        }
        let order = rng.permutation(rows.count)
        let all = rows.flatMap { $0 }
        let mean = all.reduce(0, +) / Double(all.count)
        let sd = (all.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(all.count)).squareRoot()
        let d = settings.length
        var x = Tensor(zeros: [rows.count, d])
        x.withUnsafeMutableBufferPointer { p in
            for (r, i) in order.enumerated() { for j in 0..<d { p[r * d + j] = Float((rows[i][j] - mean) / sd) } }
        }
        let y = order.map { labels[$0] }
        return valid { () throws(FjordError) in try Dataset(name: "mnist1d", features: x, labels: y, classes: 10) }
    }

    /// Linear interpolation of a signal on linspace(0, 1, count) at linspace(0, 1, n) (scipy's `interp1d`).
    static func interpolate(_ x: [Double], to n: Int) -> [Double] {
        let m = x.count
        return (0..<n).map { i in
            let pos = n == 1 ? 0 : Double(i) * Double(m - 1) / Double(n - 1)
            let lo = min(Int(pos), m - 2)
            let f = pos - Double(lo)
            return f == 0 ? x[lo] : x[lo] * (1 - f) + x[lo + 1] * f
        }
    }

    /// scipy.ndimage.gaussian_filter in 1-D: weights exp(−t²/2σ²) for |t| ≤ ⌊4σ + ½⌋, normalized, edges reflected
    /// about the half sample (d c b a | a b c d | d c b a).
    static func gaussianFilter(_ x: [Double], sigma: Double) -> [Double] {
        let r = Int(4 * sigma + 0.5)
        var w = (-r...r).map { exp(-0.5 * Double($0 * $0) / (sigma * sigma)) }
        let total = w.reduce(0, +)
        w = w.map { $0 / total }
        let n = x.count
        func at(_ i: Int) -> Double {
            var j = i
            while j < 0 || j >= n { j = j < 0 ? -j - 1 : 2 * n - j - 1 }
            return x[j]
        }
        return (0..<n).map { i in (-r...r).enumerated().reduce(0) { $0 + w[$1.offset] * at(i + $1.element) } }
    }
}
