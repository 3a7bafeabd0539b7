import Exchange
import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// Label flipping: the Byzantine workers train honestly on labels y → C−1−y and send what they compute (a data
/// attack: the exchange step leaves their rows as sent).
public struct LabelFlipAttack: ByzantineAttack {
    public init() {}
    public var name: String { "label-flip" }
    public var replacesRows: Bool { false }
    public func poisonedLabel(_ label: Int32, classes: Int) -> Int32 { Int32(classes - 1) - label }
    public mutating func rows(honest: Tensor, f: Int, rng: inout RNG) throws(FjordError) -> Tensor {
        throw .usage(
            "label-flip acts on the Byzantine workers' training labels and has no gradient rows: use robust-agg train")
    }
}
