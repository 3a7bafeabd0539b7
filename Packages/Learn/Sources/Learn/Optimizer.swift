import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// Updates a flat parameter vector from its gradient.
public protocol Optimizer {
    /// Steps taken so far (the index t of the next step).
    var steps: Int { get }
    /// θ ← update(θ, g); advances `steps`.
    mutating func step(_ parameters: UnsafeMutableBufferPointer<Float>, _ gradient: UnsafeBufferPointer<Float>)
    /// Everything the next steps depend on besides θ: the step count and the named moment buffers (empty before
    /// the first step), so that a checkpoint resumes a run exactly.
    var state: OptimizerState { get }
    /// Continues from a saved ``state``; throws `.data` when a buffer's name or length does not fit.
    mutating func restore(_ state: OptimizerState, dimension: Int) throws(FjordError)
}

/// An optimizer's resumable state: its step count and its moment buffers by name ("velocity"; "m" and "v").
public struct OptimizerState: Sendable, Equatable {
    public var steps: Int
    public var buffers: [String: [Float]]
    public init(steps: Int, buffers: [String: [Float]]) {
        self.steps = steps
        self.buffers = buffers
    }

    /// The buffer `name`, of `dimension` floats, or nil when the state holds none (an optimizer before its first
    /// step); throws when the state names a buffer the optimizer does not have or one of the wrong length.
    func buffer(_ name: String, dimension: Int, of known: Set<String>) throws(FjordError) -> [Float]? {
        if let unknown = Set(buffers.keys).subtracting(known).sorted().first {
            throw .data("optimizer state: no buffer '\(unknown)' in this optimizer (it has \(known.sorted()))")
        }
        guard let b = buffers[name] else { return nil }
        guard b.count == dimension else {
            throw .data("optimizer state: '\(name)' has \(b.count) values, the model has \(dimension) parameters")
        }
        return b
    }
}

/// Stochastic gradient descent with heavy-ball momentum, optionally only early (SGDEM), and L2 weight decay.
///
///     g_t = ∇ℓ(θ_t) + λ θ_t
///     v_t = μ_t v_{t−1} − α_t g_t,    θ_{t+1} = θ_t + v_t       (so θ_{t+1} − θ_t = μ_t (θ_t − θ_{t−1}) − α_t g_t)
///     μ_t = μ for t < E, 0 afterwards                            (SGD with early momentum: research/vi-opt.md)
///
/// `momentum: 0` is plain SGD; `momentumSteps: nil` keeps momentum throughout (SGDM, the special case E = ∞).
/// This is the heavy-ball form of the SGDEM paper (arXiv 1809.04564); PyTorch's `SGD(momentum=μ)` keeps
/// v = μv + g and steps θ −= α v, which is the same update under a constant rate and differs when α_t changes.
public struct SGD: Optimizer {
    public var schedule: Schedule
    public var momentum: Float
    public var momentumSteps: Int?
    public var weightDecay: Float
    public private(set) var steps = 0
    var velocity: [Float] = []

    public init(_ schedule: Schedule, momentum: Float = 0, momentumSteps: Int? = nil, weightDecay: Float = 0) {
        self.schedule = schedule
        self.momentum = momentum
        self.momentumSteps = momentumSteps
        self.weightDecay = weightDecay
    }

    /// The momentum coefficient μ_t in force at step t.
    public func momentum(at t: Int) -> Float {
        if let e = momentumSteps, t >= e { return 0 }
        return momentum
    }

    public mutating func step(_ p: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>) {
        precondition(p.count == g.count)
        let a = schedule.rate(at: steps), mu = momentum(at: steps), wd = weightDecay
        if mu == 0 && velocity.isEmpty {
            for i in 0..<p.count { p[i] -= a * (g[i] + wd * p[i]) }
        } else {
            if velocity.isEmpty { velocity = [Float](repeating: 0, count: p.count) }
            velocity.withUnsafeMutableBufferPointer { v in
                for i in 0..<p.count {
                    v[i] = mu * v[i] - a * (g[i] + wd * p[i])
                    p[i] += v[i]
                }
            }
        }
        steps += 1
    }

    public var state: OptimizerState {
        OptimizerState(steps: steps, buffers: velocity.isEmpty ? [:] : ["velocity": velocity])
    }

    public mutating func restore(_ state: OptimizerState, dimension: Int) throws(FjordError) {
        velocity = try state.buffer("velocity", dimension: dimension, of: ["velocity"]) ?? []
        steps = state.steps
    }
}

/// Adam (Kingma & Ba 2015), with bias correction; weight decay as L2 in the gradient (PyTorch's `Adam`) or
/// decoupled (`decoupled: true`, PyTorch's `AdamW`: θ ← θ − α λ θ before the Adam step).
///
///     m_t = β₁ m + (1−β₁) g,  v_t = β₂ v + (1−β₂) g²,  θ ← θ − α m_t/(1−β₁ᵗ) / (√(v_t/(1−β₂ᵗ)) + ε)
public struct Adam: Optimizer {
    public var schedule: Schedule
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var weightDecay: Float
    public var decoupled: Bool
    public private(set) var steps = 0
    var m: [Float] = []
    var v: [Float] = []

    public init(
        _ schedule: Schedule, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
        weightDecay: Float = 0, decoupled: Bool = false
    ) {
        self.schedule = schedule
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
    }

    public mutating func step(_ p: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>) {
        precondition(p.count == g.count)
        if m.isEmpty {
            m = [Float](repeating: 0, count: p.count)
            v = [Float](repeating: 0, count: p.count)
        }
        let a = schedule.rate(at: steps)
        let t = Float(steps + 1)
        let c1 = 1 - powf(beta1, t), c2 = 1 - powf(beta2, t)
        let (b1, b2, eps, wd, dec) = (beta1, beta2, epsilon, weightDecay, decoupled)
        m.withUnsafeMutableBufferPointer { mp in
            v.withUnsafeMutableBufferPointer { vp in
                for i in 0..<p.count {
                    var gi = g[i]
                    if dec { p[i] -= a * wd * p[i] } else { gi += wd * p[i] }
                    mp[i] = b1 * mp[i] + (1 - b1) * gi
                    vp[i] = b2 * vp[i] + (1 - b2) * gi * gi
                    p[i] -= a * (mp[i] / c1) / ((vp[i] / c2).squareRoot() + eps)
                }
            }
        }
        steps += 1
    }

    public var state: OptimizerState { OptimizerState(steps: steps, buffers: m.isEmpty ? [:] : ["m": m, "v": v]) }

    public mutating func restore(_ state: OptimizerState, dimension: Int) throws(FjordError) {
        let mm = try state.buffer("m", dimension: dimension, of: ["m", "v"])
        let vv = try state.buffer("v", dimension: dimension, of: ["m", "v"])
        guard (mm == nil) == (vv == nil) else { throw .data("optimizer state: Adam needs both 'm' and 'v'") }
        m = mm ?? []
        v = vv ?? []
        steps = state.steps
    }
}
