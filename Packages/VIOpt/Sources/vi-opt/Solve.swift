import ArgumentParser
import DistributedCLI
import Exchange
import FjordCLI
import Foundation
import Kernel
import LearnCLI
import Quant
import VIOpt

/// The problems `solve` knows.
enum ProblemKind: String, Choice {
    case bilinear, quadratic, banded, kelly, covariance, rps, matrix
    var help: String {
        switch self {
        case .bilinear: "min_x max_y xᵀAy ± λ/2 regularisation (A seeded, or --matrix)"
        case .quadratic: "A(z) = Mz − b, M = μI + skew (or --matrix for M)"
        case .banded: "diagonal plus a skew-symmetric band, one pass, for large --dimension"
        case .kelly: "the 4-player Kelly auction with its known equilibrium"
        case .covariance: "a WGAN learning Σ (linear generator, quadratic critic)"
        case .rps: "rock–paper–scissors on simplices"
        case .matrix: "a zero-sum game on simplices (seeded payoffs, or --matrix)"
        }
    }
}

extension VIMethod: Choice {
    public var help: String {
        switch self {
        case .gda: "gradient descent–ascent"
        case .extragradient: "extra-gradient (two oracle calls)"
        case .optimistic: "optimistic gradient (one call, the previous one reused)"
        case .dualAveraging: "dual averaging"
        case .dualExtrapolation: "dual extrapolation (Q-GenX with a codec)"
        case .dualOptimistic: "optimistic dual averaging (QODA's exchange: one message per iteration)"
        }
    }
}

