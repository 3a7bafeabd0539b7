/// Number formatting shared by the tools' text reports (`padded` is in Kernel, for libraries too).

/// A number in at most 6 significant digits: 0.123457, 12345.7, 1.2346e-05, nan, inf.
public func formatNumber(_ v: Double) -> String {
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
