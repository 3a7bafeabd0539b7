/// The element types a `.npy` array may hold in Fjord: numpy's `f2 f4 f8 i1…i8 u1…u8 b1`.
///
/// Structured, object (`O`, pickled), string, complex and datetime dtypes are refused.
public enum DType: String, CaseIterable, Sendable {
    case f4, f8, i1, i2, i4, i8, u1, u2, u4, u8, b1, f2

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .i1, .u1, .b1: return 1
        case .i2, .u2, .f2: return 2
        case .f4, .i4, .u4: return 4
        case .f8, .i8, .u8: return 8
        }
    }

    /// The code the C kernel's converters use (see ckernel.h).
    var code: Int32 {
        switch self {
        case .f4: return 0
        case .f8: return 1
        case .i1: return 2
        case .i2: return 3
        case .i4: return 4
        case .i8: return 5
        case .u1: return 6
        case .u2: return 7
        case .u4: return 8
        case .u8: return 9
        case .b1: return 10
        case .f2: return 11
        }
    }

    public var isFloat: Bool { self == .f2 || self == .f4 || self == .f8 }

    /// Parses a numpy `descr` such as `<f4`, `>i8`, `|u1`, `|b1`, `f8` (native).
    /// Returns the dtype and whether the data is little-endian.
    public static func parse(descr: String) -> (DType, littleEndian: Bool)? {
        var s = Substring(descr)
        var little = true
        if let c = s.first, "<>|=".contains(c) {
            if c == ">" { little = false }
            s = s.dropFirst()
        }
        // numpy also writes the single-byte 'b1' as '|b1' and accepts '?' as bool.
        if s == "?" { return (.b1, true) }
        guard let t = DType(rawValue: String(s)) else { return nil }
        return (t, t.size == 1 ? true : little)
    }

    /// The descr Fjord writes: explicit byte order, `|` for single bytes.
    public func descr(littleEndian: Bool = true) -> String {
        size == 1 ? "|\(rawValue)" : "\(littleEndian ? "<" : ">")\(rawValue)"
    }
}
