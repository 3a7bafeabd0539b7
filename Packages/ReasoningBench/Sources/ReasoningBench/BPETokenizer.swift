import Foundation
import Kernel

/// A byte-level BPE token counter in tiktoken's form, loaded from a Mistral "tekken" vocabulary file (the
/// `tekken_*.json` files `mistral-common` ships on PyPI; `Tools/bootstrap` fetches `tekken_240911.json`, the tokenizer
/// of Mistral NeMo, Pixtral and Mistral Small 3).
///
/// Counting follows `mistral_common`'s Tekkenizer over tiktoken exactly: the text is split by the file's pre-tokenizer
/// pattern (the one below, implemented by hand over Unicode scalars with the regex's alternation and backtracking
/// order), each piece's UTF-8 bytes are one token if the vocabulary holds them, else merged pairwise, lowest rank
/// first, from single bytes. The vocabulary is the file's first `default_vocab_size − default_num_special_tokens`
/// entries. Special tokens (BOS, control tokens) are not counted: a completion's count is its text's.
///
///     [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+
///     |[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*
///     |\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
public final class BPETokenizer: Sendable {
    /// The file's name without `.json` ("tekken_240911"), written as the records' `tokenizer`.
    public let name: String
    /// Vocabulary entries: bytes of rank r are `bytes[start[r]..<start[r + 1]]`.
    let bytes: [UInt8]
    let start: [Int32]
    /// Open addressing: slot → rank + 1 (0 empty), size a power of two.
    let slots: [Int32]
    let mask: Int

    public static let pattern =
        #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    /// Where `Tools/bootstrap` puts tokenizer files: `$FJORD_DATA/tokenizers`, else `~/.cache/fjord/tokenizers`.
    public static var directory: String {
        let env = ProcessInfo.processInfo.environment
        if let d = env["FJORD_DATA"], !d.isEmpty { return d + "/tokenizers" }
        return (env["HOME"] ?? "/tmp") + "/.cache/fjord/tokenizers"
    }

    /// Loads `spec`: a path to a tekken JSON file, or a name ("tekken_240911") looked up in ``directory``.
    public static func load(_ spec: String) throws(FjordError) -> BPETokenizer {
        let path =
            FileManager.default.fileExists(atPath: spec)
            ? spec : directory + "/" + spec + (spec.hasSuffix(".json") ? "" : ".json")
        guard FileManager.default.fileExists(atPath: path) else {
            throw .noInput(
                "tokenizer \"\(spec)\": no such file, and none in \(directory) (Tools/bootstrap fetches tekken_240911)")
        }
        let data = try ByteSource.open(path: path).readAll()
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return try BPETokenizer(tekken: data, name: name, path: path)
    }

