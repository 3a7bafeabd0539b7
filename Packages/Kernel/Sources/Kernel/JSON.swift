/// A JSON value, with a small strict parser (RFC 8259) and a serializer with sorted keys.
///
/// Used for safetensors headers, `--json` reports and JSON Lines records. The parser caps nesting
/// depth so hostile input cannot exhaust the stack.
public enum JSON: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    public static let maxDepth = 128

    public subscript(key: String) -> JSON? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
    public var doubleValue: Double? {
        if case .number(let d) = self { return d }
        return nil
    }
    public var arrayValue: [JSON]? {
        if case .array(let a) = self { return a }
        return nil
    }
    public var objectValue: [String: JSON]? {
        if case .object(let o) = self { return o }
        return nil
    }
    /// The number as an exact non-negative integer, if it is one.
    public var intValue: Int? {
        guard case .number(let d) = self, d >= 0, d < 9.007199254740992e15, d == d.rounded() else { return nil }
        return Int(d)
    }

    /// Parses one JSON text; `what` names the input in error messages. With `integersOnly`, a number written with
    /// a fraction or an exponent (`2.0`, `2e0`) is an error naming its byte, for formats whose numbers are all
    /// integers (a safetensors header: readers built on serde refuse `[2.0, 3]` as a shape).
    public static func parse(
        _ bytes: [UInt8], what: String = "JSON", integersOnly: Bool = false
    ) throws(FjordError)
        -> JSON
    {
        var p = JSONParser(b: bytes, what: what)
        p.integersOnly = integersOnly
        let v = try p.value(depth: 0)
        p.ws()
        if p.i != bytes.count { throw p.fail("text after the JSON value") }
        return v
    }

    public static func parse(_ text: String, what: String = "JSON") throws(FjordError) -> JSON {
        try parse(Array(text.utf8), what: what)
    }

    /// Compact serialization with object keys sorted (so equal values give equal bytes).
    public var serialized: String { String(decoding: serializedBytes, as: UTF8.self) }

    /// The same serialization as UTF-8 bytes (no String building on the way: long strings are copied in runs).
    public var serializedBytes: [UInt8] {
        var out: [UInt8] = []
        write(to: &out)
        return out
    }

    private func write(to out: inout [UInt8]) {
        switch self {
        case .null: out += "null".utf8
        case .bool(let b): out += (b ? "true" : "false").utf8
        case .number(let d): out += JSON.format(d).utf8
        case .string(let s): JSON.quote(s, into: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (k, v) in a.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                v.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            for (k, key) in o.keys.sorted().enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                JSON.quote(key, into: &out)
                out.append(UInt8(ascii: ":"))
                o[key]!.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Integers print without a fraction; non-finite numbers (not JSON) print as null.
    public static func format(_ d: Double) -> String {
        if !d.isFinite { return "null" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }

    /// Appends `s` as a JSON string literal: quotes, backslashes and control characters escaped, the rest copied.
    public static func quote(_ s: String, into out: inout String) {
        var b: [UInt8] = []
        quote(s, into: &b)
        out += String(decoding: b, as: UTF8.self)
    }

    public static func quote(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { u in
            var run = 0
            for i in 0..<u.count {
                let c = u[i]
                guard c < 0x20 || c == 0x22 || c == 0x5C else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: u[run..<i]))
                run = i + 1
                switch c {
                case 0x22: out += "\\\"".utf8
                case 0x5C: out += "\\\\".utf8
                case 0x0A: out += "\\n".utf8
                case 0x0D: out += "\\r".utf8
                case 0x09: out += "\\t".utf8
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out += "\\u00".utf8
                    out.append(hex[Int(c >> 4)])
                    out.append(hex[Int(c & 15)])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: u[run..<u.count]))
        }
        out.append(UInt8(ascii: "\""))
    }
}

struct JSONParser {
    let b: [UInt8]
    let what: String
    var i = 0
    var integersOnly = false

    init(b: [UInt8], what: String) {
        self.b = b
        self.what = what
    }

    func fail(_ m: String) -> FjordError { .data("\(what): byte \(i): malformed JSON: \(m)") }

    mutating func ws() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }

    mutating func literal(_ word: String, _ v: JSON) throws(FjordError) -> JSON {
        let w = Array(word.utf8)
        guard i + w.count <= b.count, Array(b[i..<i + w.count]) == w else { throw fail("unexpected token") }
        i += w.count
        return v
    }

    mutating func value(depth: Int) throws(FjordError) -> JSON {
        guard depth < JSON.maxDepth else { throw fail("nested deeper than \(JSON.maxDepth)") }
        ws()
        guard i < b.count else { throw fail("unexpected end") }
        switch b[i] {
        case 0x7B:
            i += 1
            var o: [String: JSON] = [:]
            ws()
            if i < b.count, b[i] == 0x7D {
                i += 1
                return .object(o)
            }
            while true {
                ws()
                guard i < b.count, b[i] == 0x22 else { throw fail("expected a string key") }
                let k = try string()
                ws()
                guard i < b.count, b[i] == 0x3A else { throw fail("expected ':'") }
                i += 1
                if o[k] != nil { throw fail("duplicate key \"\(k)\"") }
                o[k] = try value(depth: depth + 1)
                ws()
                guard i < b.count else { throw fail("unterminated object") }
                if b[i] == 0x2C {
                    i += 1
                    continue
                }
                if b[i] == 0x7D {
                    i += 1
                    return .object(o)
                }
                throw fail("expected ',' or '}'")
            }
        case 0x5B:
            i += 1
            var a: [JSON] = []
            ws()
            if i < b.count, b[i] == 0x5D {
                i += 1
                return .array(a)
            }
            while true {
                a.append(try value(depth: depth + 1))
                ws()
                guard i < b.count else { throw fail("unterminated array") }
                if b[i] == 0x2C {
                    i += 1
                    continue
                }
                if b[i] == 0x5D {
                    i += 1
                    return .array(a)
                }
                throw fail("expected ',' or ']'")
            }
        case 0x22: return .string(try string())
        case 0x74: return try literal("true", .bool(true))
        case 0x66: return try literal("false", .bool(false))
        case 0x6E: return try literal("null", .null)
        default: return try number()
        }
    }

    mutating func number() throws(FjordError) -> JSON {
        let start = i
        if i < b.count, b[i] == 0x2D { i += 1 }
        func digits(_ p: inout JSONParser) -> Int {
            let s = p.i
            while p.i < p.b.count, p.b[p.i] >= 0x30, p.b[p.i] <= 0x39 { p.i += 1 }
            return p.i - s
        }
        let intStart = i
        let nInt = digits(&self)
        if nInt == 0 { throw fail("unexpected character") }
        if nInt > 1, b[intStart] == 0x30 { throw fail("leading zero in number") }
        if integersOnly, i < b.count, b[i] == 0x2E || b[i] == 0x65 || b[i] == 0x45 {
            i = start
            throw fail("a number with a fraction or an exponent where only integers may appear")
        }
        if i < b.count, b[i] == 0x2E {
            i += 1
            if digits(&self) == 0 { throw fail("digits expected after '.'") }
        }
        if i < b.count, b[i] == 0x65 || b[i] == 0x45 {
            i += 1
            if i < b.count, b[i] == 0x2B || b[i] == 0x2D { i += 1 }
            if digits(&self) == 0 { throw fail("digits expected in exponent") }
        }
        guard let d = Double(String(decoding: b[start..<i], as: UTF8.self)) else { throw fail("bad number") }
        return .number(d)
    }

    mutating func hex4() throws(FjordError) -> UInt32 {
        guard i + 4 <= b.count else { throw fail("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = b[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw fail("bad \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    mutating func string() throws(FjordError) -> String {
        i += 1  // opening quote
        // Runs of plain bytes are copied whole; a string without escapes is made straight from the input.
        var bytes: [UInt8] = []
        var run = i, escaped = false
        while true {
            guard i < b.count else { throw fail("unterminated string") }
            let c = b[i]
            if c == 0x22 {
                if !escaped {
                    guard let s = String(validating: b[run..<i], as: UTF8.self) else {
                        throw fail("invalid UTF-8 in string")
                    }
                    i += 1
                    return s
                }
                bytes += b[run..<i]
                i += 1
                break
            }
            if c < 0x20 { throw fail("control character in string") }
            if c != 0x5C {
                i += 1
                continue
            }
            bytes += b[run..<i]
            escaped = true
            defer { run = i }
            i += 1
            guard i < b.count else { throw fail("unterminated escape") }
            let e = b[i]
            i += 1
            switch e {
            case 0x22: bytes.append(0x22)
            case 0x5C: bytes.append(0x5C)
            case 0x2F: bytes.append(0x2F)
            case 0x62: bytes.append(0x08)
            case 0x66: bytes.append(0x0C)
            case 0x6E: bytes.append(0x0A)
            case 0x72: bytes.append(0x0D)
            case 0x74: bytes.append(0x09)
            case 0x75:
                var u = try hex4()
                if (0xD800..<0xDC00).contains(u) {
                    guard i + 6 <= b.count, b[i] == 0x5C, b[i + 1] == 0x75 else { throw fail("lone surrogate") }
                    i += 2
                    let lo = try hex4()
                    guard (0xDC00..<0xE000).contains(lo) else { throw fail("bad surrogate pair") }
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00)
                } else if (0xDC00..<0xE000).contains(u) {
                    throw fail("lone surrogate")
                }
                bytes += Array(String(Character(Unicode.Scalar(u)!)).utf8)
            default: throw fail("bad escape")
            }
        }
        guard let s = String(validating: bytes, as: UTF8.self) else { throw fail("invalid UTF-8 in string") }
        return s
    }
}
