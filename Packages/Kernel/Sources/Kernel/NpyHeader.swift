/// The header of one `.npy` array (NEP 1, numpy.lib.format): dtype, byte order, memory order and shape.
///
/// On disk: `\x93NUMPY`, major and minor version bytes, the header length (u16 LE in v1.0, u32 LE in
/// v2.0 and v3.0), then a Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`
/// padded with spaces and a final newline. Fjord writes v1.0 (v2.0 when the dict is over 65535 bytes)
/// padded so the data starts on a 64-byte boundary, as numpy does since 1.x.
public struct NpyHeader: Equatable, Sendable {
    public var dtype: DType
    public var littleEndian: Bool
    public var fortranOrder: Bool
    public var shape: [Int]

    public init(dtype: DType, shape: [Int], littleEndian: Bool = true, fortranOrder: Bool = false) {
        self.dtype = dtype
        self.shape = shape
        self.littleEndian = littleEndian
        self.fortranOrder = fortranOrder
    }

    /// Number of elements (1 for shape `()`), or nil when the product overflows.
    public var elementCount: Int? { Tensor.elementCount(shape) }

    /// Number of data bytes, or nil when it overflows.
    public var byteCount: Int? {
        guard let n = elementCount else { return nil }
        let (b, o) = n.multipliedReportingOverflow(by: dtype.size)
        return o ? nil : b
    }

    public static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY

    /// The full preamble (magic, version, length, padded dict) of this header.
    public func encoded() -> [UInt8] {
        let dims = shape.map(String.init)
        let shp = dims.count == 1 ? "(\(dims[0]),)" : "(\(dims.joined(separator: ", ")))"
        let order = fortranOrder ? "True" : "False"
        var dict = Array(
            "{'descr': '\(dtype.descr(littleEndian: littleEndian))', 'fortran_order': \(order), 'shape': \(shp), }".utf8
        )
        var lengthBytes = 2
        var total = (6 + 2 + lengthBytes + dict.count + 1 + 63) / 64 * 64
        if total - 10 > 0xFFFF {
            lengthBytes = 4
            total = (6 + 2 + lengthBytes + dict.count + 1 + 63) / 64 * 64
        }
        let dictLen = total - 8 - lengthBytes
        dict += [UInt8](repeating: 0x20, count: dictLen - dict.count - 1) + [0x0A]
        var out = NpyHeader.magic
        out += lengthBytes == 2 ? [1, 0] : [2, 0]
        for i in 0..<lengthBytes { out.append(UInt8(truncatingIfNeeded: dictLen >> (8 * i))) }
        return out + dict
    }

    /// Parses the header dict text. `offset` (of the dict in the stream) and `name` only shape messages.
    public static func parse(dict text: [UInt8], name: String, offset: Int) throws(FjordError) -> NpyHeader {
        var p = DictParser(bytes: text, name: name, base: offset)
        let entries = try p.parseDict()
        func need(_ key: String) throws(FjordError) -> DictParser.Value {
            guard let v = entries[key] else { throw .data("\(name): byte \(offset): npy header has no '\(key)' key") }
            return v
        }
        guard case .string(let descr) = try need("descr") else {
            throw .data(
                "\(name): byte \(offset): npy 'descr' is not a simple dtype string (structured dtypes are not supported)"
            )
        }
        if descr.contains("O") {
            throw .data("\(name): byte \(offset): object dtype '\(descr)' (pickled Python objects) is refused")
        }
        guard let (dtype, little) = DType.parse(descr: descr) else {
            throw .data(
                "\(name): byte \(offset): unsupported dtype '\(descr)' (expected one of f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1)"
            )
        }
        guard case .bool(let fortran) = try need("fortran_order") else {
            throw .data("\(name): byte \(offset): npy 'fortran_order' is not True or False")
        }
        guard case .tuple(let shape) = try need("shape") else {
            throw .data("\(name): byte \(offset): npy 'shape' is not a tuple of integers")
        }
        if entries.count != 3 {
            let extra = entries.keys.filter { !["descr", "fortran_order", "shape"].contains($0) }.sorted()
            throw .data("\(name): byte \(offset): npy header has unexpected keys \(extra)")
        }
        let h = NpyHeader(dtype: dtype, shape: shape, littleEndian: little, fortranOrder: fortran)
        guard h.byteCount != nil else {
            throw .data("\(name): byte \(offset): shape \(shape) has more elements than can be addressed")
        }
        return h
    }
}

