import ArgumentParser
import FjordCLI
import Kernel
import ShiftAdapt

/// `shift-adapt`: label-shift and density-ratio estimation, calibration, and federated training under shift.
@main
struct ShiftAdaptTool: FjordTool {
    static let configuration = CommandConfiguration(
        commandName: "shift-adapt",
        abstract:
            "Estimate label shift and density ratios, calibrate classifiers, and train federated models under shift.",
        discussion: """
            Inputs and outputs are .npy tensors; every estimate names the source prior its ratios are against:
              shift-adapt calibrate --method bcts --logits val-logits.npy --labels val-y.npy --apply test-logits.npy -o test-p.npy
              shift-adapt estimate --method mlls --holdout val-p.npy --labels val-y.npy --target test-p.npy -o w.npy
              shift-adapt estimate --method nnbd --train train-x.npy --test test-x.npy -o r.npy
              shift-adapt simulate --config 5clients --ratios fitw | tensor to-csv
              shift-adapt train --config 5clients --weights vrls --scheme nuq --bits 4 -o params.npy
            """,
        version: fjordVersion,
        subcommands: [Estimate.self, Calibrate.self, Simulate.self, Train.self, Reproduce.self])
}

extension LabelShiftMethod: Choice {
    public var help: String {
        switch self {
        case .bbse: "black-box shift estimation, hard confusion matrix"
        case .bbseSoft: "black-box shift estimation, soft confusion matrix"
        case .mlls: "maximum likelihood by EM (Saerens), on calibrated posteriors"
        case .rlls: "regularised least squares with θ ≥ −1 (Azizzadenesheli)"
        case .ulsif: "covariate shift: uLSIF ratio p_test(x)/p_train(x) on --train/--test features"
        case .kliep: "covariate shift: KLIEP ratio p_test(x)/p_train(x) on --train/--test features"
        case .classifier: "covariate shift: logistic regression of the domain, p_test(x)/p_train(x)"
        case .nnbd: "covariate shift: non-negative Bregman neural ratio (FTW-ERM code), bound C given or by k-means"
        }
    }
}

extension SourcePrior: Choice {
    public var help: String {
        switch self {
        case .holdoutLabels: "the hold-out label frequencies"
        case .meanPosterior: "the mean calibrated hold-out posterior (abstention's EM default)"
        }
    }
}

extension Calibration.Kind: Choice {
    public var help: String {
        switch self {
        case .none: "no calibration"
        case .ts: "temperature scaling softmax(z/T)"
        case .vs: "vector scaling softmax(a ⊙ z + b)"
        case .bcts: "bias-corrected temperature scaling softmax(z/T + b)"
        }
    }
}

/// Posteriors from a file of probabilities, or of logits with `logits`.
func readPosteriors(_ path: String, logits: Bool) throws(FjordError) -> Posteriors {
    let t = try readOneTensor(path)
    return logits ? try Posteriors(logits: t, name: path) : try Posteriors(probabilities: t, name: path)
}
