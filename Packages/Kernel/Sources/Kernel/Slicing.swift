/// One axis of a numpy-style basic index: a single position (drops the axis) or `start:stop:step`.
public enum AxisSlice: Equatable, Sendable {
    case index(Int)
    case range(start: Int?, stop: Int?, step: Int)

    public static let all = AxisSlice.range(start: nil, stop: nil, step: 1)

    /// Parses "3", "-1", ":", "2:", ":5", "1:9:2", "::-1".
    public static func parse(_ s: String) -> AxisSlice? {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false).map { String($0).filter { $0 != " " } }
        if parts.count == 1 { return Int(parts[0]).map { .index($0) } }
        guard parts.count <= 3 else { return nil }
        func opt(_ p: String) -> Int?? { p.isEmpty ? .some(nil) : Int(p).map { .some($0) } }
        guard let a = opt(parts[0]), let b = opt(parts[1]) else { return nil }
        var step = 1
        if parts.count == 3, !parts[2].isEmpty {
            guard let c = Int(parts[2]), c != 0 else { return nil }
            step = c
        }
        return .range(start: a, stop: b, step: step)
    }

    /// Resolves against an axis of length n into (first position, step, count), as Python's slice.indices does;
    /// nil for an index out of range.
    public func resolve(_ n: Int) -> (first: Int, step: Int, count: Int)? {
        switch self {
        case .index(let i):
            let r = i < 0 ? n + i : i
            return r >= 0 && r < n ? (r, 1, 1) : nil
        case .range(let start, let stop, let step):
            func clamp(_ v: Int?, _ dflt: Int, _ lo: Int, _ hi: Int) -> Int {
                guard var x = v else { return dflt }
                if x < 0 { x += n }
                return Swift.min(Swift.max(x, lo), hi)
            }
            if step > 0 {
                let a = clamp(start, 0, 0, n), b = clamp(stop, n, 0, n)
                return (a, step, b > a ? (b - a + step - 1) / step : 0)
            } else {
                let a = clamp(start, n - 1, -1, n - 1), b = clamp(stop, -1, -1, n - 1)
                return (a, step, a > b ? (a - b + (-step) - 1) / (-step) : 0)
            }
        }
    }
}

extension NpyArray {
    /// numpy basic slicing `a[s₀, s₁, …]` (missing trailing axes are taken whole); keeps the dtype.
    public func sliced(_ specs: [AxisSlice]) throws(FjordError) -> NpyArray {
        let a = cOrdered()
        let shape = a.shape
        guard specs.count <= shape.count else {
            throw .usage("\(specs.count) slice axes for an array of shape \(shape)")
        }
        // source strides in elements (C order)
        var strides = [Int](repeating: 1, count: shape.count)
        if shape.count > 1 {
            for j in stride(from: shape.count - 2, through: 0, by: -1) { strides[j] = strides[j + 1] * shape[j + 1] }
        }
        var base = 0
        var outShape: [Int] = [], outStrides: [Int] = []
        for j in 0..<shape.count {
            let s = j < specs.count ? specs[j] : .all
            guard let (first, step, count) = s.resolve(shape[j]) else {
                throw .usage("index \(s) is out of range for axis \(j) of length \(shape[j])")
            }
            if count > 0 { base += first * strides[j] }
            if case .index = s { continue }
            outShape.append(count)
            outStrides.append(step * strides[j])
        }
        let out = gatherStrided(
            a.storage.pointer, elementSize: a.dtype.size, shape: outShape, strides: outStrides, base: base)
        return NpyArray(
            header: NpyHeader(dtype: a.dtype, shape: outShape, littleEndian: a.header.littleEndian), storage: out)
    }

    /// Arrays of one dtype and shape stacked along a new leading axis; or, with `concatenate`, joined
    /// along their existing first axis (trailing shapes equal).
    public static func stack(_ arrays: [NpyArray], concatenate: Bool = false) throws(FjordError) -> NpyArray {
        guard let first = arrays.first else { throw .noInput("nothing to stack") }
        let c = arrays.map { $0.cOrdered() }
        for (k, a) in c.enumerated() {
            guard a.dtype == first.dtype, a.header.littleEndian == c[0].header.littleEndian else {
                throw .data(
                    "array \(k) has dtype \(a.dtype.descr(littleEndian: a.header.littleEndian)), array 0 has \(first.dtype.descr(littleEndian: c[0].header.littleEndian)); convert first"
                )
            }
            if concatenate {
                guard a.shape.count >= 1, first.shape.count >= 1,
                    Array(a.shape.dropFirst()) == Array(first.shape.dropFirst())
                else {
                    throw .data(
                        "array \(k) has shape \(a.shape), which does not join array 0's \(first.shape) along axis 0")
                }
            } else {
                guard a.shape == first.shape else {
                    throw .data("array \(k) has shape \(a.shape), array 0 has \(first.shape)")
                }
            }
        }
        let shape = concatenate ? [c.reduce(0) { $0 + $1.shape[0] }] + first.shape.dropFirst() : [c.count] + first.shape
        let total = c.reduce(0) { $0 + $1.storage.byteCount }
        let out = AlignedStorage(uninitializedByteCount: total)
        var off = 0
        for a in c {
            (out.pointer + off).copyMemory(from: a.storage.pointer, byteCount: a.storage.byteCount)
            off += a.storage.byteCount
        }
        return NpyArray(
            header: NpyHeader(dtype: first.dtype, shape: shape, littleEndian: c[0].header.littleEndian), storage: out)
    }
}