/// A parser for the small subset of Python literals a `.npy` header uses.
struct DictParser {
    enum Value: Equatable { case string(String), bool(Bool), tuple([Int]), other }
    let bytes: [UInt8]
    let name: String
    let base: Int
    var i = 0

    init(bytes: [UInt8], name: String, base: Int) {
        self.bytes = bytes
        self.name = name
        self.base = base
    }

    func fail(_ what: String) -> FjordError {
        .data("\(name): byte \(base + i): malformed npy header: \(what)")
    }

    mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x09 || bytes[i] == 0x0D { i += 1 }
    }

    mutating func expect(_ c: UInt8) throws(FjordError) {
        skipSpace()
        guard i < bytes.count, bytes[i] == c else { throw fail("expected '\(Character(Unicode.Scalar(c)))'") }
        i += 1
    }

    mutating func peek() -> UInt8? {
        skipSpace()
        return i < bytes.count ? bytes[i] : nil
    }

    mutating func parseString() throws(FjordError) -> String {
        skipSpace()
        guard i < bytes.count, bytes[i] == 0x27 || bytes[i] == 0x22 else { throw fail("expected a quoted string") }
        let q = bytes[i]
        i += 1
        let start = i
        while i < bytes.count, bytes[i] != q {
            if bytes[i] == 0x5C { throw fail("escapes in strings are not supported") }
            i += 1
        }
        guard i < bytes.count else { throw fail("unterminated string") }
        let s = String(decoding: bytes[start..<i], as: UTF8.self)
        i += 1
        return s
    }

    mutating func parseInt() throws(FjordError) -> Int {
        skipSpace()
        var v = 0
        let start = i
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int(bytes[i] - 0x30))
            if o1 || o2 { throw fail("dimension too large") }
            v = a
            i += 1
        }
        if i == start { throw fail("expected a non-negative integer") }
        if i < bytes.count, bytes[i] == 0x4C { i += 1 }  // Python 2 long suffix, as old numpy wrote
        return v
    }

    mutating func parseValue() throws(FjordError) -> Value {
        guard let c = peek() else { throw fail("unexpected end") }
        switch c {
        case 0x27, 0x22: return .string(try parseString())
        case 0x28:  // (
            i += 1
            var dims: [Int] = []
            while true {
                guard let d = peek() else { throw fail("unterminated tuple") }
                if d == 0x29 {
                    i += 1
                    break
                }
                dims.append(try parseInt())
                guard let sep = peek() else { throw fail("unterminated tuple") }
                if sep == 0x2C { i += 1 } else if sep != 0x29 { throw fail("expected ',' or ')' in shape") }
            }
            if dims.count > 64 { throw fail("more than 64 dimensions") }
            return .tuple(dims)
        case 0x54, 0x46:  // True / False
            for (word, val) in [("True", true), ("False", false)] {
                let w = Array(word.utf8)
                if i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w {
                    i += w.count
                    return .bool(val)
                }
            }
            throw fail("expected True or False")
        case 0x5B:  // [ — a structured dtype's list of fields
            return .other
        default:
            throw fail("unexpected character")
        }
    }

    mutating func parseDict() throws(FjordError) -> [String: Value] {
        try expect(0x7B)
        var out: [String: Value] = [:]
        while true {
            guard let c = peek() else { throw fail("unterminated dict") }
            if c == 0x7D {
                i += 1
                break
            }
            let key = try parseString()
            try expect(0x3A)
            let v = try parseValue()
            if v == .other { return ["descr": .other, "fortran_order": .bool(false), "shape": .tuple([])] }
            if out[key] != nil { throw fail("duplicate key '\(key)'") }
            out[key] = v
            guard let sep = peek() else { throw fail("unterminated dict") }
            if sep == 0x2C { i += 1 } else if sep != 0x7D { throw fail("expected ',' or '}'") }
        }
        skipSpace()
        if i != bytes.count { throw fail("text after the closing brace") }
        return out
    }
}
