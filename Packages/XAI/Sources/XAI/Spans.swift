/// A token span [start, end) (ERASER's convention: start inclusive, end exclusive).
public struct Span: Hashable, Sendable {
    public var start: Int
    public var end: Int
    public init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = end
    }
    public var count: Int { end - start }

    /// |a ∩ b| / |a ∪ b| of the token sets.
    public func iou(_ o: Span) -> Double {
        let inter = max(0, min(end, o.end) - max(start, o.start))
        let union = count + o.count - inter
        return union == 0 ? 0 : Double(inter) / Double(union)
    }

    /// The maximal runs of 1s of a 0/1 mask, in order: how HateXplain turns a rationale mask into ERASER evidence.
    public static func runs(_ mask: UnsafeBufferPointer<UInt8>) -> [Span] {
        var out: [Span] = []
        var i = 0
        while i < mask.count {
            if mask[i] != 0 {
                let s = i
                while i < mask.count && mask[i] != 0 { i += 1 }
                out.append(Span(s, i))
            } else {
                i += 1
            }
        }
        return out
    }

    /// One single-token span per 1 (HateXplain's hard rationale: each top-k token is its own span).
    public static func tokens(_ mask: UnsafeBufferPointer<UInt8>) -> [Span] {
        mask.indices.filter { mask[$0] != 0 }.map { Span($0, $0 + 1) }
    }
}

/// How predicted hard rationales become spans for IOU F1.
public enum PredictedSpans: String, Sendable, CaseIterable {
    /// Each selected token is its own span (HateXplain's `testing_with_rational.py`).
    case tokens
    /// Maximal runs of selected tokens are spans.
    case runs
}
