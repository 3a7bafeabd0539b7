import Kernel

/// A mixture of equal-weight isotropic Gaussians in the plane: the toy target of GAN papers.
///
/// ``eightGaussians()`` is the set-up of the WGAN-GP toy script (Gulrajani et al. 2017, `gan_toy.py`): centres
/// scale·(±1, 0), (0, ±1), (±1/√2, ±1/√2) with scale 2, per-point noise N(0, 0.02²), and every point then divided by
/// 1.414; here the division is folded into the stored centres and standard deviation (radius 1.414, σ ≈ 0.01414).
public struct GaussianMixture: Sendable {
    /// The centres, flat (x₀, y₀, x₁, y₁, …).
    public let centers: [Float]
    /// The standard deviation of each coordinate around its centre.
    public let std: Float
    public var modes: Int { centers.count / 2 }

    public init(centers: [Float], std: Float) throws(FjordError) {
        guard centers.count >= 2, centers.count % 2 == 0, centers.allSatisfy(\.isFinite) else {
            throw .usage("mixture: centres must be finite (x, y) pairs")
        }
        guard std > 0, std.isFinite else { throw .usage("mixture: the standard deviation must be > 0, not \(std)") }
        self.centers = centers
        self.std = std
    }

    /// The 8 Gaussians on a circle of `scale`/1.414 with noise `std`/1.414 (the toy script's defaults 2 and 0.02).
    public static func eightGaussians(scale: Float = 2, std: Float = 0.02) throws(FjordError) -> GaussianMixture {
        let r = 1 / Float(2).squareRoot()
        let unit: [Float] = [1, 0, -1, 0, 0, 1, 0, -1, r, r, r, -r, -r, r, -r, -r]
        return try GaussianMixture(centers: unit.map { $0 * scale / 1.414 }, std: std / 1.414)
    }

    /// The 5 × 5 grid at spacing 2 with noise 0.05, divided by 2.828 (the toy script's `25gaussians`).
    public static func twentyFiveGaussians() throws(FjordError) -> GaussianMixture {
        var c: [Float] = []
        for x in -2...2 { for y in -2...2 { c += [Float(2 * x) / 2.828, Float(2 * y) / 2.828] } }
        return try GaussianMixture(centers: c, std: 0.05 / 2.828)
    }

    /// n points as an n×2 tensor: a uniformly chosen centre plus N(0, std²) per coordinate.
    public func sample(_ n: Int, rng: inout RNG) -> Tensor {
        var t = Tensor(uninitializedShape: [n, 2])
        t.withUnsafeMutableBufferPointer { p in
            for i in 0..<n {
                let k = rng.int(below: modes)
                p[2 * i] = centers[2 * k] + std * rng.normal()
                p[2 * i + 1] = centers[2 * k + 1] + std * rng.normal()
            }
        }
        return t
    }

    /// How well samples (n×2) cover the mixture, in the convention of the mode-collapse papers (VEEGAN, PacGAN):
    /// a sample is *high quality* when it lies within `radius`·σ (3) of its nearest centre; a mode is *covered* when
    /// at least `fraction` (0.8%, PacGAN's 20 of 2500) of all samples are high-quality samples of it.
    public func coverage(_ samples: Tensor, radius: Float = 3, fraction: Double = 0.008) -> Coverage {
        let n = samples.shape.first ?? 0
        var counts = [Int](repeating: 0, count: modes)
        let limit = (radius * std) * (radius * std)
        samples.withUnsafeBufferPointer { p in
            for i in 0..<n {
                var best = Float.infinity, k = 0
                for j in 0..<modes {
                    let dx = p[2 * i] - centers[2 * j], dy = p[2 * i + 1] - centers[2 * j + 1]
                    let d = dx * dx + dy * dy
                    if d < best { (best, k) = (d, j) }
                }
                if best <= limit { counts[k] += 1 }
            }
        }
        let good = counts.reduce(0, +)
        let need = max(1, Int((fraction * Double(n)).rounded(.up)))
        return Coverage(
            covered: counts.filter { $0 >= need }.count, modes: modes,
            highQuality: n == 0 ? 0 : Double(good) / Double(n), counts: counts)
    }

    /// The outcome of ``coverage(_:radius:fraction:)``.
    public struct Coverage: Sendable, Equatable {
        public var covered: Int
        public var modes: Int
        /// The fraction of samples within the radius of some centre.
        public var highQuality: Double
        /// High-quality samples per mode.
        public var counts: [Int]
    }
}
