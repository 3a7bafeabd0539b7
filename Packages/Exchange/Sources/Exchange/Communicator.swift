import Kernel

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
