#if MPI
    import CMPI
    import Kernel

    /// One worker per process under `mpirun`, over Open MPI (built with the SwiftPM trait `MPI`).
    ///
    /// **No collective waits forever.** MPI's collectives have no timeout, so a rank that stops (SIGSTOP, a hung
    /// node, a debugger) would leave the others blocked. Every collective here is therefore an allgather done point
    /// to point with nonblocking sends and receives, polled against `timeout`: first the 8-byte lengths, then the
    /// blocks (each rank sends its block once to each peer, the bytes a ring allgather puts on the wire). When a
    /// peer's block has not arrived, or it has not taken ours, for `timeout` seconds, every waiting rank prints
    /// which ranks are silent and the job is aborted with exit 69 (`MPI_Abort`). A rank that dies outright
    /// (kill -9) already ends the job through mpirun within about a second.
    ///
    /// `traffic` counts exactly the payload bytes handed to MPI for data, once per message (not the 8-byte lengths,
    /// which ``lengthBytes`` counts apart). The all-reduce is an allgather summed in rank order on every rank, so
    /// every rank has the same bits.
    public final class MPICommunicator: Communicator {
        public let rank: Int
        public let size: Int
        public private(set) var traffic = Traffic()
        /// Bytes of the length exchanges (8 per rank sent to each other rank, per collective).
        public private(set) var lengthBytes = 0
        /// Seconds a collective waits for a silent rank before the job is aborted.
        public var timeout: Double
        /// Exchanges so far (the tag of the next one).
        private var exchanges = 0

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

        /// One guarded exchange: every rank's block (`lengths[r]` bytes each), or the job stops naming the silent
        /// ranks.
        private func exchange(_ mine: UnsafeRawBufferPointer, lengths: [Int]) -> [UInt8] {
            var displs = [Int](repeating: 0, count: size)
            for r in 1..<max(size, 1) { displs[r] = displs[r - 1] + lengths[r - 1] }
            var all = [UInt8](repeating: 0, count: max(lengths.reduce(0, +), 1))
            var ok = [Int32](repeating: 1, count: size)
            let tag = Int32(exchanges % 32_000)
            exchanges += 1
            let status = all.withUnsafeMutableBytes { dst in
                fj_mpi_guarded_allgather(
                    mine.baseAddress, mine.count, dst.baseAddress, lengths, displs, Int32(rank), Int32(size), tag,
                    timeout, &ok)
            }
            if status != 0 {
                let quiet = (0..<size).filter { ok[$0] == 0 }
                let silent = (quiet.count == 1 ? "rank " : "ranks ") + quiet.map(String.init).joined(separator: ", ")
                let what =
                    status == 1
                    ? "no word from \(silent) for \(formatNumber(timeout)) s at exchange \(exchanges)"
                        + " (stopped, hung, or running other work); stopping every rank (--mpi-timeout sets the wait)"
                    : "a message of over 2 GB, or no memory for the exchange; stopping every rank"
                writeStderr("rank \(rank): \(what)\n")
                MPI_Abort(fj_mpi_comm_world(), 69)
            }
            return all
        }

        /// Every rank's count (the length exchange).
        private func lengths(_ count: Int) -> [Int] {
            var mine = Int64(count).littleEndian
            let bytes = withUnsafeBytes(of: &mine) { exchange($0, lengths: [Int](repeating: 8, count: size)) }
            lengthBytes += 8 * (size - 1)
            return bytes.withUnsafeBytes { raw in
                (0..<size).map { Int(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self))) }
            }
        }

        public func barrier() { _ = lengths(0) }

        public func allgather(_ bytes: [UInt8]) -> [[UInt8]] {
            let counts = lengths(bytes.count)
            let all = bytes.withUnsafeBytes { exchange($0, lengths: counts) }
            let total = counts.reduce(0, +)
            traffic.sent += bytes.count
            traffic.received += total - bytes.count
            var start = 0
            return counts.map { c in
                defer { start += c }
                return Array(all[start..<start + c])
            }
        }

        public func allreduceSum(_ values: UnsafeMutableBufferPointer<Float>) {
            let n = values.count
            let counts = lengths(4 * n)
            guard counts.allSatisfy({ $0 == 4 * n }) else {
                writeStderr(
                    "rank \(rank): ranks reduce vectors of different lengths (\(counts)); stopping every rank\n")
                MPI_Abort(fj_mpi_comm_world(), 70)
                return
            }
            let all = exchange(UnsafeRawBufferPointer(values), lengths: counts)
            all.withUnsafeBytes { raw in
                let blocks = raw.bindMemory(to: Float.self)
                for k in 0..<n {
                    var sum = blocks[k]
                    for r in 1..<max(size, 1) { sum += blocks[r * n + k] }
                    values[k] = sum
                }
            }
            traffic.sent += n * 4
            traffic.received += n * 4
        }

        public func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int) {
            let counts = (0..<size).map { $0 == root ? bytes.count : 0 }
            let all = exchange(
                UnsafeRawBufferPointer(rank == root ? bytes : UnsafeMutableRawBufferPointer(start: nil, count: 0)),
                lengths: counts)
            if rank != root {
                all.withUnsafeBytes { bytes.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<bytes.count])) }
            }
            traffic.sent += bytes.count
            traffic.received += bytes.count
        }
    }
#endif
