import Foundation
import Kernel

/// n simulated workers in one process: one thread each, collectives through shared memory and a barrier.
///
/// Deterministic: reductions add contributions in rank order, so every worker computes bit-identical results,
/// and a run gives the same bytes as the same run under ``MPICommunicator`` (which uses the same allgather
/// path in the trainer). Start workers with ``run(workers:_:)``.
public final class LocalCommunicator: Communicator, @unchecked Sendable {
    public let rank: Int
    public var size: Int { group.size }
    public private(set) var traffic = Traffic()
    let group: Group

    /// One worker's mailbox. Each worker writes only its own slot, and only between barriers; the array of
    /// slots itself is never mutated (concurrent writes into one Swift array would race on its storage).
    final class Slot: @unchecked Sendable {
        var bytes: [UInt8] = []
        var floats: [Float] = []
    }

    /// State shared by the workers of one run.
    final class Group: @unchecked Sendable {
        let size: Int
        let slots: [Slot]
        private let cond = NSCondition()
        private var waiting = 0
        private var generation = 0

        init(size: Int) {
            self.size = size
            slots = (0..<size).map { _ in Slot() }
        }

        /// Blocks until all `size` workers have arrived.
        func barrier() {
            cond.lock()
            let gen = generation
            waiting += 1
            if waiting == size {
                waiting = 0
                generation += 1
                cond.broadcast()
            } else {
                while gen == generation { cond.wait() }
            }
            cond.unlock()
        }
    }

    init(rank: Int, group: Group) {
        self.rank = rank
        self.group = group
    }

    public func barrier() { group.barrier() }

    public func allgather(_ bytes: [UInt8]) -> [[UInt8]] {
        group.slots[rank].bytes = bytes
        group.barrier()
        let all = group.slots.map(\.bytes)
        group.barrier()  // nobody overwrites a slot before everyone has read it
        traffic.sent += bytes.count
        traffic.received += all.enumerated().reduce(0) { $0 + ($1.offset == rank ? 0 : $1.element.count) }
        return all
    }

    public func allreduceSum(_ values: UnsafeMutableBufferPointer<Float>) {
        group.slots[rank].floats = Array(values)
        group.barrier()
        for i in values.indices { values[i] = 0 }
        for r in 0..<size {
            group.slots[r].floats.withUnsafeBufferPointer { s in for i in values.indices { values[i] += s[i] } }
        }
        group.barrier()
        traffic.sent += values.count * 4
        traffic.received += values.count * 4
    }

    public func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int) {
        if rank == root { group.slots[rank].bytes = Array(bytes) }
        group.barrier()
        if rank != root { group.slots[root].bytes.withUnsafeBytes { bytes.copyMemory(from: $0) } }
        group.barrier()
        traffic.sent += bytes.count
        traffic.received += bytes.count
    }

    /// Runs `body` on `workers` threads, one communicator each, and returns their results in rank order.
    /// An error thrown by any worker is rethrown (the first by rank); the others are left to finish.
    public static func run<R: Sendable>(
        workers: Int, _ body: @escaping @Sendable (LocalCommunicator) throws -> R
    ) throws -> [R] {
        precondition(workers > 0)
        // Each simulated worker is a thread: let each use single-threaded BLAS, or OpenBLAS's own threads
        // oversubscribe the cores n-fold and spend their time in the kernel (seen: 100× slower geometric medians).
        let blasThreads = BLAS.threads
        if workers > 1 { BLAS.threads = 1 }
        defer { if workers > 1 { BLAS.threads = blasThreads } }
        let group = Group(size: workers)
        let results = ResultBox<R>(count: workers)
        let done = DispatchGroup()
        for r in 0..<workers {
            done.enter()
            let t = Thread {
                let comm = LocalCommunicator(rank: r, group: group)
                results.set(r, Result { try body(comm) })
                done.leave()
            }
            t.stackSize = 16 << 20
            t.start()
        }
        done.wait()
        return try results.values.map { try $0!.get() }
    }
}

/// Per-rank results written by worker threads.
final class ResultBox<R>: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [Result<R, any Error>?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ v: Result<R, any Error>) {
        lock.lock()
        values[i] = v
        lock.unlock()
    }
}
