import Kernel

/// One statement: the people matching every condition (current values) take every update, simultaneously.
public struct Statement: Sendable, Equatable {
    /// (category slot, value index) pairs, in the order they are written.
    public var conditions: [(slot: Int, value: Int)]
    public var updates: [(slot: Int, value: Int)]
    /// The person the statement was drawn for (the person of interest for a needle).
    public var target: Int
    public var isNeedle: Bool

    public static func == (a: Statement, b: Statement) -> Bool {
        a.target == b.target && a.isNeedle == b.isNeedle
            && a.conditions.elementsEqual(b.conditions) { $0 == $1 } && a.updates.elementsEqual(b.updates) { $0 == $1 }
    }
}
