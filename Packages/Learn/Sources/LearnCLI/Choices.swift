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
    /// The most rows a synthetic set may have (20 float32 features each: 800 MB at the limit).
    public static let maxSamples = 10_000_000

    /// A message when `samples` is not a usable row count for the synthetic sets, else nil.
    public static func checkSamples(_ samples: Int) -> String? {
        if samples < 10 { return "--samples must be ≥ 10, not \(samples)" }
        if samples > maxSamples {
            return "--samples \(samples) would need \(samples / 1_000_000 * 80) MB; at most \(maxSamples) rows"
        }
        return nil
    }

    /// The data set (a synthetic one with `samples` rows from `seed`).
    public func load(samples: Int, seed: UInt64) -> Dataset {
        switch self {
        case .gaussian:
            return Synthetic.gaussianMixture(samples: samples, dimension: 20, classes: 4, separation: 1, seed: seed)
        case .teacher:
            return Synthetic.teacherStudent(samples: samples, dimension: 20, hidden: 16, classes: 4, seed: seed)
        case .mnist1d: return MNIST1D.dataset(samples: samples, seed: seed)
        case .digits: return BundledData.digits.load()
        case .breastCancer: return BundledData.breastCancer.load()
        case .wine: return BundledData.wine.load()
        case .iris: return BundledData.iris.load()
        }
    }

    case digits, breastCancer = "breast-cancer", wine, iris, gaussian, teacher, mnist1d
    public var help: String {
        switch self {
        case .digits: return "8×8 handwritten digits, 1797 rows, 10 classes (bundled)"
        case .breastCancer: return "Wisconsin breast cancer, 569 rows, 2 classes (bundled)"
        case .wine: return "wine, 178 rows, 3 classes (bundled)"
        case .iris: return "iris, 150 rows, 3 classes (bundled)"
        case .gaussian: return "a seeded mixture of 4 Gaussians in 20 dimensions (--samples rows)"
        case .teacher: return "labels of a random teacher MLP on 20-dimensional inputs (--samples rows)"
        case .mnist1d: return "MNIST-1D (Greydanus 2020): 40-point 1-D signals of 10 digit templates (--samples rows)"
        }
    }
}
