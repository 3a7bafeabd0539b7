import Kernel

/// A labelled data set: features [n, d] (float32) and integer class labels in 0..<classes.
public struct Dataset: Sendable {
    public var name: String
    public private(set) var features: Tensor
    public private(set) var labels: [Int32]
    public let classes: Int

    /// Validates shapes and label range (a `.data` error names the problem).
    public init(name: String, features: Tensor, labels: [Int32], classes: Int? = nil) throws(FjordError) {
        guard features.rank == 2 else {
            throw .data("\(name): features must be 2-D [n, d], got shape \(features.shape)")
        }
        guard features.shape[1] > 0 else { throw .data("\(name): features have no columns (shape \(features.shape))") }
        guard features.shape[0] == labels.count else {
            throw .data("\(name): \(features.shape[0]) feature rows but \(labels.count) labels")
        }
        let c = classes ?? Int((labels.max() ?? 0) + 1)
        if let bad = labels.firstIndex(where: { $0 < 0 || Int($0) >= c }) {
            throw .data("\(name): label \(labels[bad]) of row \(bad) is outside 0..<\(c)")
        }
        let bad = nonFiniteCount(features)
        guard bad == 0 else { throw .data("\(name): features contain \(bad) NaN or infinite values") }
        self.name = name
        self.features = features
        self.labels = labels
        self.classes = c
    }

    public var count: Int { labels.count }
    public var dimension: Int { features.shape[1] }

    /// The rows at `indices`, in that order.
    public func subset(_ indices: [Int]) -> Dataset {
        let d = dimension
        var f = Tensor(uninitializedShape: [indices.count, d])
        features.withUnsafeBufferPointer { src in
            f.withUnsafeMutableBufferPointer { dst in
                for (r, i) in indices.enumerated() {
                    (dst.baseAddress! + r * d).update(from: src.baseAddress! + i * d, count: d)
                }
            }
        }
        var out = self
        out.features = f
        out.labels = indices.map { labels[$0] }
        return out
    }

    /// A batch: features of the rows and their labels.
    public func batch<C: Collection>(_ indices: C) -> (x: Tensor, y: [Int32]) where C.Element == Int {
        let s = subset(Array(indices))
        return (s.features, s.labels)
    }

    /// A seeded random split into train and test parts, stratified by class (each class split in proportion).
    public func split(testFraction: Double, seed: UInt64) -> (train: Dataset, test: Dataset) {
        precondition(testFraction > 0 && testFraction < 1, "test fraction must be in (0, 1)")
        var rng = RNG(seed: seed, stream: 0x5EED)
        var train: [Int] = [], test: [Int] = []
        for c in 0..<classes {
            var idx = labels.indices.filter { labels[$0] == Int32(c) }
            rng.shuffle(&idx)
            let nt = Int((Double(idx.count) * testFraction).rounded())
            test += idx[0..<nt]
            train += idx[nt...]
        }
        rng.shuffle(&train)
        rng.shuffle(&test)
        return (subset(train), subset(test))
    }

    /// ``split(testFraction:seed:)``, then both parts standardised with the training part's moments (the test
    /// part never informs the scaling).
    public func standardizedSplit(testFraction: Double, seed: UInt64) -> (train: Dataset, test: Dataset) {
        let (train, test) = split(testFraction: testFraction, seed: seed)
        let m = train.featureMoments()
        return (train.standardized(mean: m.mean, std: m.std), test.standardized(mean: m.mean, std: m.std))
    }

    /// Per-feature mean and standard deviation (population; 1 where a feature is constant).
    public func featureMoments() -> (mean: [Float], std: [Float]) {
        let d = dimension, n = count
        var mean = [Double](repeating: 0, count: d), sq = [Double](repeating: 0, count: d)
        features.withUnsafeBufferPointer { x in
            for r in 0..<n {
                for j in 0..<d {
                    let v = Double(x[r * d + j])
                    mean[j] += v
                    sq[j] += v * v
                }
            }
        }
        let m = mean.map { $0 / Double(max(n, 1)) }
        let s = zip(sq, m).map { (q, mu) -> Float in
            let v = q / Double(max(n, 1)) - mu * mu
            return v > 1e-12 ? Float(v.squareRoot()) : 1
        }
        return (m.map(Float.init), s)
    }

    /// Features mapped to (x − mean) / std with the given moments (compute them on the training part).
    public func standardized(mean: [Float], std: [Float]) -> Dataset {
        let d = dimension
        var out = self
        out.features.withUnsafeMutableBufferPointer { x in
            for i in 0..<x.count { x[i] = (x[i] - mean[i % d]) / std[i % d] }
        }
        return out
    }

    /// Features multiplied by a constant (digits: 1/16 maps pixels into [0, 1]).
    public func scaled(by s: Float) -> Dataset {
        var out = self
        out.features.withUnsafeMutableBufferPointer { x in for i in 0..<x.count { x[i] *= s } }
        return out
    }

    /// Number of rows of each class.
    public var classCounts: [Int] {
        var c = [Int](repeating: 0, count: classes)
        for y in labels { c[Int(y)] += 1 }
        return c
    }

    /// Reads a features `.npy` ([n, d], any numeric dtype) and a labels `.npy` ([n], integers) — e.g. MNIST or
    /// CIFAR converted once with numpy.
    public static func load(features: String, labels: String, name: String? = nil) throws(FjordError) -> Dataset {
        guard let fx = try NpyReader(path: features).next() else { throw .noInput("\(features): no array") }
        guard let fy = try NpyReader(path: labels).next() else { throw .noInput("\(labels): no array") }
        let x = fx.tensor()
        guard x.rank == 2 else {
            throw .data(
                "\(features): features must be 2-D [n, d], got shape \(x.shape) (flatten with tensor reshape --shape N,-1)"
            )
        }
        guard fy.shape.count == 1 || (fy.shape.count == 2 && fy.shape[1] == 1) else {
            throw .data("\(labels): labels must be 1-D, got shape \(fy.shape)")
        }
        let raw = fy.doubles()
        var y: [Int32] = []
        y.reserveCapacity(raw.count)
        for (i, v) in raw.enumerated() {
            guard v == v.rounded(), v >= 0 else {
                throw .data("\(labels): label \(v) of row \(i) is not a non-negative integer")
            }
            guard v < 1e6 else {
                throw .data(
                    "\(labels): label \(Int64(exactly: v).map(String.init) ?? "\(v)") of row \(i) is above the limit of 999999 classes"
                )
            }
            y.append(Int32(v))
        }
        return try Dataset(name: name ?? features, features: x, labels: y)
    }
}
