import Kernel

/// What the Byzantine workers do, as an omniscient attacker that sees every honest vector of the step.
///
/// A gradient attack computes the Byzantine rows from the honest ones (`rows`); the exchange step puts them at
/// the Byzantine ranks after the allgather, identically on every worker, which is equivalent to those workers
/// having sent them. A data attack (label flipping) instead changes what the Byzantine workers train on
/// (`poisonedLabel`) and leaves their rows as sent (`replacesRows` false).
public protocol ByzantineAttack {
    var name: String { get }
    /// The f Byzantine rows, shape (f, d), from the honest rows, shape (h, d).
    mutating func rows(honest: Tensor, f: Int, rng: inout RNG) throws(FjordError) -> Tensor
    /// Whether the exchange step replaces the Byzantine rows with `rows` (default true).
    var replacesRows: Bool { get }
    /// The label a Byzantine worker trains on in place of `label` of `classes` (default: its own).
    func poisonedLabel(_ label: Int32, classes: Int) -> Int32
}

extension ByzantineAttack {
    public var replacesRows: Bool { true }
    public func poisonedLabel(_ label: Int32, classes: Int) -> Int32 { label }
}

/// Which workers are Byzantine and what they do.
public struct ByzantineWorkers {
    /// Ranks of the Byzantine workers, ascending and distinct.
    public let ranks: [Int]
    public var attack: any ByzantineAttack

    public init(ranks: [Int], attack: any ByzantineAttack) {
        self.ranks = Array(Set(ranks)).sorted()
        self.attack = attack
    }

    /// The last f of n workers (MixTailor's and byzfl's convention); 0 ≤ f ≤ n.
    public static func last(_ f: Int, of n: Int, attack: any ByzantineAttack) -> ByzantineWorkers {
        precondition(f >= 0, "a negative number of Byzantine workers")
        return ByzantineWorkers(ranks: Array((n - f)..<n), attack: attack)
    }

    public func contains(_ rank: Int) -> Bool { ranks.contains(rank) }
}
