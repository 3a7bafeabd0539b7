import FjordCLI
import Kernel
import Learn

extension Backend {
    static let noMPI = FjordError.usage(
        "--backend mpi: this build has no MPI support; build with `swift build --traits MPI` (needs libopenmpi-dev)")

    /// A tool's run on either backend: `spmd` on this process's rank under mpirun (`.mpi`; the communicator is
    /// finalized after it returns), or `local` in this process. Returns the result and the rank (0 locally), so the
    /// caller writes its outputs on rank 0 only.
    public func run<R>(
        timeout: Double = 300, spmd: (any Communicator) throws -> R, local: () throws -> R
    ) throws -> (result: R, rank: Int) {
        switch self {
        case .local: return (try local(), 0)
        case .mpi:
            #if MPI
                let comm = MPICommunicator(timeout: timeout)
                defer { comm.finalize() }
                return (try spmd(comm), comm.rank)
            #else
                throw Backend.noMPI
            #endif
        }
    }
}

extension TrainingOptions {
    /// The MPI communicator when --backend mpi (nil for local simulation).
    func makeCommunicator() throws(FjordError) -> (any Communicator)? {
        guard backend == .mpi else { return nil }
        #if MPI
            return MPICommunicator(timeout: mpiTimeout)
        #else
            throw Backend.noMPI
        #endif
    }

    /// Refuses a run whose ranks were started with different settings (`mpirun … --steps 50 : … --steps 60`), which
    /// would otherwise wait forever at a collective: every rank allgathers a hash of its command line, and all of
    /// them stop with the same `.data` error (exit 65) naming the first rank that differs from rank 0.
    func checkSameSettings(_ comm: any Communicator) throws(FjordError) {
        let mine = fnv1a(CommandLine.arguments.dropFirst().joined(separator: "\u{0}"))
        let all = comm.allgather(withUnsafeBytes(of: mine.littleEndian) { Array($0) })
        if let other = all.firstIndex(where: { $0 != all[0] }) {
            throw .data("rank \(other) was started with other settings than rank 0 (the same command on every rank)")
        }
    }

    func finalizeCommunicator(_ comm: (any Communicator)?) {
        #if MPI
            (comm as? MPICommunicator)?.finalize()
        #endif
    }
}
