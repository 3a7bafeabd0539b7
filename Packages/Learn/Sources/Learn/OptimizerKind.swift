/// The optimizers a tool can name, each with its help text and its factory (one table: `--help` lists the
/// choices the factory builds).
public enum OptimizerKind: String, CaseIterable, Sendable {
    case sgd, adam, adamw

    public var help: String {
        switch self {
        case .sgd: return "SGD; with momentum μ heavy ball, with early momentum E SGDEM"
        case .adam: return "Adam, weight decay as L2"
        case .adamw: return "AdamW, decoupled weight decay"
        }
    }

    /// The default learning rate of the tools (0.1 for SGD, 0.01 for the Adams).
    public var defaultRate: Float { self == .sgd ? 0.1 : 0.01 }

    public func make(
        _ schedule: Schedule, momentum: Float = 0, earlyMomentum: Int? = nil,
        weightDecay: Float = 0
    ) -> any Optimizer {
        switch self {
        case .sgd: return SGD(schedule, momentum: momentum, momentumSteps: earlyMomentum, weightDecay: weightDecay)
        case .adam: return Adam(schedule, weightDecay: weightDecay)
        case .adamw: return Adam(schedule, weightDecay: weightDecay, decoupled: true)
        }
    }
}

/// The learning-rate schedules a tool can name, over a run of `total` steps.
public enum ScheduleKind: String, CaseIterable, Sendable {
    case constant, cosine, step

    public var help: String {
        switch self {
        case .constant: return "α throughout"
        case .cosine: return "cosine annealing to 0 over the run"
        case .step: return "×0.1 every third of the run"
        }
    }

    public func make(_ rate: Float, total: Int) -> Schedule {
        switch self {
        case .constant: return .constant(rate)
        case .cosine: return .cosine(rate, total: total)
        case .step: return .step(rate, gamma: 0.1, every: max(1, total / 3))
        }
    }
}
