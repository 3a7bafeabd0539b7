import Kernel

/// One entry to the feature-based density-ratio estimators r̂(x) = p_test(x)/p_train(x): ``ULSIF``, ``KLIEP``,
/// ``ClassifierRatio`` and ``NNBDRatio``, fitted on test (numerator) and train (denominator) rows, row-major with `dimension` columns.
public enum DensityRatio {
    public struct Settings: Sendable {
        /// Kernel widths to choose from (uLSIF by leave-one-out, KLIEP by cross-validation).
        public var sigmas = ULSIF.defaultGrid
        /// uLSIF's regularisations to choose from.
        public var lambdas = ULSIF.defaultGrid
        /// The classifier's L2 weight.
        public var l2 = 1e-4
        /// Gaussian kernels (uLSIF, KLIEP), centred on test rows.
        public var kernels = 100
        /// Seed of the centres (and of KLIEP's folds, nnBD's model and batches).
        public var seed: UInt64 = 0
        /// nnBD's model, steps and bound C (its seed is `seed`).
        public var nnbd = NNBDRatio.Options()
        public init() {}
    }

    public struct Fit: Sendable {
        public let ratio: @Sendable ([Double]) -> [Double]
        /// What was chosen or fixed: σ, λ, kernels, l2.
        public let parameters: [(name: String, value: Double)]
    }

    public static func fit(
        _ method: LabelShiftMethod, numerator x: [Double], denominator y: [Double], dimension d: Int,
        _ s: Settings = Settings()
    ) throws -> Fit {
        switch method {
        case .ulsif:
            let f = try ULSIF(
                numerator: x, denominator: y, dimension: d, sigmas: s.sigmas, lambdas: s.lambdas, kernels: s.kernels,
                seed: s.seed)
            return Fit(
                ratio: f.ratio,
                parameters: [("sigma", f.sigma), ("lambda", f.lambda), ("kernels", Double(f.theta.count))])
        case .kliep:
            let f = try KLIEP(
                numerator: x, denominator: y, dimension: d, sigmas: s.sigmas, kernels: s.kernels, seed: s.seed)
            return Fit(ratio: f.ratio, parameters: [("sigma", f.sigma), ("kernels", Double(f.alpha.count))])
        case .classifier:
            let f = try ClassifierRatio(numerator: x, denominator: y, dimension: d, lambda: s.l2)
            return Fit(ratio: f.ratio, parameters: [("l2", s.l2)])
        case .nnbd:
            var o = s.nnbd
            o.seed = s.seed
            let f = try NNBDRatio(numerator: x, denominator: y, dimension: d, o)
            return Fit(
                ratio: f.ratio,
                parameters: [
                    ("bound", f.bound), ("bound_estimated", f.boundEstimated ? 1 : 0), ("steps", Double(o.steps)),
                ])
        case .bbse, .bbseSoft, .mlls, .rlls:
            throw FjordError.usage(
                "\(method.rawValue) estimates label weights from posteriors, not a density ratio on features")
        }
    }
}
