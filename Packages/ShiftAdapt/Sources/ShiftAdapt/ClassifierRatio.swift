import Kernel

/// The probabilistic-classifier density ratio: logistic regression of the domain (test = 1, train = 0) on the features,
/// then by Bayes' rule
///
///     r̂(x) = p_test(x)/p_train(x) = (n_train/n_test) · P(test | x)/P(train | x) = (n_train/n_test) · exp(wᵀx + b)
///
/// The logistic model is exact when both domains are Gaussian with one covariance (the log-ratio is then affine).
/// Fitted by L-BFGS on the mean log-loss plus (λ/2)‖w‖² (the bias unpenalised), λ = 10⁻⁴ by default, features
/// standardised with the pooled mean and deviation (the weights are mapped back).
public struct ClassifierRatio: Sendable {
    public let dimension: Int
    /// w and b on the raw features.
    public let weights: [Double]
    public let bias: Double
    /// log(n_train/n_test), folded into ``ratio(_:)``.
    public let offset: Double

    public init(
        numerator x: [Double], denominator y: [Double], dimension d: Int, lambda: Double = 1e-4
    ) throws(FjordError) {
        guard d >= 1, x.count % d == 0, y.count % d == 0, x.count >= d, y.count >= d else {
            throw .data("classifier: both samples need ≥ 1 row of \(d) features")
        }
        guard x.allSatisfy(\.isFinite), y.allSatisfy(\.isFinite) else {
            throw .data("classifier: a sample has NaN or infinite features")
        }
        guard lambda >= 0, lambda.isFinite else { throw .usage("classifier: λ must be a finite number ≥ 0") }
        let nx = x.count / d, ny = y.count / d, n = nx + ny
        var mean = [Double](repeating: 0, count: d), sd = mean
        for r in 0..<n {
            for j in 0..<d { mean[j] += (r < nx ? x[r * d + j] : y[(r - nx) * d + j]) / Double(n) }
        }
        for r in 0..<n {
            for j in 0..<d {
                let v = (r < nx ? x[r * d + j] : y[(r - nx) * d + j]) - mean[j]
                sd[j] += v * v / Double(n)
            }
        }
        sd = sd.map { $0 > 0 ? $0.squareRoot() : 1 }
        func feature(_ r: Int, _ j: Int) -> Double { ((r < nx ? x[r * d + j] : y[(r - nx) * d + j]) - mean[j]) / sd[j] }
        var p = [Double](repeating: 0, count: d + 1)
        _ = LBFGS.minimize(&p) { q in
            var loss = 0.0
            var g = [Double](repeating: 0, count: d + 1)
            for r in 0..<n {
                var z = q[d]
                for j in 0..<d { z += q[j] * feature(r, j) }
                let t = r < nx ? 1.0 : 0.0
                // log(1 + e^z) − t z, stably
                loss += (z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))) - t * z
                let s = 1 / (1 + exp(-z)) - t
                for j in 0..<d { g[j] += s * feature(r, j) }
                g[d] += s
            }
            loss /= Double(n)
            for j in 0...d { g[j] /= Double(n) }
            for j in 0..<d {
                loss += lambda / 2 * q[j] * q[j]
                g[j] += lambda * q[j]
            }
            return (loss, g)
        }
        dimension = d
        weights = (0..<d).map { p[$0] / sd[$0] }
        bias = p[d] - (0..<d).reduce(0) { $0 + p[$1] * mean[$1] / sd[$1] }
        offset = log(Double(ny) / Double(nx))
    }

    /// r̂ at rows of `points` (n×d).
    public func ratio(_ points: [Double]) -> [Double] {
        (0..<(points.count / dimension)).map { i in
            var z = bias + offset
            for j in 0..<dimension { z += weights[j] * points[i * dimension + j] }
            return exp(z)
        }
    }
}

#if canImport(Glibc)
    import Glibc
#endif