struct Solve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a method on a problem; write the trajectory of metrics as a .npy tensor.",
        discussion: """
            Problems: bilinear (min_x max_y xᵀAy ± λ/2 regularisation; A seeded N(0, 1/n), or --matrix FILE.npy), \
            covariance (a WGAN learning Σ with a linear generator and a quadratic critic, from V = I; the summary gives \
            max |VVᵀ − Σ|), rps and matrix (zero-sum games on simplices, seeded N(0, 1) payoffs or --matrix; entropic \
            steps from seeded interior strategies, duality gap), \
            quadratic (A(z) = Mz − b, M = μI + skew, or --matrix FILE.npy for M), banded (diagonal plus a skew-symmetric \
            band, for large --dimension), kelly (the 4-player Kelly auction, x* = 185.76, 326.15, 441.015, 536.735). \
            Methods: gda, eg, og, dual-avg, dual-x, dual-opt (--adaptive: step lr/√(1 + Σ‖ΔV‖²)). With --workers K each \
            worker draws its own oracle noise (--noise-abs, --noise-rel) and every oracle vector is exchanged through \
            --scheme (any quant codec): Q-GenX is dual-x or dual-opt with a codec; QODA is dual-opt with --scheme alq \
            --layerwise (levels learned per block type: a game's players, a GAN's generator and critic). Output: one row per --every \
            iterations, columns iteration, ‖x½ − x*‖, ‖x̄ − x*‖ (running mean of half iterates), ‖A(x½)‖, bytes sent \
            per worker, the duality gap (matrix games; NaN otherwise); the distance columns are NaN for a problem without a known solution, and --require-solution \
            makes that an error.
            Example: vi-opt solve --problem bilinear --dimension 200 --method dual-x --adaptive --lr 1 --iterations 2000 -o traj.npy
            """)

    @Option(help: "Problem.") var problem = ProblemKind.bilinear
    @Option(help: "Size: the side of A (bilinear: m = n), of M (quadratic), or d (banded).") var dimension = 100
    @Option(help: ArgumentHelp("Game matrix as .npy (bilinear A, quadratic M).", valueName: "FILE")) var matrix: String?
    @Option(help: "Regularisation λ (bilinear) or strong monotonicity μ (quadratic, banded).") var lambda: Float = 0
    @Option(help: "Method.") var method = VIMethod.extragradient
    @Option(help: "Step size (base rate with --adaptive).") var lr: Float = 0.1
    @Flag(help: "Adaptive step lr/√(1 + S) of the generalized extra-gradient template.") var adaptive = false
    @Option(help: "Iterations.") var iterations = 1000
    @Option(help: "Record metrics every N iterations.") var every = 1
    @Option(help: "Absolute oracle noise σ_abs.") var noiseAbs: Float = 0
    @Option(help: "Relative oracle noise σ_rel (times ‖A(x)‖).") var noiseRel: Float = 0
    @Option(help: "Workers, each with its own oracle noise (threads; with --backend mpi, the mpirun ranks).")
    var workers = 1
    @Option(help: "Where the workers run: local (threads) or mpi (one per rank under mpirun, build with --traits MPI).")
    var backend = Backend.local
    @Option(help: ArgumentHelp("Also write the final iterate x as .npy to FILE (rank 0).", valueName: "FILE"))
    var iterate: String?
    @OptionGroup var codec: CodecOptions
    @Option(help: "Every coordinate of the start x₁ (default: 1 for bilinear, whose solution is 0; else 0).")
    var start: Float?
    @Option(help: "Seed of the problem, the noise and the codecs.") var seed: UInt64 = 0
    @Flag(help: "Fail when the problem has no known solution (instead of NaN distances).") var requireSolution = false
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if dimension < 1 || dimension > 100_000_000 { throw ValidationError("--dimension must be in 1…10^8") }
        if workers < 1 || workers > 256 { throw ValidationError("--workers must be in 1…256") }
        if !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be a finite number > 0, not \(lr)") }
        if iterations < 1 { throw ValidationError("--iterations must be ≥ 1") }
        if every < 1 { throw ValidationError("--every must be ≥ 1") }
        for (v, n) in [(noiseAbs, "--noise-abs"), (noiseRel, "--noise-rel"), (lambda, "--lambda")]
        where !(v >= 0 && v.isFinite) {
            throw ValidationError("\(n) must be a finite number ≥ 0")
        }
    }

    func makeProblem() throws(FjordError) -> any MonotoneOperator {
        func load() throws(FjordError) -> Tensor? {
            guard let matrix else { return nil }
            return try readOneTensor(matrix, what: "matrix")
        }
        switch problem {
        case .bilinear:
            if let a = try load() {
                do { return try BilinearGame(a, lambda: lambda) } catch { throw error.prefixed(matrix!) }
            }
            return try BilinearGame.random(m: dimension, n: dimension, lambda: lambda, seed: seed)
        case .quadratic:
            if let m = try load() {
                guard m.shape.count == 2, m.shape[0] == m.shape[1] else {
                    throw .data("\(matrix!): M must be a square matrix, not of shape \(m.shape)")
                }
                var rng = RNG(seed: seed)
                let b = (0..<m.shape[0]).map { _ in rng.normal() }
                do { return try QuadraticGame(m, b) } catch { throw error.prefixed(matrix!) }
            }
            return try QuadraticGame.random(dimension: dimension, mu: lambda > 0 ? lambda : 0.1, seed: seed)
        case .banded:
            return try BandedGame(dimension: dimension, mu: lambda > 0 ? lambda : 0.1, seed: seed)
        case .kelly:
            return try KellyAuction()
        case .rps:
            return try MatrixGame.rockPaperScissors()
        case .matrix:
            if let g = try load() {
                do { return try MatrixGame(g) } catch { throw error.prefixed(matrix!) }
            }
            return try MatrixGame.random(m: dimension, n: dimension, seed: seed)
        case .covariance:
            guard dimension <= 1000 else {
                throw .usage("--dimension of covariance learning must be ≤ 1000 (n×n matrices)")
            }
            return try CovarianceLearning.random(n: dimension, seed: seed)
        }
    }

    func run() throws { try runTool("vi-opt solve") { try execute() } }

    func execute() throws {
        let p = try makeProblem()
        if requireSolution && p.solution == nil {
            throw FjordError.data("\(p.name) has no known solution: distances cannot be computed")
        }
        var o = VISolver.Options(method: method, lr: lr, iterations: iterations)
        o.adaptive = adaptive
        o.every = every
        o.noise = NoiseModel(absolute: noiseAbs, relative: noiseRel)
        o.seed = seed
        let x1 = start ?? (problem == .bilinear ? 1 : 0)
        guard x1.isFinite else { throw FjordError.usage("--start must be finite") }
        o.start = [Float](repeating: x1, count: p.dimension)
        if let c = p as? CovarianceLearning, start == nil { o.start = c.identityStart }
        if let g = p as? MatrixGame {
            guard start == nil else {
                throw FjordError.usage("--start: a matrix game starts from seeded interior strategies (--seed)")
            }
            o.start = g.randomStart(seed: seed)
        }
        let factory = try (codec.scheme ?? .none).factory(
            codec.settings, dimension: p.dimension, blocks: p.blocks.map { (offset: $0.offset, count: $0.count) },
            types: p.blocks.map(\.type))
        let (result, rank) = try backend.run(
            spmd: { comm in try VISolver.run(p, o, comm: comm, codec: try factory?(comm.rank)) },
            local: { try VISolver.simulate(p, o, workers: workers, codec: factory)[0] })
        if rank != 0 { return }  // every rank holds the same trajectory; rank 0 writes it
        let rows = result.rows
        var values: [Float] = []
        for r in rows {
            values += [
                Float(r.iteration), Float(r.distance ?? .nan), Float(r.averageDistance ?? .nan),
                Float(r.operatorNorm), Float(r.bytesSent), Float(r.gap ?? .nan),
            ]
        }
        try output.write { sink in try NpyWriter(sink).write(Tensor(shape: [rows.count, 6], values: values)) }
        if let iterate {
            try AtomicFile.write(to: iterate) { sink throws(FjordError) in
                try NpyWriter(sink).write(Tensor(result.last))
            }
        }
        if let last = rows.last {
            var dist = last.distance.map { ", ‖x½ − x*‖ = " + NumberFormat.significant($0) } ?? ""
            if let gap = last.gap { dist += ", duality gap = " + NumberFormat.significant(gap) }
            if let c = p as? CovarianceLearning {
                dist += ", max |VVᵀ − Σ| = " + NumberFormat.significant(Double(c.generatorError(result.last)))
            }
            printError(
                "vi-opt solve: \(p.name), \(method.rawValue), \(iterations) iterations\(dist), ‖A(x½)‖ = \(NumberFormat.significant(last.operatorNorm)), \(last.bytesSent) bytes sent per worker, \(NumberFormat.significant(Double(iterations) / result.seconds)) iterations/s"
            )
        }
    }
}

extension FjordError {
    /// The same error with `what: ` in front of its message.
    func prefixed(_ what: String) -> FjordError {
        FjordError(kind, "\(what): \(message)")
    }
}
