import CQuant
import Kernel

/// How a bucket is scaled before its magnitudes are rounded to levels.
public enum NormKind: String, Sendable, CaseIterable {
    /// ‖v‖₂ (QSGD, NUQSGD, ALQ, AMQ).
    case l2
    /// ‖v‖∞ (QSGDinf, TernGrad).
    case linf

    var code: Int32 { self == .l2 ? Int32(FJQ_NORM_L2) : Int32(FJQ_NORM_LINF) }
}

extension LevelSet {
    /// How the C kernel finds a magnitude's interval.
    var lookup: Int32 {
        isUniform ? Int32(FJQ_LEVELS_UNIFORM) : isPowerOfTwoLadder ? Int32(FJQ_LEVELS_POW2) : Int32(FJQ_LEVELS_SEARCH)
    }
}

/// A quantized vector: per-bucket scales and signed level indices.
public struct Quantized: Sendable, Equatable {
    public var norms: [Float]
    public var indices: [Int16]
    public var count: Int { indices.count }
}

/// Unbiased stochastic quantization in buckets (QSGD, Alistarh et al. 2017; NUQSGD, Ramezani-Kebrya et al.
/// 2021; ALQ/AMQ, Faghri et al. 2020 — they differ only in levels and norm):
///
///     r_i = |v_i| / n(v),  ℓ_j ≤ r_i ≤ ℓ_{j+1},  h_i = ℓ_{j+1} w.p. (r_i − ℓ_j)/(ℓ_{j+1} − ℓ_j), else ℓ_j
///     Q(v)_i = n(v) · sign(v_i) · h_i,   E[Q(v)] = v,   E‖Q(v) − v‖² = n(v)² Σ_i (ℓ_{j+1} − r_i)(r_i − ℓ_j)
public struct Quantizer: Sendable, Equatable {
    public var levels: LevelSet
    public var norm: NormKind
    public var bucketSize: Int

    public init(levels: LevelSet, norm: NormKind = .l2, bucketSize: Int = 8192) {
        precondition(bucketSize >= 1)
        self.levels = levels
        self.norm = norm
        self.bucketSize = bucketSize
    }

    func buckets(_ d: Int) -> Int { (d + bucketSize - 1) / bucketSize }

    /// Quantizes `v`; the same (seed, stream) gives the same indices. NaN or ±Inf is a `.data` error.
    public func quantize(
        _ v: UnsafeBufferPointer<Float>, seed: UInt64, stream: UInt64 = 0, threads: Int = 1
    ) throws(FjordError) -> Quantized {
        var out = Quantized(norms: [], indices: [])
        try quantize(v, into: &out, seed: seed, stream: stream, threads: threads)
        return out
    }

    /// Quantizes `v` into `out`, whose arrays are reused when they already have the right sizes (a training loop
    /// allocates once) and otherwise replaced without zero-filling (the kernel writes every entry). `threads`
    /// split the buckets; every bucket draws from its own seed, so the indices are the same for any thread count.
    /// On a `.data` error `out` is unspecified.
    public func quantize(
        _ v: UnsafeBufferPointer<Float>, into out: inout Quantized, seed: UInt64, stream: UInt64 = 0,
        threads: Int = 1
    ) throws(FjordError) {
        let d = v.count, nb = buckets(d)
        if out.norms.count != nb { out.norms = [Float](unsafeUninitializedCapacity: nb) { $1 = nb } }
        if out.indices.count != d { out.indices = [Int16](unsafeUninitializedCapacity: d) { $1 = d } }
        // about four bucket ranges per thread balance uneven buckets (zero buckets are cheap)
        let width = threads <= 1 ? max(nb, 1) : max(1, (nb + 4 * threads - 1) / (4 * threads))
        let chunks = (nb + width - 1) / width
        var codes = [Int32](repeating: 0, count: max(chunks, 1))
        let (bucket, normCode, K, lookup) = (bucketSize, norm.code, Int32(levels.count), levels.lookup)
        levels.magnitudes.withUnsafeBufferPointer { lv in
            out.norms.withUnsafeMutableBufferPointer { nbp in
                out.indices.withUnsafeMutableBufferPointer { qb in
                    codes.withUnsafeMutableBufferPointer { cb in
                        guard let vp = v.baseAddress, let np = nbp.baseAddress, let qp = qb.baseAddress else { return }
                        let (src, norms, q, rc) = (
                            UnsafeSendablePointer(readOnly: vp), UnsafeSendablePointer(np), UnsafeSendablePointer(qp),
                            UnsafeSendablePointer(cb.baseAddress!)
                        )
                        let lvs = UnsafeSendablePointer(readOnly: lv.baseAddress!)
                        forEachChunk(count: nb, width: width, threads: threads) { k, r in
                            rc.pointer[k] = fjq_quantize_buckets(
                                src.pointer, d, bucket, normCode, lvs.pointer, K, lookup, seed, stream,
                                r.lowerBound, r.upperBound, norms.pointer, q.pointer)
                        }
                    }
                }
            }
        }
        let rc = codes.first { $0 != 0 } ?? 0
        if rc == -2 {
            throw .data(
                "a bucket's \(norm == .l2 ? "L2" : "L∞") norm exceeds float32's range (values near 3.4e38): "
                    + "scale the input down, or use a smaller --bucket")
        }
        if rc != 0 {
            throw .data("the gradient holds NaN or infinite values (refused; fix the training or clip first)")
        }
    }

    public func quantize(
        _ t: Tensor, seed: UInt64, stream: UInt64 = 0, threads: Int = 1
    ) throws(FjordError) -> Quantized {
        var failure: FjordError?
        let q = t.withUnsafeBufferPointer { p -> Quantized? in
            do throws(FjordError) { return try quantize(p, seed: seed, stream: stream, threads: threads) } catch {
                failure = error
                return nil
            }
        }
        if let failure { throw failure }
        return q!
    }

    /// n_b · sign · ℓ_|q| into `out` (which must hold q.count values).
    public func dequantize(_ q: Quantized, into out: UnsafeMutableBufferPointer<Float>) {
        precondition(out.count == q.count && q.norms.count == buckets(q.count))
        levels.magnitudes.withUnsafeBufferPointer { lv in
            q.indices.withUnsafeBufferPointer { qb in
                q.norms.withUnsafeBufferPointer { nb in
                    fjq_dequantize(qb.baseAddress, nb.baseAddress, q.count, bucketSize, lv.baseAddress, out.baseAddress)
                }
            }
        }
    }

    public func dequantize(_ q: Quantized) -> Tensor {
        var t = Tensor(uninitializedShape: [q.count])
        t.withUnsafeMutableBufferPointer { dequantize(q, into: $0) }
        return t
    }

    /// The exact E‖Q(v) − v‖², ‖v‖² and E[nonzeros] of quantizing `v` (closed form, no sampling).
    public func exactVariance(
        _ v: UnsafeBufferPointer<Float>
    ) -> (variance: Double, norm2: Double, expectedNonzeros: Double) {
        var variance = 0.0, n2 = 0.0, nnz = 0.0
        levels.magnitudes.withUnsafeBufferPointer { lv in
            fjq_exact_variance(
                v.baseAddress, v.count, bucketSize, norm.code, lv.baseAddress, Int32(levels.count), &variance, &n2, &nnz
            )
        }
        return (variance, n2, nnz)
    }
}
