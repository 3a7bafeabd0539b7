import ArgumentParser
import FjordCLI
import Kernel
import ShiftAdapt

/// The federated set-ups `simulate` knows.
enum ConfigKind: String, Choice {
    case fiveClients = "5clients"
    case tenClients = "10clients-v2"
    var help: String {
        switch self {
        case .fiveClients: "client k trains on {5+k: 0.95}, is tested on {k: 0.95} (10 classes)"
        case .tenClients: "client i trains on {i: 0.95}, is tested on {9−i: 0.95}"
        }
    }
    var make: ShiftConfiguration {
        switch self {
        case .fiveClients: .fiveClients()
        case .tenClients: .tenClients()
        }
    }
}

enum RatioKind: String, Choice {
    case fitw, ftw, train, test
    var help: String {
        switch self {
        case .fitw: "p_te,k / p_tr,k (each client's own test over its train)"
        case .ftw: "p̄_te / p_tr,k (the clients' pooled test over each train)"
        case .train: "the train distributions p_tr,k"
        case .test: "the test distributions p_te,k"
        }
    }
}

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Label-shift set-ups: federated configurations' true ratios, Dirichlet and tweak-one target priors.",
        discussion: """
            --config writes a clients × classes matrix (--ratios fitw, ftw, train or test); --dirichlet α writes \
            --draws target priors q ~ Dir(α·1) (draws × classes); --tweak-one ρ writes the prior with class --class at \
            ρ and the rest equal. All as float32 .npy.
            Example: shift-adapt simulate --config 5clients --ratios ftw | tensor to-csv
            """)

    @Option(help: "A federated configuration.") var config: ConfigKind?
    @Option(help: "Which matrix of the configuration.") var ratios = RatioKind.fitw
    @Option(help: "Dirichlet concentration α of random target priors.") var dirichlet: Double?
    @Option(help: "Tweak-one prior ρ of --class.") var tweakOne: Double?
    @Option(name: .customLong("class"), help: "The tweaked class.") var tweaked = 0
    @Option(help: "Classes of --dirichlet and --tweak-one.") var classes = 10
    @Option(help: "Priors drawn with --dirichlet.") var draws = 1
    @Option(help: "Seed of --dirichlet.") var seed: UInt64 = 0
    @OptionGroup var output: OutputOptions

    func validate() throws {
        let n = [config != nil, dirichlet != nil, tweakOne != nil].filter { $0 }.count
        if n != 1 { throw ValidationError("give exactly one of --config, --dirichlet and --tweak-one") }
        if classes < 2 || classes > 100_000 { throw ValidationError("--classes must be in 2…100000") }
        if draws < 1 || draws > 1_000_000 { throw ValidationError("--draws must be in 1…10^6") }
    }

    func run() throws { try runTool("shift-adapt simulate") { try execute() } }

    func execute() throws {
        var rows: [[Double]]
        if let config {
            let c = config.make
            switch ratios {
            case .fitw: rows = c.ratios(combined: false)
            case .ftw: rows = c.ratios(combined: true)
            case .train: rows = c.train
            case .test: rows = c.test
            }
        } else if let dirichlet {
            var rng = RNG(seed: seed)
            rows = []
            for _ in 0..<draws { rows.append(try PriorShift.dirichlet(alpha: dirichlet, classes: classes, rng: &rng)) }
        } else {
            rows = [try PriorShift.tweakOne(rho: tweakOne!, target: tweaked, classes: classes)]
        }
        let t = Tensor(shape: [rows.count, rows[0].count], values: rows.flatMap { $0.map(Float.init) })
        try output.write { sink in try NpyWriter(sink).write(t) }
    }
}
