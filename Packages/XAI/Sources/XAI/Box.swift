import Kernel

/// An axis-aligned box [x0, y0, x1, y1] (x0 ≤ x1, y0 ≤ y1), in page units (pixels, or 0…1 normalized as in
/// PFL-DocVQA's `ocr_normalized_boxes`).
public struct Box: Sendable, Equatable, Hashable {
    public var x0: Double, y0: Double, x1: Double, y1: Double
    public init(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) {
        self.x0 = x0
        self.y0 = y0
        self.x1 = x1
        self.y1 = y1
    }
    public var area: Double { max(0, x1 - x0) * max(0, y1 - y0) }

    /// area(A ∩ B) / area(A ∪ B); 0 when the union is empty.
    public func iou(_ o: Box) -> Double {
        let iw = max(0, min(x1, o.x1) - max(x0, o.x0)), ih = max(0, min(y1, o.y1) - max(y0, o.y0))
        let inter = iw * ih
        let union = area + o.area - inter
        return union > 0 ? inter / union : 0
    }

    /// The smallest box holding all of `boxes` (nil when empty).
    public static func hull(_ boxes: [Box]) -> Box? {
        guard let f = boxes.first else { return nil }
        return boxes.dropFirst().reduce(f) {
            Box(min($0.x0, $1.x0), min($0.y0, $1.y0), max($0.x1, $1.x1), max($0.y1, $1.y1))
        }
    }

    public func contains(_ o: Box) -> Bool { o.x0 >= x0 && o.y0 >= y0 && o.x1 <= x1 && o.y1 <= y1 }
    /// The box's centre lies inside self.
    public func containsCentre(of o: Box) -> Bool {
        let cx = (o.x0 + o.x1) / 2, cy = (o.y0 + o.y1) / 2
        return cx >= x0 && cx <= x1 && cy >= y0 && cy <= y1
    }

    /// Checks the box is ordered and inside a page of `width` × `height`; throws `.data` naming it.
    public func validate(width: Double, height: Double, name: String) throws(FjordError) {
        guard [x0, y0, x1, y1].allSatisfy(\.isFinite), x0 <= x1, y0 <= y1 else {
            throw .data("\(name): box [\(x0), \(y0), \(x1), \(y1)] is not ordered as x0 ≤ x1, y0 ≤ y1")
        }
        guard x0 >= 0, y0 >= 0, x1 <= width, y1 <= height else {
            throw .data("\(name): box [\(x0), \(y0), \(x1), \(y1)] is outside the \(width)×\(height) page")
        }
    }
}

/// Grounding quality: mean IoU of predicted against true boxes, and the fraction with IoU ≥ `threshold`.
public struct Grounding: Sendable, Equatable {
    public var meanIoU: Double
    public var accuracy: Double
    public var meanAreaRatio: Double

    public static func score(
        predicted: [Box], truth: [Box], pageArea: Double = 1, threshold: Double = 0.5
    ) throws(FjordError) -> Grounding {
        guard predicted.count == truth.count else {
            throw .data("grounding: \(predicted.count) predicted boxes for \(truth.count) true ones")
        }
        guard !predicted.isEmpty else { return Grounding(meanIoU: 0, accuracy: 0, meanAreaRatio: 0) }
        var s = 0.0, hit = 0, ar = 0.0
        for (p, t) in zip(predicted, truth) {
            let v = p.iou(t)
            s += v
            if v >= threshold { hit += 1 }
            ar += p.area / pageArea
        }
        let n = Double(predicted.count)
        return Grounding(meanIoU: s / n, accuracy: Double(hit) / n, meanAreaRatio: ar / n)
    }
}