    init(tekken data: [UInt8], name: String, path: String) throws(FjordError) {
        self.name = name
        // The config object: small, parsed as JSON; the vocabulary: scanned for "token_bytes" in rank order.
        guard let cfgAt = BPETokenizer.find(Array("\"config\"".utf8), in: data, from: 0),
            let open = data[cfgAt...].firstIndex(of: 0x7B), let close = BPETokenizer.closingBrace(data, open)
        else { throw .data("\(path): no \"config\" object (not a tekken tokenizer file)") }
        let config = try JSON.parse(Array(data[open...close]), what: "\(path) config")
        guard config["pattern"]?.stringValue == BPETokenizer.pattern else {
            throw .data("\(path): its pre-tokenizer pattern is not the one this counter implements (tekken v3)")
        }
        guard let size = config["default_vocab_size"]?.intValue,
            let special = config["default_num_special_tokens"]?.intValue, size > special, special >= 0
        else { throw .data("\(path): config needs default_vocab_size and default_num_special_tokens") }
        let wanted = size - special
        var bytes: [UInt8] = [], start: [Int32] = [0]
        bytes.reserveCapacity(wanted * 8)
        start.reserveCapacity(wanted + 1)
        let key = Array("\"token_bytes\"".utf8)
        var at = close
        while start.count <= wanted, let k = BPETokenizer.find(key, in: data, from: at) {
            guard var q = data[(k + key.count)...].firstIndex(of: 0x22) else { break }
            q += 1
            var e = q
            while e < data.count && data[e] != 0x22 { e += 1 }
            guard let decoded = Data(base64Encoded: Data(data[q..<e])) else {
                throw .data("\(path): entry \(start.count - 1) has bad base64")
            }
            bytes += decoded
            start.append(Int32(bytes.count))
            at = e
        }
        guard start.count == wanted + 1 else {
            throw .data("\(path): \(start.count - 1) vocabulary entries, the config asks for \(wanted)")
        }
        var cap = 1
        while cap < wanted * 2 { cap <<= 1 }
        var slots = [Int32](repeating: 0, count: cap)
        for r in 0..<wanted {
            let lo = Int(start[r]), hi = Int(start[r + 1])
            var h = BPETokenizer.hash(bytes, lo, hi) & (cap - 1)
            while slots[h] != 0 { h = (h + 1) & (cap - 1) }
            slots[h] = Int32(r + 1)
        }
        self.bytes = bytes
        self.start = start
        self.slots = slots
        mask = cap - 1
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard needle.count <= hay.count else { return nil }
        var i = from
        while i + needle.count <= hay.count {
            if hay[i] == needle[0] && hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// The index of the brace closing the object opened at `open` (strings and their escapes skipped).
    static func closingBrace(_ d: [UInt8], _ open: Int) -> Int? {
        var depth = 0, i = open, inString = false
        while i < d.count {
            let c = d[i]
            if inString {
                if c == 0x5C { i += 1 } else if c == 0x22 { inString = false }
            } else if c == 0x22 {
                inString = true
            } else if c == 0x7B {
                depth += 1
            } else if c == 0x7D {
                depth -= 1
                if depth == 0 { return i }
            }
            i += 1
        }
        return nil
    }

    @inline(__always) static func hash(_ b: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in lo..<hi { h = (h ^ UInt64(b[i])) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    static func hash(_ b: [UInt8], _ lo: Int, _ hi: Int) -> Int {
        b.withUnsafeBufferPointer { hash($0, lo, hi) }
    }

    /// The rank of `p[lo..<hi]`, or nil.
    @inline(__always) func rank(_ p: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> Int? {
        var h = BPETokenizer.hash(p, lo, hi) & mask
        return bytes.withUnsafeBufferPointer { v in
            while true {
                let s = Int(slots[h])
                if s == 0 { return nil }
                let a = Int(start[s - 1]), b = Int(start[s])
                if b - a == hi - lo {
                    var same = true
                    for k in 0..<(hi - lo) where v[a + k] != p[lo + k] {
                        same = false
                        break
                    }
                    if same { return s - 1 }
                }
                h = (h + 1) & mask
            }
        }
    }

    /// Tokens of `text` (ordinary text only, no special tokens).
    public func count(_ text: String) -> Int {
        var total = 0
        var t = text
        var parts: [Int] = []
        t.withUTF8 { u in
            BPETokenizer.pieces(u) { lo, hi in
                if hi - lo == 1 || rank(u, lo, hi) != nil {
                    total += 1
                    return
                }
                // Pairwise merges, lowest rank first (tiktoken's byte_pair_merge).
                parts.removeAll(keepingCapacity: true)
                parts.append(contentsOf: lo...hi)
                while parts.count > 2 {
                    var best = Int.max, at = -1
                    for i in 0..<(parts.count - 2) {
                        if let r = rank(u, parts[i], parts[i + 2]), r < best {
                            best = r
                            at = i
                        }
                    }
                    if at < 0 { break }
                    parts.remove(at: at + 1)
                }
                total += parts.count - 1
            }
        }
        return total
    }

    // MARK: The pre-tokenizer

    /// Character classes of the pattern, per scalar.
    struct Class: OptionSet {
        let rawValue: UInt8
        static let letter = Class(rawValue: 1)  // \p{L}
        static let number = Class(rawValue: 2)  // \p{N}
        static let upperish = Class(rawValue: 4)  // [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]
        static let lowerish = Class(rawValue: 8)  // [\p{Ll}\p{Lm}\p{Lo}\p{M}]
        static let space = Class(rawValue: 16)  // \s (White_Space)
        static let newline = Class(rawValue: 32)  // \r or \n
    }

    static func classify(_ s: Unicode.Scalar) -> Class {
        var c: Class = []
        switch s.properties.generalCategory {
        case .uppercaseLetter, .titlecaseLetter: c = [.letter, .upperish]
        case .lowercaseLetter: c = [.letter, .lowerish]
        case .modifierLetter, .otherLetter: c = [.letter, .upperish, .lowerish]
        case .nonspacingMark, .spacingMark, .enclosingMark: c = [.upperish, .lowerish]
        case .decimalNumber, .letterNumber, .otherNumber: c = [.number]
        default: break
        }
        if s.properties.isWhitespace { c.insert(.space) }
        if s == "\r" || s == "\n" { c.insert(.newline) }
        return c
    }

    static let ascii: [Class] = (0..<128).map { classify(Unicode.Scalar(UInt8($0))) }

    /// Calls `body` with the byte range of each piece of `u`, in order.
    static func pieces(_ u: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void) {
        // Decode to scalars once: byte offsets and classes.
        var offsets: [Int] = [], classes: [Class] = []
        offsets.reserveCapacity(u.count + 1)
        classes.reserveCapacity(u.count)
        var i = 0
        while i < u.count {
            offsets.append(i)
            let b = u[i]
            if b < 0x80 {
                classes.append(ascii[Int(b)])
                i += 1
                continue
            }
            let len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
            var v = UInt32(b) & (len == 4 ? 0x07 : len == 3 ? 0x0F : 0x1F)
            for k in 1..<len where i + k < u.count { v = (v << 6) | (UInt32(u[i + k]) & 0x3F) }
            classes.append(Unicode.Scalar(v).map(classify) ?? [])
            i += len
        }
        offsets.append(u.count)
        let n = classes.count
        func run(_ from: Int, _ c: Class) -> Int {
            var j = from
            while j < n && !classes[j].isDisjoint(with: c) { j += 1 }
            return j
        }
        // [^\r\n\p{L}\p{N}]: neither newline, letter nor number.
        func isPrefix(_ j: Int) -> Bool { j < n && classes[j].isDisjoint(with: [.newline, .letter, .number]) }
        // [^\s\p{L}\p{N}]
        func isPunct(_ j: Int) -> Bool { j < n && classes[j].isDisjoint(with: [.space, .letter, .number]) }
        var p = 0
        while p < n {
            var end = -1
            // Alternatives 1 then 2, each with its optional prefix tried first (the regex's backtracking order).
            let starts = isPrefix(p) ? [p + 1, p] : [p]
            for s in starts where end < 0 {
                // 1: U* L+ (U* backs off until L+ can start).
                var u = run(s, .upperish)
                while u >= s {
                    if u < n && classes[u].contains(.lowerish) {
                        end = run(u, .lowerish)
                        break
                    }
                    u -= 1
                }
            }
            for s in starts where end < 0 {
                // 2: U+ L*.
                let uEnd = run(s, .upperish)
                if uEnd > s { end = run(uEnd, .lowerish) }
            }
            if end < 0 && classes[p].contains(.number) { end = p + 1 }  // 3
            if end < 0 {  // 4: " ?[^\s\p{L}\p{N}]+[\r\n/]*"
                for s in (u[offsets[p]] == 0x20 && isPunct(p + 1)) ? [p + 1] : isPunct(p) ? [p] : [] {
                    var j = s
                    while isPunct(j) { j += 1 }
                    while j < n && (classes[j].contains(.newline) || u[offsets[j]] == 0x2F) { j += 1 }
                    end = j
                }
            }
            if end < 0 && classes[p].contains(.space) {
                let w = run(p, .space)
                // 5: \s*[\r\n]+ : up to and including the run's last newline.
                var last = -1
                for j in p..<w where classes[j].contains(.newline) { last = j }
                if last >= 0 {
                    end = last + 1
                } else if w == n || w - 1 > p {
                    end = w == n ? w : w - 1  // 6: \s+(?!\S)
                } else {
                    end = w  // 7: \s+
                }
            }
            if end < 0 { end = p + 1 }  // unreachable for the pattern's classes; never loop
            body(offsets[p], offsets[end])
            p = end
        }
    }
}
