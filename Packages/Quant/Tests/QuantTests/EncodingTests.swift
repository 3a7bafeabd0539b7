import CQuant
import Kernel
import Testing

@testable import Quant

func bitsString(_ code: EliasCode, _ n: UInt64) -> String {
    var buf = [UInt8](repeating: 0, count: 16)
    return buf.withUnsafeMutableBufferPointer { b -> String in
        var w = fjq_writer(buf: b.baseAddress, cap_bytes: 16, pos: 0, acc: 0, nacc: 0, overflow: 0)
        fjq_put_code(&w, code == .omega ? Int32(FJQ_CODE_OMEGA) : Int32(FJQ_CODE_GAMMA), n)
        fjq_flush(&w)
        return (0..<w.pos).map { (b[$0 / 8] >> (7 - UInt8($0 % 8))) & 1 == 1 ? "1" : "0" }.joined()
    }
}

/// The four body sizes of one bucket (dense, sparse, top, fixed), in bits.
func bodyBits(_ q: ArraySlice<Int16>, code: EliasCode, levels K: Int) -> [Int] {
    var bits = [Int](repeating: 0, count: 4)
    q.withUnsafeBufferPointer { qb in
        bits.withUnsafeMutableBufferPointer {
            fjq_bucket_bits(qb.baseAddress, qb.count, code.code, Int32(K), $0.baseAddress)
        }
    }
    return bits
}

/// A message's payload bits as the format defines them: per bucket the norm, the body number and the shortest of
/// the first `bodies` bodies.
func payloadBits(_ q: [Int16], bucket: Int, code: EliasCode, levels K: Int, bodies: Int = 4) -> Int {
    stride(from: 0, to: q.count, by: bucket).reduce(0) { total, lo in
        let b = bodyBits(q[lo..<min(lo + bucket, q.count)], code: code, levels: K)
        return total + 32 + (bodies == 4 ? 2 : 1) + b.prefix(bodies).min()!
    }
}

