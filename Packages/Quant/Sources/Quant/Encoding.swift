import CQuant
import Kernel

/// Elias codes for the level indices and gaps (Elias 1975).
public enum EliasCode: String, Sendable, CaseIterable {
    case omega, gamma
    var code: Int32 { self == .omega ? Int32(FJQ_CODE_OMEGA) : Int32(FJQ_CODE_GAMMA) }

    /// Bits of the code of n ≥ 1.
    public func length(_ n: UInt64) -> Int { Int(fjq_code_length(code, n)) }
}

/// The framed binary format of an encoded gradient (`quant encode`; DESIGN §4). All integers little-endian.
///
///     offset  size  field
///     0       4     magic "FJQG"
///     4       1     version (3; versions 1 and 2 are still read: see below)
///     5       1     code: 0 Elias ω, 1 Elias γ, 2 fixed width (version 3 only: every bucket is body 3, no body
///                   number: the fixed-width b-bit codec, 32 + ⌈log₂(2K−1)⌉·n bits for a bucket of n)
///     6       1     norm: 0 L2, 1 L∞
///     7       1     rank r of the original shape (≤ 32)
///     8       2     K, the number of magnitude levels
///     10      1     scheme id (informational: 0 custom, 1 qsgd, 2 qsgdinf, 3 nuq, 4 terngrad, 5 alq, 6 amq)
///     11      1     reserved (must be 0)
///     12      4     bucket size B
///     16      8     payload length P in bytes
///     24      8·r   dimensions
///     …       4·K   the levels as float32
///     …       P     bit stream, MSB first: per bucket a float32 norm (32 bits), the body's number (2 bits), then
///                   0 dense:  per coordinate code(|q|+1) and a sign bit when q ≠ 0
///                   1 sparse: per nonzero code(gap) (gap = 1-based distance from the previous nonzero),
///                             a sign bit and code(|q|); closed by code(gap to one past the bucket's end)
///                   2 top:    per coordinate code(K−|q|) and a sign bit when q ≠ 0
///                   3 fixed:  per coordinate q+K−1 in ⌈log₂(2K−1)⌉ bits (b bits at b-bit schemes' K = 2^(b−1))
///                   whichever is shortest for that bucket (ties: the lower number); zero-padded to a whole
///                   byte at the end (the padding bits must be 0)
///     …       4     versions ≥ 2: CRC-32C (Castagnoli) of every byte of the message before it, little-endian
///
/// The checksum makes a corrupted message an error instead of a different tensor: before it, 36% of single-bit
/// flips decoded to another tensor with exit 0 (an outside audit's count over 1,824 flips).
///
/// Version 1 (no checksum) and version 2 have only bodies 0 and 1, numbered by one bit. With those alone a bucket
/// could cost more than packing its indices at a fixed width: NUQSGD's exponential ladder puts most coordinates
/// near the top level, where code(|q|+1) is long, and 8-bit NUQ cost 14.5 bits per coordinate. Version 3's top and
/// fixed bodies bound every bucket by 34 bits plus ⌈log₂(2K−1)⌉ bits per coordinate.
///
/// The message's byte count is the communication cost Fjord reports.
public struct EncodedGradient: Sendable {
    public static let magic: [UInt8] = Array("FJQG".utf8)
    public static let version: UInt8 = 3

    public enum SchemeID: UInt8, Sendable { case custom = 0, qsgd, qsgdinf, nuq, terngrad, alq, amq }

    public var quantizer: Quantizer
    public var code: EliasCode
    /// Every bucket packed at ⌈log₂(2K−1)⌉ bits per coordinate, no Elias code (`code` is then unused): the size
    /// is known before quantizing, and encoding and decoding do no bit counting.
    public var fixedWidth = false
    public var scheme: SchemeID
    public var shape: [Int]
    public var quantized: Quantized

    public init(
        quantizer: Quantizer, code: EliasCode = .omega, fixedWidth: Bool = false, scheme: SchemeID = .custom,
        shape: [Int], quantized: Quantized
    ) {
        self.quantizer = quantizer
        self.code = code
        self.fixedWidth = fixedWidth
        self.scheme = scheme
        self.shape = shape
        self.quantized = quantized
    }

