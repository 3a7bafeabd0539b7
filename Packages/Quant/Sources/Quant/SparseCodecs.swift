import CQuant
import Exchange
import Kernel

/// Scaled sign compression (signSGD with a magnitude; Karimireddy et al., ICML 2019):
///
///     Δ = (‖g‖₁ / d) · sign(g),  send Δ        (sign(0) = +1)
///
/// Message: magic "FJQS", u64 d, float32 scale, then d sign bits (1 = negative), MSB first: 32 + 96/d bits per
/// coordinate in all. Biased: EF-signSGD is this codec inside ``ErrorFeedback`` (`ef-signsgd`, or `--error-feedback`).
/// With the mean rule the server averages the workers' scaled signs (not a majority vote).
public struct SignCodec: GradientCodec {
    public static let magic: [UInt8] = Array("FJQS".utf8)

    public init() {}

    public mutating func encode(_ g: UnsafeBufferPointer<Float>, rng: inout RNG) throws(FjordError) -> [UInt8] {
        let d = g.count
        var l1 = 0.0
        for x in g {
            guard x.isFinite else { throw .data("the gradient holds NaN or infinite values") }
            l1 += Double(abs(x))
        }
        let scale = Float(l1 / Double(max(d, 1)))
        var out = SignCodec.magic + le(UInt64(d), 8) + le(UInt64(scale.bitPattern), 4)
        var bits = [UInt8](repeating: 0, count: (d + 7) / 8)
        for i in 0..<d where g[i] < 0 { bits[i >> 3] |= 0x80 >> UInt8(i & 7) }
        out += bits
        return out
    }

    public func decode(_ bytes: [UInt8], into out: UnsafeMutableBufferPointer<Float>) throws(FjordError) {
        let d = out.count
        guard bytes.count == 16 + (d + 7) / 8, Array(bytes[0..<4]) == SignCodec.magic, rd(bytes, 4, 8) == UInt64(d)
        else {
            throw .data("malformed sign message (\(bytes.count) bytes for \(d) coordinates)")
        }
        let scale = Float(bitPattern: UInt32(rd(bytes, 12, 4)))
        guard scale.isFinite, scale >= 0 else { throw .data("sign message with scale \(scale)") }
        for i in 0..<d { out[i] = bytes[16 + (i >> 3)] & (0x80 >> UInt8(i & 7)) != 0 ? -scale : scale }
    }
}

/// Top-k sparsification (Aji and Heafield 2017; with error feedback, Stich et al. 2018):
///
///     keep the k = round(fraction·d) coordinates of largest |g| (ties: the lower index), send them
///
/// Biased: `topk` training wraps it in ``ErrorFeedback`` (the residual of the dropped coordinates is added to the
/// next step's vector). Selection is expected O(d) (``fjq_topk``: a quickselect, not a sort).
///
/// Message: magic "FJQK", u64 d, u64 k, then per kept coordinate in index order Elias-ω(gap) (1-based distance
/// from the previous kept index) and its float32 value, MSB first, zero-padded to a byte.
public struct TopKCodec: GradientCodec {
    public let fraction: Double
    var scratch: [Float] = []
    var keep: [UInt32] = []
    public static let magic: [UInt8] = Array("FJQK".utf8)

    public init(fraction: Double) {
        precondition(fraction > 0 && fraction <= 1)
        self.fraction = fraction
    }

    /// The number of coordinates kept of d.
    public func kept(of d: Int) -> Int { max(1, min(d, Int((Double(d) * fraction).rounded()))) }

    public mutating func encode(_ p: UnsafeBufferPointer<Float>, rng: inout RNG) throws(FjordError) -> [UInt8] {
        let d = p.count
        guard d > 0 else { throw .usage("top-k of an empty vector") }
        guard d <= Int(UInt32.max) else { throw .usage("top-k of \(d) coordinates (at most 2^32 − 1)") }
        for x in p where !x.isFinite { throw .data("the gradient holds NaN or infinite values") }
        let k = kept(of: d)
        // the buffers are reused across steps (swapped into locals for the call: two stored arrays of self cannot
        // be borrowed mutably at once)
        var magnitudes: [Float] = [], kept: [UInt32] = []
        swap(&magnitudes, &scratch)
        swap(&kept, &keep)
        if magnitudes.count != d { magnitudes = [Float](repeating: 0, count: d) }
        if kept.count != k { kept = [UInt32](repeating: 0, count: k) }
        magnitudes.withUnsafeMutableBufferPointer { m in
            kept.withUnsafeMutableBufferPointer { fjq_topk(p.baseAddress, d, k, m.baseAddress, $0.baseAddress) }
        }
        defer {
            scratch = magnitudes
            keep = kept
        }
        let capBits = k * (32 + EliasCode.omega.length(UInt64(d))) + 64
        var payload = [UInt8](repeating: 0, count: capBits / 8 + 1)
        let used: Int = payload.withUnsafeMutableBufferPointer { buf in
            var w = fjq_writer(buf: buf.baseAddress, cap_bytes: buf.count, pos: 0, acc: 0, nacc: 0, overflow: 0)
            var prev = 0
            for j in kept {
                let i = Int(j)
                fjq_put_code(&w, Int32(FJQ_CODE_OMEGA), UInt64(i + 1 - prev))
                fjq_put_bits(&w, UInt64(p[i].bitPattern), 32)
                prev = i + 1
            }
            fjq_flush(&w)
            return (w.pos + 7) / 8
        }
        payload.removeLast(payload.count - used)
        return TopKCodec.magic + le(UInt64(d), 8) + le(UInt64(k), 8) + payload
    }

    public func decode(_ bytes: [UInt8], into out: UnsafeMutableBufferPointer<Float>) throws(FjordError) {
        let d = out.count
        guard bytes.count >= 20, Array(bytes[0..<4]) == TopKCodec.magic, rd(bytes, 4, 8) == UInt64(d) else {
            throw .data("malformed top-k message for \(d) coordinates")
        }
        let k = rd(bytes, 12, 8)
        guard k <= UInt64(d) else { throw .data("top-k message keeps \(k) of \(d) coordinates") }
        for i in 0..<d { out[i] = 0 }
        var bad = false
        bytes.withUnsafeBufferPointer { b in
            var r = fjq_reader(buf: b.baseAddress! + 20, len_bits: (b.count - 20) * 8, pos: 0, error: 0)
            var pos = 0
            for _ in 0..<Int(k) {
                let gap = fjq_get_code(&r, Int32(FJQ_CODE_OMEGA), UInt64(d - pos))
                let v = Float(bitPattern: UInt32(truncatingIfNeeded: fjq_get_bits(&r, 32)))
                if r.error != 0 || !v.isFinite {
                    bad = true
                    return
                }
                pos += Int(gap)
                out[pos - 1] = v
            }
            if (b.count - 20) * 8 - r.pos >= 8 { bad = true }  // whole unused bytes after the last value
        }
        if bad { throw .data("corrupt or truncated top-k message") }
    }
}
