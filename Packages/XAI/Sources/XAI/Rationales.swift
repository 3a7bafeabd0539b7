/// How several annotators' 0/1 rationale masks become one.
public enum RationaleAggregation: String, Sendable, CaseIterable {
    /// Logical OR: HateXplain's evaluation ground truth (`convert_to_eraser_format`, `method='union'`).
    case union
    /// Tokens marked by more than half of the annotators.
    case majority
    /// The mean mask thresholded at ½ (ties, exactly half, count): between union and majority for even counts.
    case mean

    /// One mask from `masks` (all of one length); empty when there are none.
    public func combine(_ masks: [[UInt8]], length: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: length)
        guard !masks.isEmpty else { return out }
        for j in 0..<length {
            let votes = masks.reduce(0) { $0 + Int($1[j]) }
            switch self {
            case .union: out[j] = votes > 0 ? 1 : 0
            case .majority: out[j] = 2 * votes > masks.count ? 1 : 0
            case .mean: out[j] = 2 * votes >= masks.count && votes > 0 ? 1 : 0
            }
        }
        return out
    }
}
