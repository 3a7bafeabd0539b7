/// Which source label distribution p a ratio w = q/p is taken against. The mean squared error of an estimated
/// ratio depends on it (research/shift-adapt.md §4: on digits BBSE's MSE went from 0.126 to 0.0076 by fixing only
/// this), so every estimate names its convention.
public enum SourcePrior: String, CaseIterable, Sendable {
    /// The label frequencies of the labelled hold-out set (BBSE's and RLLS's natural choice).
    case holdoutLabels = "holdout-labels"
    /// The mean calibrated posterior on the hold-out set (abstention's EM default).
    case meanPosterior = "mean-posterior"
}

/// The label-shift estimators.
public enum LabelShiftMethod: String, CaseIterable, Sendable {
    /// Black-box shift estimation (Lipton et al. 2018): ŵ = Ĉ⁻¹μ̂ with the joint confusion matrix of hard predictions.
    case bbse
    /// BBSE with soft (probability) predictions in Ĉ and μ̂.
    case bbseSoft = "bbse-soft"
    /// Maximum-likelihood label shift by EM (Saerens et al. 2002), on calibrated posteriors.
    case mlls
    /// Regularised learning under label shift (Azizzadenesheli et al. 2019).
    case rlls
    /// Covariate shift: uLSIF density ratio p_test(x)/p_train(x) on features (``ULSIF``).
    case ulsif
    /// Covariate shift: KLIEP density ratio on features (``KLIEP``).
    case kliep
    /// Covariate shift: logistic regression of the domain on the features (``ClassifierRatio``).
    case classifier
    /// Covariate shift: the non-negative Bregman (nnBD-LSIF) neural ratio with an upper bound C (``NNBDRatio``).
    case nnbd

    /// The estimators of a density ratio on features (the others weight labels from posteriors).
    public var isDensityRatio: Bool { [.ulsif, .kliep, .classifier, .nnbd].contains(self) }
}

/// An estimated label shift: importance weights w_y = q(y)/p(y), the target prior q, the source prior p and the
/// convention p was taken in.
public struct LabelShiftEstimate: Sendable {
    public var method: LabelShiftMethod
    public var weights: [Double]
    public var target: [Double]
    public var source: [Double]
    public var convention: SourcePrior
    /// EM iterations (nil for the closed forms).
    public var iterations: Int?
    /// False when EM stopped at its iteration limit.
    public var converged = true
    /// Weights that came out negative and were clipped to 0 (BBSE, RLLS).
    public var clipped = 0

    /// Σ_y w_y p(y): 1 when the weights define a distribution against p.
    public var normalisation: Double { zip(weights, source).reduce(0) { $0 + $1.0 * $1.1 } }

    /// The mean squared error (1/m) Σ_y (ŵ_y − w*_y)² against true weights.
    public func meanSquaredError(_ truth: [Double]) -> Double { Self.meanSquaredError(weights, truth) }

    /// (1/m) Σ_y (a_y − b_y)².
    public static func meanSquaredError(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count)
        return zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(a.count)
    }
}
