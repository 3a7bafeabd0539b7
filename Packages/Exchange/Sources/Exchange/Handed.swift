/// A value handed to the worker threads of a simulation (``LocalCommunicator/run(workers:_:)``), which each use it
/// alone or only call it (a codec factory, one worker's model and objective): not Sendable by type, safe by that use.
public struct Handed<T>: @unchecked Sendable {
    public let value: T
    public init(_ value: T) { self.value = value }
}
