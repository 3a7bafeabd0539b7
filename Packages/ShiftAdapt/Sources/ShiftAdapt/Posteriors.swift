import Kernel

/// Class posteriors of n examples over m classes (row-major n×m, Double), with the checks every estimator needs:
/// finite, non-negative, rows summing to 1 within 10⁻³ (then renormalised exactly). Built from probabilities or from
/// logits (softmax); ``inverseSoftmax`` maps probabilities back to logits as abstention does (log p − mean log p).
public struct Posteriors: Sendable, Equatable {
    public let rows: Int
    public let classes: Int
    public private(set) var values: [Double]

    /// Probabilities; `name` labels errors ("hold-out.npy").
    public init(probabilities t: Tensor, name: String = "posteriors") throws(FjordError) {
        try Self.check(probabilities: t, name: name)
        rows = t.shape[0]
        classes = t.shape[1]
        values = t.scalars.map(Double.init)
        for i in 0..<rows {
            let s = values[(i * classes)..<(i * classes + classes)].reduce(0, +)
            for c in 0..<classes { values[i * classes + c] /= s }
        }
    }

    /// Refuses what is not n×m probabilities (m ≥ 2): a negative or non-finite entry, or a row that does not sum to
    /// 1 within 10⁻³ (logits, most likely). The rows' sums are in Double.
    public static func check(probabilities t: Tensor, name: String) throws(FjordError) {
        guard t.shape.count == 2, t.shape[1] >= 2 else {
            throw .data("\(name): posteriors must be an n×m matrix with m ≥ 2 classes, not of shape \(t.shape)")
        }
        let m = t.shape[1]
        var bad: FjordError?
        t.withUnsafeBufferPointer { p in
            for i in 0..<t.shape[0] {
                var s = 0.0
                for c in 0..<m {
                    let v = Double(p[i * m + c])
                    guard v.isFinite, v >= 0 else {
                        bad = .data(
                            "\(name): row \(i) has a negative or non-finite probability \(v) (logits? use --logits)")
                        return
                    }
                    s += v
                }
                guard abs(s - 1) <= 1e-3 else {
                    bad = .data("\(name): row \(i) sums to \(s), not 1 (logits? use --logits)")
                    return
                }
            }
        }
        if let bad { throw bad }
    }

    /// softmax(z) row by row.
    public init(logits t: Tensor, name: String = "logits") throws(FjordError) {
        guard t.shape.count == 2, t.shape[1] >= 2 else {
            throw .data("\(name): logits must be an n×m matrix with m ≥ 2 classes, not of shape \(t.shape)")
        }
        guard nonFiniteCount(t) == 0 else { throw .data("\(name): the logits have NaN or infinite entries") }
        rows = t.shape[0]
        classes = t.shape[1]
        values = t.scalars.map(Double.init)
        Self.softmaxRows(&values, classes: classes)
    }

    init(rows: Int, classes: Int, values: [Double]) {
        self.rows = rows
        self.classes = classes
        self.values = values
    }

    static func softmaxRows(_ v: inout [Double], classes m: Int) {
        for o in stride(from: 0, to: v.count, by: m) {
            var mx = -Double.infinity
            for c in 0..<m { mx = max(mx, v[o + c]) }
            var s = 0.0
            for c in 0..<m {
                v[o + c] = exp(v[o + c] - mx)
                s += v[o + c]
            }
            for c in 0..<m { v[o + c] /= s }
        }
    }

    /// log p − mean_c log p per row (p floored at 10⁻³⁰⁰): logits whose softmax is p.
    public var inverseSoftmax: [Double] {
        var z = values.map { log(max($0, 1e-300)) }
        for o in stride(from: 0, to: z.count, by: classes) {
            let mean = z[o..<(o + classes)].reduce(0, +) / Double(classes)
            for c in 0..<classes { z[o + c] -= mean }
        }
        return z
    }

    /// The mean posterior (an m-vector).
    public var mean: [Double] {
        var m = [Double](repeating: 0, count: classes)
        for i in 0..<rows { for c in 0..<classes { m[c] += values[i * classes + c] } }
        return m.map { $0 / Double(max(rows, 1)) }
    }

    /// The arg-max class of each row (ties: the first).
    public var predictions: [Int] {
        (0..<rows).map { i in
            var best = 0
            for c in 1..<classes where values[i * classes + c] > values[i * classes + best] { best = c }
            return best
        }
    }

    public var tensor: Tensor { Tensor(shape: [rows, classes], values: values.map(Float.init)) }
}

/// The frequency of each class 0..<m among `labels`.
public func labelFrequencies(_ labels: [Int], classes m: Int) -> [Double] {
    var f = [Double](repeating: 0, count: m)
    for y in labels { f[y] += 1 / Double(labels.count) }
    return f
}

/// Integer class labels 0..<m from a tensor of whole numbers.
public func classLabels(_ t: Tensor, classes m: Int, name: String = "labels") throws(FjordError) -> [Int] {
    guard t.shape.count == 1 || (t.shape.count == 2 && t.shape[1] == 1) else {
        throw .data("\(name): labels must be a vector, not of shape \(t.shape)")
    }
    var out: [Int] = []
    out.reserveCapacity(t.count)
    for (i, v) in t.scalars.enumerated() {
        guard v.isFinite, v == v.rounded(), v >= 0, Int(v) < m else {
            throw .data("\(name): label \(i) is \(v), not a class in 0..<\(m)")
        }
        out.append(Int(v))
    }
    return out
}

#if canImport(Glibc)
    import Glibc
#endif
