/// The parameters a rule may take, shared by every ``RuleKind`` (each reads the ones it needs).
public struct RuleSettings: Sendable {
    /// Byzantine workers to tolerate.
    public var f: Int
    /// Trimmed mean: values dropped at each end (nil: f).
    public var trim: Int?
    /// Multi-Krum: rows averaged.
    public var m: Int = 2
    /// Centered clipping radius τ and iterations L.
    public var tau: Double = 100
    public var iterations: Int = 1
    /// Nearest-neighbour mixing before the rule.
    public var nnm = false
    /// Bucketing size s (1 = off): average random buckets of s rows before the rule.
    public var resample = 1
    /// Krum neighbours n−f−1 (byzfl) instead of the paper's n−f−2.
    public var byzflNeighbours = false
    /// Threads for the column-parallel rules (median, trimmed mean, geomed); their results do not depend on it.
    public var threads = 1
    public init(f: Int) { self.f = f }
}
