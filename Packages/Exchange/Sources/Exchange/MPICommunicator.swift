#if MPI
    import CMPI
    import Kernel

    /// One worker per process under `mpirun`, over Open MPI (built with the SwiftPM trait `MPI`).
    ///
    /// Allgather of variable-length bytes is an exchange of the lengths, then MPI_Allgatherv of the bytes;
    /// `traffic` counts exactly the payload bytes handed to MPI for data (not the 8-byte lengths, which
    /// ``lengthBytes`` counts apart).
    ///
    /// **No collective waits forever.** MPI's collectives have no timeout, so a rank that stops (SIGSTOP, a hung
    /// node, a debugger) would leave the others spinning. Every collective therefore starts with the length
    /// exchange done point to point (each rank sends its 8 bytes to each other rank and polls the receives): when a
    /// rank has sent nothing for `timeout` seconds, every waiting rank prints which ranks are silent and the job
    /// is aborted with exit 69 (`MPI_Abort`). Once all have arrived the collective itself runs normally. A rank
    /// that dies outright (kill -9) already ends the job through mpirun within about a second.
    public final class MPICommunicator: Communicator {
        public let rank: Int
        public let size: Int
        public private(set) var traffic = Traffic()
        /// Bytes of the length exchange that precedes each collective (8 per rank sent to each other rank).
        public private(set) var lengthBytes = 0
        /// Seconds a collective waits for a silent rank before the job is aborted.
        public var timeout: Double
        /// Collectives so far (the tag of the next length exchange).
        private var collectives = 0

        /// Initialises MPI (once per process) and reads rank and size of MPI_COMM_WORLD.
        public init(timeout: Double = 300) {
            self.timeout = timeout
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

        /// Every rank's value, or (after `timeout` seconds without word from some rank) a message on stderr naming
        /// the silent ranks and MPI_Abort with exit 69.
        private func arrive(_ value: Int) -> [Int] {
            var all = [Int](repeating: 0, count: size), arrived = [Int32](repeating: 0, count: size)
            let tag = Int32(collectives % 32_000)
            collectives += 1
            let status = all.withUnsafeMutableBufferPointer { a in
                arrived.withUnsafeMutableBufferPointer { f in
                    fj_mpi_guarded_allgather_long(
                        value, a.baseAddress, f.baseAddress, Int32(rank), Int32(size), tag, timeout)
                }
            }
            lengthBytes += 8 * (size - 1)
            if status != 0 {
                let silent = (0..<size).filter { arrived[$0] == 0 }.map(String.init).joined(separator: ", ")
                let what =
                    status == 1
                    ? "no word from rank \(silent) for \(formatNumber(timeout)) s at collective \(collectives)"
                        + " (stopped, hung, or running other work); stopping every rank"
                    : "out of memory for the length exchange"
                writeStderr("rank \(rank): \(what) (--mpi-timeout sets the wait)\n")
                MPI_Abort(fj_mpi_comm_world(), 69)
            }
            return all
        }

        public func barrier() { _ = arrive(0) }

        public func allgather(_ bytes: [UInt8]) -> [[UInt8]] {
            let lengths = arrive(bytes.count)
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
            _ = arrive(values.count)
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
            _ = arrive(bytes.count)
            MPI_Bcast(bytes.baseAddress, Int32(bytes.count), fj_mpi_byte(), Int32(root), fj_mpi_comm_world())
            traffic.sent += bytes.count
            traffic.received += bytes.count
        }
    }
#endif
