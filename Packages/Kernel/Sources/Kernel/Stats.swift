import CKernel

/// Summary statistics of a float array: over the non-NaN values, with NaN and ±Inf counted apart.
/// `std` is the population standard deviation (ddof 0, as numpy's default), computed in two passes in double.
public struct Stats: Sendable, Equatable {
    public var count: Int
    public var min: Double
    public var max: Double
    public var mean: Double
    public var std: Double
    public var nanCount: Int
    public var infCount: Int

    public init(_ x: UnsafeBufferPointer<Float>) {
        var s = fj_stats_t()
        fj_stats_f32(x.baseAddress, x.count, &s)
        count = x.count
        min = s.min
        max = s.max
        mean = s.mean
        std = s.std
        nanCount = s.nan_count
        infCount = s.inf_count
    }

    public init(_ t: Tensor) { self = t.withUnsafeBufferPointer { Stats($0) } }

    public var json: JSON {
        .object([
            "count": .number(Double(count)), "min": .number(min), "max": .number(max), "mean": .number(mean),
            "std": .number(std), "nan": .number(Double(nanCount)), "inf": .number(Double(infCount)),
        ])
    }
}

/// Largest absolute and relative element differences of two equally long arrays, in double.
/// NaN against NaN is equal; NaN against a number is an infinite difference.
public func maxDifference(_ a: [Double], _ b: [Double]) -> (abs: Double, rel: Double) {
    precondition(a.count == b.count)
    var ma = 0.0, mr = 0.0
    fj_diff_f64(a, b, a.count, &ma, &mr)
    return (ma, mr)
}

/// Number of NaN and infinite values (one pass, vectorized).
public func nonFiniteCount(_ x: Tensor) -> Int {
    x.withUnsafeBufferPointer { fj_count_nonfinite($0.baseAddress, $0.count) }
}
