#if canImport(Glibc)
    import Glibc
#endif

/// Numeric CSV: rows of numbers separated by a delimiter, read into a row-major matrix of doubles.
public enum CSV {
    /// Parses `bytes` after skipping `skipRows` lines; blank lines are ignored. Every row must have the same
    /// number of fields, each a number (`nan`, `inf` accepted as written). A number beyond `limit` in magnitude
    /// (the target dtype's largest finite value), or beyond double's range, is refused rather than turned into
    /// ±inf. Errors name the line and column.
    public static func parseNumeric(
        _ bytes: [UInt8], delimiter: UInt8 = 0x2C, skipRows: Int = 0,
        name: String = "csv", limit: Double = .greatestFiniteMagnitude
    ) throws(FjordError) -> (rows: Int, cols: Int, values: [Double]) {
        var values: [Double] = []
        var cols = -1
        var rows = 0
        var line = 0
        var i = 0
        var field = [CChar](repeating: 0, count: 64)
        while i < bytes.count {
            var end = i
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            line += 1
            defer { i = end + 1 }
            var lineEnd = end
            if lineEnd > i, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            if line <= skipRows { continue }
            if (i..<lineEnd).allSatisfy({ bytes[$0] == 0x20 || bytes[$0] == 0x09 }) { continue }
            var n = 0
            var s = i
            while true {
                var e = s
                while e < lineEnd, bytes[e] != delimiter { e += 1 }
                // trim spaces and quotes
                var a = s, b = e
                while a < b, bytes[a] == 0x20 || bytes[a] == 0x09 || bytes[a] == 0x22 { a += 1 }
                while b > a, bytes[b - 1] == 0x20 || bytes[b - 1] == 0x09 || bytes[b - 1] == 0x22 { b -= 1 }
                let len = b - a
                if field.count < len + 1 { field = [CChar](repeating: 0, count: len + 1) }
                var v = Double.nan
                var ok = len > 0
                if ok {
                    field.withUnsafeMutableBufferPointer { f in
                        for k in 0..<len { f[k] = CChar(bitPattern: bytes[a + k]) }
                        f[len] = 0
                        var endp: UnsafeMutablePointer<CChar>?
                        v = strtod(f.baseAddress!, &endp)
                        ok = endp == f.baseAddress! + len
                    }
                }
                if !ok {
                    let text = String(decoding: bytes[a..<b], as: UTF8.self)
                    throw .data("\(name): line \(line), column \(n + 1): '\(text.prefix(40))' is not a number")
                }
                // strtod gives ±inf for a literal inf and for an overflow: only the literal is an infinity
                let literalInf = v.isInfinite && (a..<b).contains { bytes[$0] | 0x20 == UInt8(ascii: "i") }
                if (v.isInfinite && !literalInf) || (v.isFinite && Swift.abs(v) > limit) {
                    let text = String(decoding: bytes[a..<b], as: UTF8.self)
                    throw .data(
                        "\(name): line \(line), column \(n + 1): \(text.prefix(40)) is beyond the output's range (±\(limit))"
                    )
                }
                values.append(v)
                n += 1
                if e >= lineEnd { break }
                s = e + 1
            }
            if cols < 0 {
                cols = n
            } else if n != cols {
                throw .data("\(name): line \(line) has \(n) fields, earlier rows have \(cols)")
            }
            rows += 1
        }
        return (rows, max(cols, 0), values)
    }

    /// Shortest text that reads back as the same float32 (Swift's description), or an integer when exact.
    public static func format(_ v: Double, integer: Bool) -> String {
        if integer, v.isFinite { return String(Int64(v)) }
        if v.isNaN { return "nan" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        return "\(v)"
    }
}
