import CQuant
import Kernel
import Testing

/// The table-driven bucket decoder (`fjq_decode_bucket`) against the bit-serial reference
/// (`fjq_decode_bucket_serial`) on random buckets of every body, both codes and several level counts: whole
/// messages, messages cut short at random bits, and messages with random bits flipped. Both must return the same
/// status, and on success the same indices and reader position.
@Suite struct TableDecoderTests {
    /// Decodes `buckets` buckets of `len` from `bytes` (first `bits` bits) with one of the two decoders: each
    /// bucket's status and the indices and position up to the first failure.
    func decodeAll(
        _ bytes: [UInt8], bits: Int, buckets: Int, len: Int, code: Int32, K: Int, serial: Bool
    ) -> (statuses: [Int32], q: [Int16], pos: Int) {
        var q = [Int16](repeating: 0, count: buckets * len)
        var statuses: [Int32] = []
        var pos = 0
        bytes.withUnsafeBufferPointer { b in
            var r = fjq_reader(buf: b.baseAddress, len_bits: bits, pos: 0, error: 0)
            q.withUnsafeMutableBufferPointer { qb in
                for k in 0..<buckets {
                    let dst = qb.baseAddress! + k * len
                    let s =
                        serial
                        ? fjq_decode_bucket_serial(&r, dst, len, code, Int32(K), 4)
                        : fjq_decode_bucket(&r, dst, len, code, Int32(K), 4)
                    statuses.append(s)
                    if s != 0 {
                        for j in 0..<len { dst[j] = 0 }  // unspecified after a failure: not compared
                        break
                    }
                }
                pos = r.pos
            }
        }
        if statuses.last != 0 { pos = -1 }
        return (statuses, q, pos)
    }

    @Test func sameIndicesAsTheBitSerialDecoder() {
        var rng = RNG(seed: 18)
        var cases = 0, failures = 0
        for K in [2, 3, 8, 9, 64, 128, 300] {
            for code in [Int32(FJQ_CODE_OMEGA), Int32(FJQ_CODE_GAMMA)] {
                for zeros in [0.0, 0.5, 0.9, 0.999] {
                    for topHeavy in [false, true] {
                        let len = Int(rng.next() % 700) + 1, buckets = 3
                        // indices: mostly zero with probability `zeros`, else uniform or near the top level
                        var q = [Int16](repeating: 0, count: buckets * len)
                        for i in q.indices where rng.uniformDouble() >= zeros {
                            let a = topHeavy ? K - 1 - Int(rng.next() % UInt32(min(K, 3))) : Int(rng.next() % UInt32(K))
                            q[i] = Int16(rng.next() & 1 == 0 ? a : -a)
                        }
                        var bytes = [UInt8](repeating: 0, count: buckets * len * 4 + 16)
                        let total = bytes.withUnsafeMutableBufferPointer { b -> Int in
                            var w = fjq_writer(
                                buf: b.baseAddress, cap_bytes: b.count, pos: 0, acc: 0, nacc: 0, overflow: 0)
                            q.withUnsafeBufferPointer { qb in
                                for k in 0..<buckets {
                                    fjq_encode_bucket(&w, qb.baseAddress! + k * len, len, code, Int32(K), 4)
                                }
                            }
                            fjq_flush(&w)
                            return w.pos
                        }
                        let whole = decodeAll(
                            bytes, bits: total, buckets: buckets, len: len, code: code, K: K, serial: false)
                        #expect(
                            whole.statuses == [0, 0, 0] && whole.q == q && whole.pos == total, "K \(K) code \(code)")
                        // cut short, and corrupted: both decoders agree
                        for trial in 0..<12 {
                            var b = bytes
                            var bits = total
                            if trial % 2 == 0 {
                                bits = Int(rng.next() % UInt32(total + 1))
                            } else {
                                for _ in 0..<(1 + trial / 4) {
                                    let p = Int(rng.next() % UInt32(total))
                                    b[p / 8] ^= UInt8(0x80) >> UInt8(p % 8)
                                }
                            }
                            let t = decodeAll(
                                b, bits: bits, buckets: buckets, len: len, code: code, K: K, serial: false)
                            let s = decodeAll(b, bits: bits, buckets: buckets, len: len, code: code, K: K, serial: true)
                            cases += 1
                            if t.statuses != s.statuses || t.q != s.q || t.pos != s.pos { failures += 1 }
                        }
                    }
                }
            }
        }
        #expect(failures == 0, "\(failures) of \(cases) truncated or corrupted messages decoded differently")
        #expect(cases == 7 * 2 * 4 * 2 * 12)
    }
}
