#if canImport(Glibc)
    import Glibc
#endif

/// The one number formatter of Fjord's reports (tables, summaries, figure labels), in four styles. File formats
/// keep their own exact rules (JSON numbers, CSV round-trip text, SVG coordinates).
public enum NumberFormat {
    /// At most 6 significant digits (5 in the mantissa of a power of ten): 0.123457, 12345.7, 1.2346e-5, nan, inf.
    public static func significant(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        if v == 0 { return "0" }
        let a = Swift.abs(v)
        var e = 0
        var m = a
        while m >= 10 {
            m /= 10
            e += 1
        }
        while m < 1 {
            m *= 10
            e -= 1
        }
        if a >= 1e6 || a < 1e-4 {
            let ms = String(Double((m * 1e4).rounded()) / 1e4)
            return (v < 0 ? "-" : "") + ms + "e" + String(e)
        }
        var p = 1.0
        for _ in 0..<max(0, 5 - e) { p *= 10 }
        var s = String(Double((v * p).rounded()) / p)
        if s.hasSuffix(".0") { s.removeLast(2) }
        return s
    }

    /// v rounded half away from zero to `digits` decimals, then printed shortest: 0.9666, 13.0, 0.25.
    public static func rounded(_ v: Double, _ digits: Int) -> String {
        var p = 1.0
        for _ in 0..<digits { p *= 10 }
        return String(Double((v * p).rounded()) / p)
    }

    /// Exactly `digits` decimals, as C's `%.*f` (round half to even on the exact binary value); nan for NaN or ±inf.
    public static func fixed(_ v: Double, _ digits: Int) -> String {
        guard v.isFinite else { return "nan" }
        var buffer = [CChar](repeating: 0, count: 400)
        let n = withVaList([v]) { vsnprintf(&buffer, buffer.count, "%.\(max(0, min(digits, 60)))f", $0) }
        return n > 0 ? String(decoding: buffer.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self) : "nan"
    }

    /// The mean of `v` ± the half-width of its 95% Student t interval (``Inference/meanInterval(_:)``), both with
    /// `digits` decimals: "0.652 ± 0.011" (a single value prints alone; NaN entries make the cell "nan").
    public static func interval(_ v: [Double], _ digits: Int) -> String {
        if v.count == 1 { return fixed(v[0], digits) }
        let (mean, half) = Inference.meanInterval(v)
        return fixed(mean, digits) + " ± " + fixed(half, digits)
    }

    /// An integer without a fraction when v is one (below 10⁹), else Swift's shortest round-trip text: 10, 0.1.
    public static func short(_ v: Double) -> String {
        v == v.rounded() && Swift.abs(v) < 1e9 ? String(Int(v)) : String(v)
    }
}

/// ``NumberFormat/significant(_:)``, the tools' default for table cells.
public func formatNumber(_ v: Double) -> String { NumberFormat.significant(v) }
