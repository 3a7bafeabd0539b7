import FjordCLI
import Kernel
import Learn

extension TrainingOptions {
    /// The MPI communicator when --backend mpi (nil for local simulation).
    func makeCommunicator() throws(FjordError) -> (any Communicator)? {
        guard backend == .mpi else { return nil }
        #if MPI
            return MPICommunicator()
        #else
            throw .usage(
                "--backend mpi: this build has no MPI support; build with `swift build --traits MPI` (needs libopenmpi-dev)"
            )
        #endif
    }

    func finalizeCommunicator(_ comm: (any Communicator)?) {
        #if MPI
            (comm as? MPICommunicator)?.finalize()
        #endif
    }
}
