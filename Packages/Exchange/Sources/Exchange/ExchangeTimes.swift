import Kernel

/// Where one worker's exchanges spent their wall-clock seconds, summed over calls.
///
///     local       computing the vector (the `local` closure: forward, backward, worker momentum)
///     encode      codec.encode of this worker's vector
///     communicate the allgather: waiting for and moving every worker's message (network time and waiting for
///                 the slowest worker are not told apart: a worker that finishes its gradient early waits here)
///     decode      codec.decode of all n messages into the stack
///     aggregate   the attack's rows and the aggregation rule
///
/// Measured with a monotonic clock around each part; the parts do not overlap.
public struct ExchangeTimes: Sendable, Equatable {
    public var local = 0.0
    public var encode = 0.0
    public var communicate = 0.0
    public var decode = 0.0
    public var aggregate = 0.0
    public init() {}
    public var total: Double { local + encode + communicate + decode + aggregate }
    /// The parts by name, in the order above (for reports).
    public var named: [(name: String, seconds: Double)] {
        [
            ("local", local), ("encode", encode), ("communicate", communicate), ("decode", decode),
            ("aggregate", aggregate),
        ]
    }
}
