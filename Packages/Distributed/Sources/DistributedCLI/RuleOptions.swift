import ArgumentParser
import Exchange
import Kernel
import RobustAgg

/// How the workers' vectors are combined: the rule options of `robust-agg aggregate` and every training tool.
public struct RuleOptions: ParsableArguments {
    public init() {}

    @Option(help: "Aggregation rule (default: median; mean in quant train).") public var rule: RuleKind?
    @Option(
        name: .customShort("f"), help: "Byzantine workers the rule must tolerate (in training: the last f workers).")
    public var f = 0
    @Option(help: "Trimmed mean: values dropped at each end (default f).") var trim: Int?
    @Option(help: "Multi-Krum: rows averaged.") var m = 2
    @Option(help: "Centered clipping radius τ.") var tau = 100.0
    @Option(help: "Centered clipping iterations L.") var iterations = 1
    @Flag(help: "Apply nearest-neighbour mixing before the rule.") var nnm = false
    @Option(help: "Bucketing/resampling s for non-iid workers: average random buckets of s rows first (1 = off).")
    var resample = 1
    @Option(help: "Krum neighbours.") var neighbours = KrumNeighbours.paper

    public func validate() throws {
        if f < 0 { throw ValidationError("-f must be ≥ 0") }
        if !(tau > 0) { throw ValidationError("--tau must be positive") }
        if iterations < 1 { throw ValidationError("--iterations must be ≥ 1") }
        if resample < 1 { throw ValidationError("--resample must be ≥ 1") }
    }

    public var settings: RuleSettings {
        var o = RuleSettings(f: f)
        o.trim = trim
        o.m = m
        o.tau = tau
        o.iterations = iterations
        o.nnm = nnm
        o.resample = resample
        o.byzflNeighbours = neighbours == .byzfl
        return o
    }

    /// The rule named, or `fallback` when none is.
    public func kind(default fallback: RuleKind = .median) -> RuleKind { rule ?? fallback }
}
