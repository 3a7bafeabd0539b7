/// A safetensors file (the Hugging Face checkpoint format): named tensors plus string metadata.
///
/// Layout: an 8-byte little-endian header length N, an N-byte UTF-8 JSON header
/// `{"__metadata__": {…}, "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [b, e]}, …}`,
/// then the data buffer; offsets are relative to the buffer, data is little-endian and C order.
/// Reading enforces what the reference implementation enforces: the header is capped at 100 MB,
/// each range matches its dtype and shape, and the ranges tile the buffer exactly with no gap or overlap.
public struct Safetensors: Sendable {
    public var tensors: [(name: String, array: NpyArray)]
    public var metadata: [String: String]

    public static let maxHeaderLength = 100_000_000

    public init(tensors: [(name: String, array: NpyArray)] = [], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    public subscript(name: String) -> NpyArray? { tensors.first { $0.name == name }?.array }

    static let names: [(String, DType)] = [
        ("F32", .f4), ("F64", .f8), ("F16", .f2), ("I8", .i1), ("I16", .i2), ("I32", .i4), ("I64", .i8),
        ("U8", .u1), ("U16", .u2), ("U32", .u4), ("U64", .u8), ("BOOL", .b1),
    ]

    /// Decodes a whole file's bytes; `name` is the input's name for messages.
    public static func decode(_ bytes: [UInt8], name: String = "safetensors") throws(FjordError) -> Safetensors {
        guard !bytes.isEmpty else { throw .noInput("\(name): empty input (expected a safetensors file)") }
        guard bytes.count >= 8 else {
            throw .data("\(name): byte 0: too short for a safetensors file (\(bytes.count) bytes)")
        }
        var n: UInt64 = 0
        for k in 0..<8 { n |= UInt64(bytes[k]) << (8 * UInt64(k)) }
        guard n <= UInt64(maxHeaderLength) else {
            throw .data("\(name): byte 0: header length \(n) is over the 100 MB limit")
        }
        let headerLength = Int(n)
        guard 8 + headerLength <= bytes.count else {
            throw .data(
                "\(name): byte 0: header length \(headerLength) runs past the end of the file (\(bytes.count) bytes)")
        }
        let header = try JSON.parse(Array(bytes[8..<8 + headerLength]), what: "\(name) header", integersOnly: true)
        guard let entries = header.objectValue else { throw .data("\(name): byte 8: header is not a JSON object") }
        let bufferStart = 8 + headerLength
        let bufferLength = bytes.count - bufferStart
        var out = Safetensors()
        var ranges: [(Int, Int, String)] = []
        for key in entries.keys.sorted() {
            let v = entries[key]!
            if key == "__metadata__" {
                guard let m = v.objectValue else { throw .data("\(name): __metadata__ is not an object of strings") }
                for (mk, mv) in m {
                    guard let s = mv.stringValue else { throw .data("\(name): __metadata__[\(mk)] is not a string") }
                    out.metadata[mk] = s
                }
                continue
            }
            guard let dt = v["dtype"]?.stringValue else { throw .data("\(name): tensor '\(key)' has no dtype") }
            guard let dtype = names.first(where: { $0.0 == dt })?.1 else {
                throw .data("\(name): tensor '\(key)': unsupported dtype \(dt)")
            }
            guard let shapeJ = v["shape"]?.arrayValue else { throw .data("\(name): tensor '\(key)' has no shape") }
            var shape: [Int] = []
            for d in shapeJ {
                guard let x = d.intValue else {
                    throw .data("\(name): tensor '\(key)': shape entries must be non-negative integers")
                }
                shape.append(x)
            }
            guard let offs = v["data_offsets"]?.arrayValue, offs.count == 2, let b = offs[0].intValue,
                let e = offs[1].intValue
            else {
                throw .data("\(name): tensor '\(key)': data_offsets must be two non-negative integers")
            }
            let h = NpyHeader(dtype: dtype, shape: shape)
            guard let nbytes = h.byteCount else { throw .data("\(name): tensor '\(key)': shape \(shape) overflows") }
            guard b <= e, e <= bufferLength else {
                throw .data(
                    "\(name): tensor '\(key)': data_offsets [\(b), \(e)] out of the \(bufferLength)-byte buffer")
            }
            guard e - b == nbytes else {
                throw .data(
                    "\(name): tensor '\(key)': data_offsets span \(e - b) bytes but \(dt) \(shape) needs \(nbytes)")
            }
            let storage = AlignedStorage(uninitializedByteCount: nbytes)
            bytes.withUnsafeBytes { src in
                if nbytes > 0 {
                    storage.pointer.copyMemory(from: src.baseAddress! + bufferStart + b, byteCount: nbytes)
                }
            }
            out.tensors.append((key, NpyArray(header: h, storage: storage)))
            ranges.append((b, e, key))
        }
        // The ranges must tile [0, bufferLength) exactly.
        ranges.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        var pos = 0
        for (b, e, key) in ranges {
            guard b == pos else {
                throw .data("\(name): tensor '\(key)': data_offsets start at \(b), expected \(pos) (gap or overlap)")
            }
            pos = e
        }
        guard pos == bufferLength else {
            throw .data("\(name): data buffer is \(bufferLength) bytes but the tensors cover \(pos)")
        }
        // Keep the file's data order, which is the writer's order.
        let order = Dictionary(uniqueKeysWithValues: ranges.enumerated().map { ($0.element.2, $0.offset) })
        out.tensors.sort { order[$0.name]! < order[$1.name]! }
        return out
    }

    /// Reads a file (or `-` for stdin).
    public static func read(path: String) throws(FjordError) -> Safetensors {
        let src = try ByteSource.open(path: path)
        return try decode(try src.readAll(), name: src.name)
    }

    /// The file's bytes: tensors in order, little-endian C-order data, header padded with spaces to 8 bytes.
    public func encoded() -> [UInt8] {
        var header: [String: JSON] = [:]
        var offset = 0
        var parts: [NpyArray] = []
        for (name, array) in tensors {
            var a = array.cOrdered()
            if !a.header.littleEndian {
                // Convert big-endian data to little-endian by a byte swap of each element.
                let size = a.dtype.size
                let s = a.storage.copy()
                let p = s.pointer.assumingMemoryBound(to: UInt8.self)
                for e in 0..<a.count {
                    for k in 0..<size / 2 { p.advanced(by: e * size).swapAt(k, size - 1 - k) }
                }
                a = NpyArray(header: NpyHeader(dtype: a.dtype, shape: a.shape), storage: s)
            }
            let dt = Safetensors.names.first { $0.1 == a.dtype }!.0
            let n = a.storage.byteCount
            header[name] = .object([
                "dtype": .string(dt),
                "shape": .array(a.shape.map { .number(Double($0)) }),
                "data_offsets": .array([.number(Double(offset)), .number(Double(offset + n))]),
            ])
            offset += n
            parts.append(a)
        }
        if !metadata.isEmpty { header["__metadata__"] = .object(metadata.mapValues { .string($0) }) }
        var h = Array(JSON.object(header).serialized.utf8)
        while h.count % 8 != 0 { h.append(0x20) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + h.count + offset)
        for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: UInt64(h.count) >> (8 * UInt64(k)))) }
        out += h
        for a in parts { out += UnsafeRawBufferPointer(a.storage.bytes) }
        return out
    }

    /// Writes the file atomically.
    public func write(path: String) throws(FjordError) {
        try AtomicFile.write(encoded(), to: path)
    }
}

extension UnsafeMutablePointer where Pointee == UInt8 {
    fileprivate func swapAt(_ i: Int, _ j: Int) {
        let t = self[i]
        self[i] = self[j]
        self[j] = t
    }
}
