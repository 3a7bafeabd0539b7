import Kernel

/// Combines the n workers' vectors (the rows of an [n, d] stack) into one update direction of shape [d].
///
/// Contract: the result depends only on the stack and the draws from `rng`, so every worker that aggregates
/// the same stack with the same stream gets the same bits; a stack the rule is not defined for throws
/// (`.usage` for a bound on n and f, `.data` for NaN/Inf or a wrong shape), never traps.
public protocol AggregationRule {
    /// `rng` is shared by all workers for this step (identical draws everywhere, e.g. MixTailor's choice).
    mutating func aggregate(_ stack: Tensor, rng: inout RNG) throws(FjordError) -> Tensor
    var name: String { get }
}
