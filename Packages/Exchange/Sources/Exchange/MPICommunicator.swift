#if MPI
    import CMPI
    import Kernel

    /// One worker per process under `mpirun`, over Open MPI (built with the SwiftPM trait `MPI`).
    ///
    /// Allgather of variable-length bytes is MPI_Allgather of the lengths then MPI_Allgatherv of the bytes;
    /// `traffic` counts exactly the payload bytes handed to MPI for data (not the 8-byte length exchange,
    /// which ``lengthBytes`` counts apart).
    public final class MPICommunicator: Communicator {
        public let rank: Int
        public let size: Int
        public private(set) var traffic = Traffic()
        /// Bytes of the length exchange that precedes each variable-length allgather.
        public private(set) var lengthBytes = 0

        /// Initialises MPI (once per process) and reads rank and size of MPI_COMM_WORLD.
        public init() {
            var initialized: Int32 = 0
            MPI_Initialized(&initialized)
            if initialized == 0 { MPI_Init(nil, nil) }
            var r: Int32 = 0, s: Int32 = 0
            MPI_Comm_rank(fj_mpi_comm_world(), &r)
            MPI_Comm_size(fj_mpi_comm_world(), &s)
            rank = Int(r)
            size = Int(s)
        }

        /// Ends MPI for this process; call once, after the last collective.
        public func finalize() {
            var finalized: Int32 = 0
            MPI_Finalized(&finalized)
            if finalized == 0 { MPI_Finalize() }
        }

        public func barrier() { MPI_Barrier(fj_mpi_comm_world()) }

        public func allgather(_ bytes: [UInt8]) -> [[UInt8]] {
            var mine = Int64(bytes.count)
            var lengths = [Int64](repeating: 0, count: size)
            MPI_Allgather(&mine, 1, fj_mpi_long(), &lengths, 1, fj_mpi_long(), fj_mpi_comm_world())
            lengthBytes += 8
            let counts = lengths.map { Int32($0) }
            var displs = [Int32](repeating: 0, count: size)
            for r in 1..<max(size, 1) { displs[r] = displs[r - 1] + counts[r - 1] }
            let total = Int(lengths.reduce(0, +))
            var all = [UInt8](repeating: 0, count: max(total, 1))
            bytes.withUnsafeBytes { src in
                all.withUnsafeMutableBytes { dst in
                    _ = MPI_Allgatherv(
                        src.baseAddress, Int32(bytes.count), fj_mpi_byte(), dst.baseAddress, counts, displs,
                        fj_mpi_byte(), fj_mpi_comm_world())
                }
            }
            traffic.sent += bytes.count
            traffic.received += total - bytes.count
            return (0..<size).map { r in Array(all[Int(displs[r])..<Int(displs[r] + counts[r])]) }
        }

        public func allreduceSum(_ values: UnsafeMutableBufferPointer<Float>) {
            let copy = Array(values)
            copy.withUnsafeBufferPointer { src in
                _ = MPI_Allreduce(
                    src.baseAddress, values.baseAddress, Int32(values.count), fj_mpi_float(), fj_mpi_sum(),
                    fj_mpi_comm_world())
            }
            traffic.sent += values.count * 4
            traffic.received += values.count * 4
        }

        public func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int) {
            MPI_Bcast(bytes.baseAddress, Int32(bytes.count), fj_mpi_byte(), Int32(root), fj_mpi_comm_world())
            traffic.sent += bytes.count
            traffic.received += bytes.count
        }
    }
#endif
