/// The methods, with γ the step (γ = lr, or with `adaptive` γ = lr/√(1 + S), S the running sum of squared
/// differences named below), V the (exchanged) oracle and x₁ the start:
///
/// | method | per iteration | oracle calls | S adds |
/// |---|---|---|---|
/// | `gda` | x ← x − γ V(x) | 1 | ‖V(x)‖² |
/// | `eg` (extra-gradient) | x½ = x − γ V(x); x ← x − γ V(x½) | 2 | ‖V(x½) − V(x)‖² |
/// | `og` (optimistic) | x ← x − 2γ V(x) + γ V(x_prev) | 1 | ‖V(x) − V(x_prev)‖² |
/// | `dual-avg` | x½ = x; Y ← Y − V(x½); x = x₁ + γ Y | 1 | ‖V(x½)‖² |
/// | `dual-x` (dual extrapolation) | x½ = x − γ V(x); Y ← Y − V(x½); x = x₁ + γ Y | 2 | ‖V(x½) − V(x)‖² |
/// | `dual-opt` (optimistic dual) | x½ = x − γ V(x½_prev); Y ← Y − V(x½); x = x₁ + γ Y | 1 | ‖V(x½) − V(x½_prev)‖² |
///
/// The three dual methods are the generalized extra-gradient template of the reference code
/// (`LIONS-EPFL/vi-relative-noise-numerics`, `GeneralizedExtragrad`): the step of x½ uses S before the iteration, the
/// step of x uses S after it. **Q-GenX** (Ramezani-Kebrya et al., ICLR 2023) is `dual-x` or `dual-opt` run on K
/// workers whose oracle vectors pass through a codec before they are averaged: V is then the mean of the decoded
/// (quantized) vectors, and S sums the squared differences of those means, so the step adapts to the quantization
/// noise too. (The paper's step sums per-worker differences and may carry a factor K; we have the means only, as
/// every worker does after one exchange: a difference from the paper stated in the README.)
public enum VIMethod: String, CaseIterable, Sendable {
    case gda
    case extragradient = "eg"
    case optimistic = "og"
    case dualAveraging = "dual-avg"
    case dualExtrapolation = "dual-x"
    case dualOptimistic = "dual-opt"

    /// Oracle calls (and exchanges) per iteration, after the first.
    public var callsPerIteration: Int { self == .extragradient || self == .dualExtrapolation ? 2 : 1 }

    public var isDual: Bool { self == .dualAveraging || self == .dualExtrapolation || self == .dualOptimistic }
}
