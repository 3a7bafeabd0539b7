import ArgumentParser
import FjordCLI
import Learn

extension OptimizerKind: ExpressibleByArgument, Choice {}
extension ScheduleKind: ExpressibleByArgument, Choice {}

extension Activation.Kind: ExpressibleByArgument, Choice {
    public var help: String {
        switch self {
        case .relu: return "max(0, x)"
        case .gelu: return "x Φ(x), exact erf form"
        case .tanh: return "tanh x"
        case .sigmoid: return "1 / (1 + e^−x)"
        }
    }
}

extension Partition: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public var defaultValueDescription: String { name }
}

/// Where the workers run.
public enum Backend: String, Choice {
    case local, mpi
    public var help: String {
        switch self {
        case .local: return "simulate --workers threads in this process"
        case .mpi: return "one worker per process under mpirun (build with --traits MPI)"
        }
    }
}

/// The data a training tool reads when no --features/--labels pair is given.
public enum DataSource: String, Choice {
    case digits, breastCancer = "breast-cancer", wine, iris, gaussian, teacher
    public var help: String {
        switch self {
        case .digits: return "8×8 handwritten digits, 1797 rows, 10 classes (bundled)"
        case .breastCancer: return "Wisconsin breast cancer, 569 rows, 2 classes (bundled)"
        case .wine: return "wine, 178 rows, 3 classes (bundled)"
        case .iris: return "iris, 150 rows, 3 classes (bundled)"
        case .gaussian: return "a seeded mixture of 4 Gaussians in 20 dimensions (--samples rows)"
        case .teacher: return "labels of a random teacher MLP on 20-dimensional inputs (--samples rows)"
        }
    }
}