    /// The message bytes (`version` 1 or 2 writes the older formats, for older readers and for tests).
    ///
    /// `threads` encode ranges of buckets into their own bit streams at once, then one pass appends them (the
    /// buckets are not byte-aligned): the bytes are the same for any thread count. One allocation: the header,
    /// payload and checksum are written straight into the returned array (its capacity is the payload's bound).
    public func encoded(version: UInt8 = EncodedGradient.version, threads: Int = 1) -> [UInt8] {
        precondition((1...EncodedGradient.version).contains(version), "unknown message version \(version)")
        let q = quantized, d = q.count, bucket = quantizer.bucketSize
        let K = quantizer.levels.count
        let largest = q.indices.withUnsafeBufferPointer { fjq_max_abs_index($0.baseAddress, $0.count) }
        precondition(Int(largest) < K, "level index outside the quantizer's \(K) levels")
        precondition(!fixedWidth || version >= 3, "the fixed-width codec needs message version 3")
        let bodies: Int32 = fixedWidth ? 1 : version >= 3 ? 4 : 2
        let nb = quantizer.buckets(d)
        let (codeID, levelCount) = (code.code, Int32(K))
        /// An upper bound on the bits of buckets b0..<b1.
        func capBits(_ b0: Int, _ b1: Int) -> Int {
            let n = min(d, b1 * bucket) - b0 * bucket, m = b1 - b0
            return version >= 3
                ? n * Int(fjq_fixed_width(Int32(K))) + m * 34 + 64
                : n * (code.length(UInt64(K)) + 1) + m * (33 + code.length(UInt64(bucket) + 1)) + 64
        }
        var head =
            EncodedGradient.magic + [
                version, UInt8(fixedWidth ? 2 : code == .omega ? 0 : 1), UInt8(quantizer.norm == .l2 ? 0 : 1),
                UInt8(shape.count),
            ]
        head += le(UInt64(K), 2) + [scheme.rawValue, 0] + le(UInt64(bucket), 4) + le(0, 8)  // length patched below
        for s in shape { head += le(UInt64(s), 8) }
        for l in quantizer.levels.magnitudes { head += le(UInt64(l.bitPattern), 4) }
        let capBytes = capBits(0, nb) / 8 + 1
        // encoded bucket ranges, when threads share the work: (bits, bytes) per range in order
        let parts = threads > 1 && nb > 1 ? encodedParts(threads: min(threads, nb), bodies: bodies, cap: capBits) : nil
        defer { parts?.storage.deallocate() }
        return [UInt8](unsafeUninitializedCapacity: head.count + capBytes + 4) { buf, count in
            let base = buf.baseAddress!
            head.withUnsafeBufferPointer { base.initialize(from: $0.baseAddress!, count: $0.count) }
            var w = fjq_writer(
                buf: base + head.count, cap_bytes: capBytes, pos: 0, acc: 0, nacc: 0, overflow: 0)
            if let parts {
                for (bits, offset) in parts.parts { fjq_put_stream(&w, parts.storage + offset, bits) }
            } else {
                q.indices.withUnsafeBufferPointer { qb in
                    q.norms.withUnsafeBufferPointer {
                        fjq_encode_buckets(
                            &w, qb.baseAddress, $0.baseAddress, d, bucket, 0, nb, codeID, levelCount, bodies)
                    }
                }
            }
            fjq_flush(&w)
            precondition(w.overflow == 0, "encoder buffer estimate too small")
            let used = (w.pos + 7) / 8
            for k in 0..<8 { base[16 + k] = UInt8(truncatingIfNeeded: UInt64(used) >> (8 * UInt64(k))) }
            count = head.count + used
            if version == 1 { return }
            let crc = fjq_crc32c(0, base, count)
            for k in 0..<4 { base[count + k] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k))) }
            count += 4
        }
    }

    /// The payloads of about 4·threads consecutive bucket ranges, encoded on `threads` threads into one scratch
    /// allocation (the caller deallocates `storage`): each range's bit count and byte offset, in order.
    private func encodedParts(
        threads: Int, bodies: Int32, cap: (Int, Int) -> Int
    ) -> (storage: UnsafeMutablePointer<UInt8>, parts: [(bits: Int, offset: Int)]) {
        let q = quantized, d = q.count, bucket = quantizer.bucketSize, nb = quantizer.buckets(d)
        let width = max(1, (nb + 4 * threads - 1) / (4 * threads))
        let ranges = stride(from: 0, to: nb, by: width).map { ($0, min(nb, $0 + width)) }
        let caps = ranges.map { cap($0.0, $0.1) / 8 + 1 }
        let offsets = caps.reduce(into: [0]) { $0.append($0.last! + $1) }
        let storage = UnsafeMutablePointer<UInt8>.allocate(capacity: offsets.last!)
        let (codeID, K) = (code.code, Int32(quantizer.levels.count))
        var bits = [Int](repeating: 0, count: ranges.count)
        q.indices.withUnsafeBufferPointer { qb in
            q.norms.withUnsafeBufferPointer { nbp in
                bits.withUnsafeMutableBufferPointer { bb in
                    let (qs, ns) = (
                        UnsafeSendablePointer(readOnly: qb.baseAddress!),
                        UnsafeSendablePointer(readOnly: nbp.baseAddress!)
                    )
                    let (dst, bitsOut) = (UnsafeSendablePointer(storage), UnsafeSendablePointer(bb.baseAddress!))
                    forEachChunk(count: ranges.count, width: 1, threads: threads) { k, _ in
                        var w = fjq_writer(
                            buf: dst.pointer + offsets[k], cap_bytes: caps[k], pos: 0, acc: 0, nacc: 0, overflow: 0)
                        fjq_encode_buckets(
                            &w, qs.pointer, ns.pointer, d, bucket, ranges[k].0, ranges[k].1, codeID, K, bodies)
                        fjq_flush(&w)
                        precondition(w.overflow == 0, "encoder buffer estimate too small")
                        bitsOut.pointer[k] = w.pos  // this range's own slot
                    }
                }
            }
        }
        return (storage, ranges.indices.map { (bits[$0], offsets[$0]) })
    }

    /// Reads one message from a source; nil at a clean end of input. Malformed or truncated input is a `.data`
    /// error naming the byte offset; nothing is allocated beyond what the bytes actually present can fill.
    /// A message claiming more than `maxElements` coordinates is refused before anything is allocated: a bucket of
    /// zeros costs 34 bits whatever its size, so a 100-byte message can announce a billion coordinates.
    public static func read(from src: ByteSource, maxElements: Int = 1 << 34) throws(FjordError) -> EncodedGradient? {
        let start = src.offset
        let magic = try src.read(count: 4)
        if magic.isEmpty { return nil }
        return try read(from: src, prefix: magic, start: start, maxElements: maxElements)
    }

    /// The rest of a message whose first (up to 4) bytes, read from `start`, are `prefix` (``QuantMessage`` reads
    /// them to tell the formats apart).
    static func read(
        from src: ByteSource, prefix: [UInt8], start: Int, maxElements: Int
    ) throws(FjordError) -> EncodedGradient {
        let head = prefix + (prefix.count == 4 ? try src.read(count: 20) : [])
        func fail(_ at: Int, _ m: String) -> FjordError { .data("\(src.name): byte \(at): \(m)") }
        guard head.count == 24 else {
            throw fail(start, "truncated encoded-gradient header (\(head.count) of 24 bytes)")
        }
        guard Array(head[0..<4]) == magic else {
            throw fail(start, "not an encoded gradient (bad magic; expected FJQG from quant encode)")
        }
        let messageVersion = head[4]
        guard (1...version).contains(messageVersion) else {
            throw fail(start + 4, "unsupported encoded-gradient version \(messageVersion)")
        }
        guard head[5] <= (messageVersion >= 3 ? 2 : 1), head[6] <= 1 else {
            throw fail(start + 5, "unknown code or norm")
        }
        guard head[11] == 0 else { throw fail(start + 11, "reserved byte is \(head[11]), not 0") }
        let rank = Int(head[7])
        guard rank <= 32 else { throw fail(start + 7, "rank \(rank) is over 32") }
        let K = Int(rd(head, 8, 2)), bucket = Int(rd(head, 12, 4)), plen = rd(head, 16, 8)
        guard K >= 2 && K <= 32768 else { throw fail(start + 8, "level count \(K) outside 2…32768") }
        guard bucket >= 1 && bucket <= 1 << 26 else { throw fail(start + 12, "bucket size \(bucket) outside 1…2^26") }
        guard plen <= 1 << 40 else { throw fail(start + 16, "payload length \(plen) is implausible") }
        let dimsBytes = try src.read(count: 8 * rank)
        guard dimsBytes.count == 8 * rank else { throw fail(start + 24, "truncated shape") }
        var shape: [Int] = []
        for k in 0..<rank {
            let v = rd(dimsBytes, 8 * k, 8)
            guard v <= 1 << 40 else { throw fail(start + 24 + 8 * k, "dimension \(v) is implausible") }
            shape.append(Int(v))
        }
        guard let d = Tensor.elementCount(shape), d <= 1 << 34 else {
            throw fail(start + 24, "shape \(shape) is too large")
        }
        guard d <= maxElements else {
            throw fail(
                start + 24, "the message claims \(d) coordinates (shape \(shape)), above the limit of \(maxElements)")
        }
        // every bucket costs at least 34 bits: the payload length bounds the dimension before anything is allocated
        let nb = (d + bucket - 1) / bucket
        guard UInt64(nb) * 34 <= plen * 8 else {
            throw fail(start + 16, "payload of \(plen) bytes cannot hold \(nb) buckets of shape \(shape)")
        }
        if head[5] == 2 {  // fixed width: the payload's size is known exactly
            let bits = UInt64(nb) * 32 + UInt64(d) * UInt64(fjq_fixed_width(Int32(K)))
            guard plen == (bits + 7) / 8 else {
                throw fail(start + 16, "payload of \(plen) bytes for a fixed-width message of \((bits + 7) / 8)")
            }
        }
        let levelBytes = try src.read(count: 4 * K)
        guard levelBytes.count == 4 * K else { throw fail(src.offset, "truncated level table") }
        let mags = (0..<K).map { Float(bitPattern: UInt32(rd(levelBytes, 4 * $0, 4))) }
        let levels: LevelSet
        do { levels = try LevelSet(mags) } catch { throw fail(src.offset - 4 * K, "bad level table: \(error.message)") }
        let payloadStart = src.offset
        let payload = try src.read(count: Int(plen))
        guard payload.count == Int(plen) else {
            throw fail(payloadStart, "truncated payload: \(plen) bytes announced, \(payload.count) present")
        }
        if messageVersion >= 2 {
            let stored = try src.read(count: 4)
            guard stored.count == 4 else { throw fail(src.offset, "truncated checksum") }
            guard UInt32(rd(stored, 0, 4)) == crc32c(head, dimsBytes, levelBytes, payload) else {
                throw fail(src.offset - 4, "checksum mismatch: the message is corrupted")
            }
        }
        let code: EliasCode = head[5] == 1 ? .gamma : .omega
        let fixedWidth = head[5] == 2
        let bodies: Int32 = fixedWidth ? 1 : messageVersion >= 3 ? 4 : 2
        // not zero-filled: every body writes all of its bucket's indices (sparse zeroes its bucket first), and a
        // message that fails to decode is an error, never a partly filled result
        var q = Quantized(
            norms: [Float](repeating: 0, count: nb), indices: [Int16](unsafeUninitializedCapacity: d) { $1 = d })
        var bad: String?
        payload.withUnsafeBufferPointer { pb in
            var r = fjq_reader(buf: pb.baseAddress, len_bits: pb.count * 8, pos: 0, error: 0)
            q.indices.withUnsafeMutableBufferPointer { qb in
                for b in 0..<nb {
                    let lo = b * bucket, n = min(bucket, d - lo)
                    let bits = UInt32(truncatingIfNeeded: fjq_get_bits(&r, 32))
                    let nrm = Float(bitPattern: bits)
                    if r.error != 0 || !(nrm >= 0 && nrm.isFinite) {
                        bad = "bucket \(b): bad norm"
                        return
                    }
                    q.norms[b] = nrm
                    switch fjq_decode_bucket(&r, qb.baseAddress! + lo, n, code.code, Int32(K), bodies) {
                    case 0: continue
                    case -2: bad = "bucket \(b): not the shortest body (a non-canonical encoding)"
                    default: bad = "bucket \(b): malformed or truncated code"
                    }
                    return
                }
                if (pb.count * 8 - r.pos) >= 8 { bad = "\(pb.count * 8 - r.pos) unused bits after the last bucket" }
                if bad == nil, r.pos % 8 != 0, pb[pb.count - 1] & UInt8(0xFF >> (r.pos % 8)) != 0 {
                    bad = "padding bits after the last bucket are not 0"
                }
            }
        }
        if let bad { throw fail(payloadStart, "corrupt payload: \(bad)") }
        let scheme = SchemeID(rawValue: head[10]) ?? .custom
        return EncodedGradient(
            quantizer: Quantizer(levels: levels, norm: head[6] == 0 ? .l2 : .linf, bucketSize: bucket),
            code: code, fixedWidth: fixedWidth, scheme: scheme, shape: shape, quantized: q)
    }

    /// Decodes one message held in memory (it must be the whole of `bytes`).
    public static func decode(_ bytes: [UInt8], name: String = "message") throws(FjordError) -> EncodedGradient {
        let src = ByteSource(bytes: bytes, name: name)
        guard let m = try read(from: src) else { throw .noInput("\(name): empty message") }
        guard src.offset == bytes.count else {
            throw .data("\(name): \(bytes.count - src.offset) bytes after the message")
        }
        return m
    }

    /// The dequantized values in the original shape.
    public func tensor() -> Tensor { quantizer.dequantize(quantized).reshaped(shape) }
}

/// CRC-32C of the parts in order, as of their concatenation (the messages' checksum).
func crc32c(_ parts: [UInt8]...) -> UInt32 {
    parts.reduce(0) { crc, part in part.withUnsafeBufferPointer { fjq_crc32c(crc, $0.baseAddress, $0.count) } }
}

@inline(__always) func le(_ v: UInt64, _ n: Int) -> [UInt8] {
    (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) }
}
@inline(__always) func rd(_ b: [UInt8], _ at: Int, _ n: Int) -> UInt64 {
    var v: UInt64 = 0
    for k in 0..<n { v |= UInt64(b[at + k]) << (8 * UInt64(k)) }
    return v
}
