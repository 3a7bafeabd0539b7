import Kernel

/// Bytes a worker has passed to collectives: what it contributed (`sent`) and what the others
/// contributed to it (`received`). An allgather of b bytes per rank counts b sent and (size−1)·b received
/// (whatever the transport does underneath); an allreduce or broadcast of b bytes counts b each way.
public struct Traffic: Sendable, Equatable {
    public var sent = 0
    public var received = 0
    public init(sent: Int = 0, received: Int = 0) {
        self.sent = sent
        self.received = received
    }
}

/// The collectives data-parallel training needs, on `size` workers numbered 0..<size.
/// Every worker calls every collective in the same order (SPMD), as with MPI.
public protocol Communicator: AnyObject {
    var rank: Int { get }
    var size: Int { get }
    /// Bytes passed to collectives so far, counted at the transport boundary.
    var traffic: Traffic { get }
    func barrier()
    /// Every worker's bytes, in rank order (contributions may differ in length).
    func allgather(_ bytes: [UInt8]) -> [[UInt8]]
    /// Elementwise sum over workers, in place; the result is identical on every worker.
    func allreduceSum(_ values: UnsafeMutableBufferPointer<Float>)
    /// Root's bytes copied to every worker (the buffers must have equal lengths).
    func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int)
}
