import Kernel

/// A parameter block a layer declares: a local name ("weight", "bias") and a shape.
public struct ParameterSpec: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public init(_ name: String, _ shape: [Int]) {
        self.name = name
        self.shape = shape
    }
    public var count: Int { shape.reduce(1, *) }
}

/// A layer with a hand-written backward pass.
///
/// Parameters and gradients live in the owning model's two flat buffers (so a whole gradient can be
/// quantized, attacked or aggregated as one vector); the model binds each layer to its slices with
/// ``bind(parameters:gradients:)``. `forward` caches what `backward` needs; `backward` *accumulates*
/// into the parameter gradients (the model zeroes them per step) and returns the input gradient.
/// Inputs are row-major tensors whose last axis is the feature axis unless a layer says otherwise.
public protocol Layer: AnyObject {
    /// The parameter blocks, in the order they sit in the flat buffers.
    var parameterSpecs: [ParameterSpec] { get }
    /// Hands the layer its slices of the model's parameter and gradient buffers.
    func bind(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>)
    /// Fills the parameters with their initial values.
    func initialize(_ rng: inout RNG)
    /// y = f(x); caches what the backward pass needs.
    func forward(_ x: Tensor) -> Tensor
    /// Given ∂L/∂y of the last forward, accumulates ∂L/∂θ and returns ∂L/∂x.
    func backward(_ dy: Tensor) -> Tensor
    /// A short description for summaries ("Linear(64→32)").
    var summary: String { get }
}

extension Layer {
    public var parameterSpecs: [ParameterSpec] { [] }
    public func bind(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {}
    public func initialize(_ rng: inout RNG) {}
}

/// A layer that can skip its input gradient when nothing below it needs one (the first layer of a model):
/// it accumulates ∂L/∂θ only. For a Linear first layer this saves a third of its backward FLOPs.
public protocol ParameterGradientOnly: Layer {
    func backwardParameters(_ dy: Tensor)
}

/// Flattens all leading axes: a tensor of shape [a, b, …, f] viewed as [a·b·…, f].
@inlinable func rows(_ x: Tensor) -> (n: Int, f: Int) {
    let f = x.shape.last ?? 1
    return (f == 0 ? 0 : x.count / f, f)
}