@Suite struct EncodingTests {
    @Test func eliasCodeTable() {
        let omega: [(UInt64, String)] = [
            (1, "0"), (2, "100"), (3, "110"), (4, "101000"), (8, "1110000"),
            (16, "10100100000"), (100, "1011011001000"),
        ]
        for (n, s) in omega { #expect(bitsString(.omega, n) == s, "ω(\(n))") }
        #expect(bitsString(.gamma, 4) == "00100" && bitsString(.gamma, 1) == "1")
        let lengths: [(UInt64, Int)] = [
            (1, 1), (2, 3), (3, 3), (4, 6), (7, 6), (8, 7), (15, 7), (16, 11), (31, 11), (32, 12),
            (63, 12), (64, 13), (128, 14), (256, 16), (512, 17), (1024, 18),
        ]
        for (n, l) in lengths { #expect(EliasCode.omega.length(n) == l, "|ω(\(n))|") }
    }

    @Test(arguments: EliasCode.allCases)
    func roundTripOneToAMillion(code: EliasCode) {
        let n = 1_000_000
        let c = code == .omega ? Int32(FJQ_CODE_OMEGA) : Int32(FJQ_CODE_GAMMA)
        var total = 0
        for k in 1...n { total += code.length(UInt64(k)) }
        var buf = [UInt8](repeating: 0, count: total / 8 + 1)
        buf.withUnsafeMutableBufferPointer { b in
            var w = fjq_writer(buf: b.baseAddress, cap_bytes: b.count, pos: 0, acc: 0, nacc: 0, overflow: 0)
            for k in 1...n { fjq_put_code(&w, c, UInt64(k)) }
            fjq_flush(&w)
            #expect(w.pos == total && w.overflow == 0)
        }
        buf.withUnsafeBufferPointer { b in
            var r = fjq_reader(buf: b.baseAddress, len_bits: total, pos: 0, error: 0)
            var ok = true
            for k in 1...n where fjq_get_code(&r, c, UInt64.max) != UInt64(k) {
                ok = false
                break
            }
            #expect(ok && r.error == 0 && r.pos == total)
        }
    }

    @Test(arguments: [(Scheme.qsgd, 4, 8192), (.nuq, 4, 1000), (.qsgdinf, 8, 777), (.terngrad, 2, 64), (.qsgd, 2, 1)])
    func decodeOfEncodeIsDequantizeOfQuantize(scheme: Scheme, bits: Int, bucket: Int) throws {
        let v = gaussian(10_007, seed: 3, laplace: true).reshaped([1, 10_007])
        let qz = try scheme.quantizer(bits: bits, bucketSize: bucket)
        for code in EliasCode.allCases {
            let q = try qz.quantize(v, seed: 8)
            let msg = EncodedGradient(quantizer: qz, code: code, scheme: scheme.id, shape: v.shape, quantized: q)
            let bytes = msg.encoded()
            let back = try EncodedGradient.decode(bytes)
            #expect(back.quantized == q && back.shape == [1, 10_007] && back.scheme == scheme.id)
            let a = back.tensor(), b = qz.dequantize(q).reshaped([1, 10_007])
            #expect(a.scalars.map(\.bitPattern) == b.scalars.map(\.bitPattern))
            // the size is exactly the header plus the sum of the chosen code lengths, rounded up to a byte
            let bits = payloadBits(q.indices, bucket: bucket, code: code, levels: qz.levels.count)
            #expect(bytes.count == 24 + 8 * 2 + 4 * qz.levels.count + (bits + 7) / 8 + 4)  // + the CRC-32C
        }
    }

    /// The fixed-width codec: every bucket 32 + w·n bits (w = ⌈log₂(2K−1)⌉, b at a b-bit scheme), the same
    /// floats as the Elias message, and a payload length that disagrees with the shape is refused.
    @Test(arguments: [(Scheme.qsgd, 4, 8192), (.nuq, 4, 1000), (.qsgdinf, 8, 777), (.terngrad, 2, 64), (.qsgd, 3, 1)])
    func fixedWidthCodec(scheme: Scheme, bits: Int, bucket: Int) throws {
        let v = gaussian(10_007, seed: 5, laplace: true)
        let qz = try scheme.quantizer(bits: bits, bucketSize: bucket)
        let q = try qz.quantize(v, seed: 9)
        let bytes = EncodedGradient(quantizer: qz, fixedWidth: true, shape: [10_007], quantized: q).encoded()
        #expect(bytes[5] == 2)
        let back = try EncodedGradient.decode(bytes)
        #expect(back.fixedWidth && back.quantized == q)
        let elias = try EncodedGradient.decode(EncodedGradient(quantizer: qz, shape: [10_007], quantized: q).encoded())
        #expect(back.tensor().scalars.map(\.bitPattern) == elias.tensor().scalars.map(\.bitPattern))
        let K = qz.levels.count, w = Int(fjq_fixed_width(Int32(K)))
        #expect(w == bits)
        let nb = (10_007 + bucket - 1) / bucket
        #expect(bytes.count == 24 + 8 + 4 * K + (32 * nb + w * 10_007 + 7) / 8 + 4)
        // a payload one byte longer than the shape needs, with its CRC fixed up, is still refused
        var long = Array(bytes.dropLast(4))
        long += [0]
        let plen = UInt64(long.count - 24 - 8 - 4 * K)
        for k in 0..<8 { long[16 + k] = UInt8(truncatingIfNeeded: plen >> (8 * UInt64(k))) }
        let crc = long.withUnsafeBufferPointer { fjq_crc32c(0, $0.baseAddress, $0.count) }
        long += (0..<4).map { UInt8(truncatingIfNeeded: crc >> (8 * UInt32($0))) }
        #expect(throws: FjordError.self) { try EncodedGradient.decode(long) }
    }

    /// Threads split the buckets for quantizing and encoding (each range its own bit stream, joined after): the
    /// same indices and the same bytes for any thread count, every message version and the fixed-width codec, and
    /// `quantize(into:)` reuses the caller's arrays.
    @Test(arguments: [(Scheme.qsgd, 4, 1000), (.nuq, 4, 777), (.qsgdinf, 8, 4096), (.terngrad, 2, 1)])
    func threadsGiveTheSameBytes(scheme: Scheme, bits: Int, bucket: Int) throws {
        let v = gaussian(100_003, seed: 6, laplace: true)
        let qz = try scheme.quantizer(bits: bits, bucketSize: bucket)
        let one = try qz.quantize(v, seed: 2)
        var reused = Quantized(norms: [], indices: [])
        for threads in [2, 3, 7] {
            #expect(try qz.quantize(v, seed: 2, threads: threads) == one)
            try v.withUnsafeBufferPointer { try qz.quantize($0, into: &reused, seed: 2, threads: threads) }
            #expect(reused == one)
        }
        let address = reused.indices.withUnsafeBufferPointer { $0.baseAddress }
        try v.withUnsafeBufferPointer { try qz.quantize($0, into: &reused, seed: 2) }
        #expect(reused.indices.withUnsafeBufferPointer { $0.baseAddress } == address, "the buffer was reallocated")
        for fixed in [false, true] {
            let m = EncodedGradient(quantizer: qz, fixedWidth: fixed, shape: [100_003], quantized: one)
            for version in fixed ? [UInt8(3)] : [1, 2, 3] {
                let bytes = m.encoded(version: version)
                for threads in [2, 3, 7, 64] {
                    #expect(
                        m.encoded(version: version, threads: threads) == bytes, "v\(version) fixed \(fixed) \(threads)")
                }
            }
        }
    }

    /// QSGD's sparse Elias code at s = √d costs ≈ 2.76 bits per coordinate on Gaussian d = 8192 (≤ 2.8 + 32/d).
    @Test func sparseCodeAtSqrtDMatchesQSGDsFigure() throws {
        var total = 0.0
        for seed: UInt64 in 1...4 {
            let v = gaussian(8192, seed: seed)
            let qz = Quantizer(levels: .uniform(90), norm: .l2, bucketSize: 8192)
            let q = try qz.quantize(v, seed: seed)
            let sparse = bodyBits(q.indices[...], code: .omega, levels: 90)[1]
            total += Double(32 + sparse) / 8192 / 4
        }
        #expect(abs(total - 2.76) / 2.76 < 0.05 && total <= 2.8 + 32.0 / 8192, "\(total) bits/coordinate")
    }

    @Test func corruptOrTruncatedMessagesAreErrorsNotCrashes() throws {
        let v = gaussian(3000, seed: 1)
        let qz = try Scheme.nuq.quantizer(bits: 4, bucketSize: 1024)
        let bytes = EncodedGradient(quantizer: qz, shape: [3000], quantized: try qz.quantize(v, seed: 1)).encoded()
        for cut in [0, 3, 23, 30, 100, bytes.count - 1] {
            #expect(throws: FjordError.self) { _ = try EncodedGradient.decode(Array(bytes[0..<cut])) }
        }
        // flip every bit of the header and payload (a sample of positions): decode either fails cleanly or succeeds
        var rng = RNG(seed: 3)
        var failures = 0
        for _ in 0..<3000 {
            var b = bytes
            let i = rng.int(below: b.count)
            b[i] ^= UInt8(1 << rng.int(below: 8))
            do { _ = try EncodedGradient.decode(b) } catch { failures += 1 }
        }
        #expect(failures > 0)
        // a header announcing a huge shape over a tiny payload is refused before allocating
        var huge = bytes
        for k in 0..<8 { huge[24 + k] = k == 4 ? 1 : 0 }  // dimension 2^32
        #expect(throws: FjordError.self) { _ = try EncodedGradient.decode(huge) }
        // a payload length of 24 GB over a few hundred bytes (a libFuzzer finding: it used to allocate the claim)
        var long = bytes
        for k in 0..<8 { long[16 + k] = k == 4 ? 6 : 0 }
        #expect(throws: FjordError.self) { _ = try EncodedGradient.decode(long) }
    }

    /// CRC-32C against its standard check value, on both paths.
    @Test func crc32cKnownAnswer() {
        let check = Array("123456789".utf8)
        #expect(fjq_crc32c(0, check, check.count) == 0xE306_9283)
        // incremental = whole, at every split (the decoder sums the header, shape, levels and payload apart)
        var rng = RNG(seed: 2)
        let bytes = (0..<1000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let whole = fjq_crc32c(0, bytes, bytes.count)
        for cut in [0, 1, 7, 8, 9, 500, 999, 1000] {
            let a = fjq_crc32c(0, bytes, cut)
            let b = bytes.withUnsafeBufferPointer { fjq_crc32c(a, $0.baseAddress! + cut, 1000 - cut) }
            #expect(b == whole, "split at \(cut)")
        }
    }

    /// Every single-bit flip of a version-3 message is an error, never another tensor (before the checksum 36% of
    /// flips decoded to a different tensor); version-1 (no checksum) and version-2 messages are still read; a
    /// nonzero reserved byte or padding bit is refused.
    @Test func corruptionIsDetected() throws {
        var g = RNG(seed: 5)
        let v = g.tensor([300])
        let qz = try Scheme.nuq.quantizer(bits: 4, bucketSize: 64)
        let q = try v.withUnsafeBufferPointer { try qz.quantize($0, seed: 1) }
        let message = EncodedGradient(quantizer: qz, scheme: .nuq, shape: [300], quantized: q).encoded()
        let decoded = try EncodedGradient.decode(message).tensor().scalars
        var undetected = 0
        for bit in 0..<(message.count * 8) {
            var m = message
            m[bit / 8] ^= UInt8(1 << (bit % 8))
            if (try? EncodedGradient.decode(m)) != nil { undetected += 1 }
        }
        #expect(undetected == 0, "\(undetected) of \(message.count * 8) flips decoded")
        // versions 1 and 2: two bodies, one bit for the body; version 1 without the checksum
        let v1 = EncodedGradient(quantizer: qz, scheme: .nuq, shape: [300], quantized: q).encoded(version: 1)
        let v2 = EncodedGradient(quantizer: qz, scheme: .nuq, shape: [300], quantized: q).encoded(version: 2)
        #expect(v1[4] == 1 && v2[4] == 2 && v2.count == v1.count + 4)
        #expect(try EncodedGradient.decode(v1).tensor().scalars == decoded)
        #expect(try EncodedGradient.decode(v2).tensor().scalars == decoded)
        var reserved = v1
        reserved[11] = 1
        #expect(throws: FjordError.self) { _ = try EncodedGradient.decode(reserved) }
        // the payload's bit count, as the size test computes it: its padding bits, when any, must be 0
        let bits = payloadBits(q.indices, bucket: 64, code: .omega, levels: qz.levels.count, bodies: 2)
        if bits % 8 != 0 {
            var padded = v1
            padded[padded.count - 1] ^= 1  // the last padding bit (the stream is MSB first)
            #expect(throws: FjordError.self) { _ = try EncodedGradient.decode(padded) }
        }
    }

    /// No bucket costs more than its fixed-width packing: b bits per coordinate at a b-bit scheme, plus 34 bits for
    /// the norm and the body number. Versions 1 and 2 (dense and sparse bodies only) cost 8-bit NUQ 14.5 bits per
    /// coordinate, since its exponential ladder puts most coordinates near the top level.
    @Test(arguments: [(Scheme.nuq, 8), (.nuq, 6), (.nuq, 4), (.qsgd, 8), (.qsgdinf, 3), (.terngrad, 2)])
    func everyBucketWithinItsFixedWidthBudget(scheme: Scheme, bits: Int) throws {
        let v = gaussian(50_000, seed: 9)
        let qz = try scheme.quantizer(bits: bits, bucketSize: 512)
        let q = try qz.quantize(v, seed: 4)
        let message = EncodedGradient(quantizer: qz, scheme: scheme.id, shape: [50_000], quantized: q)
        let bytes = message.encoded()
        let buckets = (50_000 + 511) / 512
        let header = 24 + 8 + 4 * qz.levels.count + 4
        #expect(bytes.count - header <= (buckets * 34 + 50_000 * bits + 7) / 8)
        #expect(try EncodedGradient.decode(bytes).quantized == q)
        for lo in stride(from: 0, to: q.count, by: 512) {
            let b = bodyBits(q.indices[lo..<min(lo + 512, q.count)], code: .omega, levels: qz.levels.count)
            #expect(b[3] == min(512, q.count - lo) * bits)  // the fixed body is b bits a coordinate
        }
        if scheme == .nuq && bits == 8 {
            let old = message.encoded(version: 2).count - header
            #expect(Double(old * 8) / 50_000 > 12, "the two-body format was over budget")
        }
    }

    /// Each body decodes to what was encoded, whichever is chosen, including indices at ±(K−1) and 0, and the
    /// fixed body refuses codes above 2K−2.
    @Test func everyBodyRoundTrips() throws {
        let K = 8
        let patterns: [[Int16]] = [
            [0, 1, 0, -1, 0, 1, 0, -1],  // body 0, dense
            [0, 0, 0, 0, 0, 0, 0, 3],  // body 1, sparse
            [7, -7, 7, 6, -7, 7, 7, -6],  // body 2, top
            [4, -3, 2, -5, 1, 0, 3, -4],  // body 3, fixed (mid-ladder)
        ]
        for (expected, p) in patterns.enumerated() {
            var bits = bodyBits(p[...], code: .omega, levels: K)
            #expect(bits.withUnsafeMutableBufferPointer { Int(fjq_bucket_body($0.baseAddress, 4)) } == expected, "\(p)")
            let qz = Quantizer(levels: .uniform(K - 1), norm: .l2, bucketSize: 8)
            let q = Quantized(norms: [1], indices: p)
            let bytes = EncodedGradient(quantizer: qz, shape: [8], quantized: q).encoded()
            #expect(try EncodedGradient.decode(bytes).quantized == q)
        }
        // a fixed-width value of 2K−1 = 15 is not an index: four bits of 1111 after body 3
        var buf = [UInt8](repeating: 0xFF, count: 2)
        buf[0] = 0b1111_1111
        var q = [Int16](repeating: 0, count: 1)
        let status = buf.withUnsafeBufferPointer { b in
            var r = fjq_reader(buf: b.baseAddress, len_bits: 16, pos: 0, error: 0)
            return q.withUnsafeMutableBufferPointer {
                fjq_decode_bucket(&r, $0.baseAddress, 1, EliasCode.omega.code, Int32(K), 4)
            }
        }
        #expect(status != 0)
    }

    /// A message must use the body the encoder picks: the same indices written with a longer body (here the
    /// fixed-width one for an all-zero bucket, where the sparse body is one bit) are refused, so every tensor has
    /// exactly one message (the fuzzer's decode → encode property) and the checksum cannot be satisfied twice.
    @Test func nonCanonicalBodiesAreRefused() throws {
        let qz = Quantizer(levels: .uniform(7), norm: .l2, bucketSize: 8)
        let q = Quantized(norms: [1], indices: [Int16](repeating: 0, count: 8))
        let good = EncodedGradient(quantizer: qz, shape: [8], quantized: q).encoded()
        #expect(try EncodedGradient.decode(good).quantized == q)
        // the payload again, with body 3 (fixed width: 8 × 4 bits of the offset value K − 1 = 7)
        var payload = [UInt8](repeating: 0, count: 16)
        let bits = payload.withUnsafeMutableBufferPointer { b -> Int in
            var w = fjq_writer(buf: b.baseAddress, cap_bytes: b.count, pos: 0, acc: 0, nacc: 0, overflow: 0)
            fjq_put_bits(&w, UInt64(Float(1).bitPattern), 32)
            fjq_put_bits(&w, 3, 2)
            for _ in 0..<8 { fjq_put_bits(&w, 7, 4) }
            fjq_flush(&w)
            return w.pos
        }
        payload.removeLast(payload.count - (bits + 7) / 8)
        let headerEnd = 24 + 8 + 4 * 8  // fixed header, one dimension, eight levels
        var bad = Array(good[0..<headerEnd]) + payload
        for k in 0..<8 { bad[16 + k] = UInt8(truncatingIfNeeded: payload.count >> (8 * k)) }
        let crc = bad.withUnsafeBufferPointer { fjq_crc32c(0, $0.baseAddress, $0.count) }
        bad += (0..<4).map { UInt8(truncatingIfNeeded: crc >> (8 * UInt32($0))) }
        #expect(throws: FjordError.self) { _ = try EncodedGradient.decode(bad) }
        do {
            _ = try EncodedGradient.decode(bad)
        } catch {
            #expect(error.message.contains("non-canonical"), "\(error.message)")
        }
    }
}
