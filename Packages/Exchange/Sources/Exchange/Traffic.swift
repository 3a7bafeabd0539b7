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
