import Kernel

/// A monotone operator A: ℝᵈ → ℝᵈ, ⟨A(x) − A(y), x − y⟩ ≥ 0: the object a variational-inequality method solves
/// (find x* with ⟨A(x*), x − x*⟩ ≥ 0 for all x). A min-max problem min_x max_y f(x, y) is the operator
/// A(x, y) = (∇ₓf, −∇_y f).
///
/// Contract: `apply` writes A(x) for `x.count == dimension` into `out` (same length), allocates nothing, and is
/// deterministic. `solution` is the known solution when there is one (nil otherwise: asking a distance of such a
/// problem is an error).
public protocol MonotoneOperator: Sendable {
    /// What the problem is, for messages and reports ("bilinear 1000×1000, λ = 0").
    var name: String { get }
    var dimension: Int { get }
    /// The known solution x*, if any.
    var solution: [Float]? { get }
    /// A(x) into `out`.
    func apply(_ x: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>)
    /// The blocks of x a layer-wise codec quantizes separately, with a type each (QODA's layer types): one block
    /// of type 0 unless the problem has parts (a game's players, a GAN's generator and critic).
    var blocks: [(offset: Int, count: Int, type: Int)] { get }
    /// Blocks constrained to probability simplices (entropic steps keep them there); nil: unconstrained ℝᵈ.
    var simplices: [(offset: Int, count: Int)]? { get }
    /// The problem's own optimality measure at x where it has one (a matrix game's duality gap); nil otherwise.
    func gap(_ x: UnsafeBufferPointer<Float>) -> Double?
}

extension MonotoneOperator {
    public var blocks: [(offset: Int, count: Int, type: Int)] { [(0, dimension, 0)] }
    public var simplices: [(offset: Int, count: Int)]? { nil }
    public func gap(_ x: UnsafeBufferPointer<Float>) -> Double? { nil }

    /// A(x) as a new array (for tests and metrics; the solver's loop uses `apply` into its own buffers).
    public func callAsFunction(_ x: [Float]) -> [Float] {
        precondition(x.count == dimension)
        var out = [Float](repeating: 0, count: dimension)
        x.withUnsafeBufferPointer { xb in out.withUnsafeMutableBufferPointer { apply(xb, into: $0) } }
        return out
    }
}
