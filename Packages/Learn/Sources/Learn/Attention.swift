import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// Multi-head self-attention (Vaswani et al. 2017) over inputs of shape [B, T, D] (or [T, D]):
///
///     Q = X W_qᵀ + b_q,  K = X W_kᵀ + b_k,  V = X W_vᵀ + b_v          (each [B, T, D])
///     A_h = softmax(Q_h K_hᵀ / √d_h  [+ causal mask])                 ([B, h, T, T], rows sum to 1)
///     O_h = A_h V_h,  Y = concat_h(O_h) W_oᵀ + b_o                     (d_h = D / heads)
///
/// ``attentionWeights`` holds A of the last forward pass — what self-explaining models (SRA) supervise and
/// what XAI tools picture. One head is single-head attention. Backward, per head:
/// ∂A = ∂O Vᵀ (+ ``attentionGradient``), ∂V = Aᵀ ∂O, ∂S = A ∘ (∂A − rowsum(∂A ∘ A)), ∂Q = ∂S K / √d_h, ∂K = ∂Sᵀ Q / √d_h.
///
/// Padding: with ``keyLengths`` set, sequence b attends only to its first `keyLengths[b]` positions (the rest get
/// weight exactly 0, as a key padding mask in PyTorch), so right-padded sequences of different lengths share a batch.
/// A loss on the weights themselves (attention supervision, SRA) sets ``attentionGradient`` to ∂L/∂A before the
/// backward pass; the layer adds it to ∂A and clears it.
public final class MultiHeadAttention: Layer {
    public let dim: Int
    public let heads: Int
    public let causal: Bool
    let q: Linear, k: Linear, v: Linear, o: Linear
    /// Attention weights of the last forward pass, shape [B, heads, T, T].
    public private(set) var attentionWeights: Tensor?
    var cache: (qs: Tensor, ks: Tensor, vs: Tensor, batch: Int, time: Int, shape: [Int])?
    /// Per sequence of the next forward passes, how many leading positions are real keys (nil: all). Each must be in
    /// 1...T.
    public var keyLengths: [Int]?
    /// An extra ∂L/∂A of shape [B, heads, T, T] for the next backward pass (consumed by it).
    public var attentionGradient: Tensor?

    public init(dim: Int, heads: Int = 1, causal: Bool = false) {
        precondition(heads > 0 && dim % heads == 0, "attention: dim \(dim) is not divisible by \(heads) heads")
        self.dim = dim
        self.heads = heads
        self.causal = causal
        q = Linear(dim, dim)
        k = Linear(dim, dim)
        v = Linear(dim, dim)
        o = Linear(dim, dim)
    }

    var parts: [(String, Linear)] { [("q", q), ("k", k), ("v", v), ("out", o)] }

    public var parameterSpecs: [ParameterSpec] {
        parts.flatMap { prefix, l in l.parameterSpecs.map { ParameterSpec("\(prefix)_\($0.name)", $0.shape) } }
    }

    public func bind(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {
        var off = 0
        for (_, l) in parts {
            l.bind(parameters: parameters + off, gradients: gradients + off)
            off += l.parameterSpecs.reduce(0) { $0 + $1.count }
        }
    }

    public func initialize(_ rng: inout RNG) {
        for (i, (_, l)) in parts.enumerated() {
            var r = rng.substream(UInt64(i))
            l.initialize(&r)
        }
    }

    public func forward(_ x: Tensor) -> Tensor {
        precondition(
            (x.rank == 2 || x.rank == 3) && x.shape.last == dim,
            "attention(\(dim)) needs [B, T, \(dim)] or [T, \(dim)], got \(x.shape)")
        let (b, t) = x.rank == 3 ? (x.shape[0], x.shape[1]) : (1, x.shape[0])
        let lengths = keyLengths ?? [Int](repeating: t, count: b)
        precondition(
            lengths.count == b && lengths.allSatisfy { $0 >= 1 && $0 <= t },
            "attention: key lengths \(lengths.count) for batch \(b), each in 1...\(t)")
        let qs = q.forward(x), ks = k.forward(x), vs = v.forward(x)
        let dh = dim / heads
        let scale = 1 / Float(dh).squareRoot()
        var a = Tensor(uninitializedShape: [b, heads, t, t])
        var out = Tensor(uninitializedShape: x.shape)
        qs.withUnsafeBufferPointer { qp in
            ks.withUnsafeBufferPointer { kp in
                vs.withUnsafeBufferPointer { vp in
                    a.withUnsafeMutableBufferPointer { ap in
                        out.withUnsafeMutableBufferPointer { op in
                            for bi in 0..<b {
                                for h in 0..<heads {
                                    let base = bi * t * dim + h * dh
                                    let s = ap.baseAddress! + (bi * heads + h) * t * t
                                    // S = Q_h K_hᵀ · scale
                                    BLAS.sgemm(
                                        qp.baseAddress! + base, kp.baseAddress! + base, s, m: t, n: t, k: dh,
                                        transB: true, alpha: scale, lda: dim, ldb: dim)
                                    let n = lengths[bi]
                                    for i in 0..<t {
                                        softmaxRow(s + i * t, count: causal ? min(i + 1, n) : n, total: t)
                                    }
                                    // O_h = A V_h
                                    BLAS.sgemm(
                                        s, vp.baseAddress! + base, op.baseAddress! + base, m: t, n: dh, k: t,
                                        ldb: dim, ldc: dim)
                                }
                            }
                        }
                    }
                }
            }
        }
        attentionWeights = a
        cache = (qs, ks, vs, b, t, x.shape)
        return o.forward(out)
    }

    /// Softmax of the first `count` entries in place; entries count..<total (masked) become 0.
    private func softmaxRow(_ p: UnsafeMutablePointer<Float>, count: Int, total: Int) {
        var m = -Float.infinity
        for j in 0..<count { m = max(m, p[j]) }
        var s: Float = 0
        for j in 0..<count {
            p[j] = expf(p[j] - m)
            s += p[j]
        }
        for j in 0..<count { p[j] /= s }
        for j in count..<total { p[j] = 0 }
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let (qs, ks, vs, b, t, shape) = cache, let a = attentionWeights else {
            preconditionFailure("attention backward before forward")
        }
        let dout = o.backward(dy)
        let dh = dim / heads
        let scale = 1 / Float(dh).squareRoot()
        var dq = Tensor(zeros: shape), dk = Tensor(zeros: shape), dv = Tensor(zeros: shape)
        var dA = [Float](repeating: 0, count: t * t)
        let extra = attentionGradient
        attentionGradient = nil
        precondition(extra == nil || extra!.shape == a.shape, "attention: attentionGradient must have shape \(a.shape)")
        qs.withUnsafeBufferPointer { qp in
            ks.withUnsafeBufferPointer { kp in
                vs.withUnsafeBufferPointer { vp in
                    a.withUnsafeBufferPointer { ap in
                        dout.withUnsafeBufferPointer { gp in
                            dq.withUnsafeMutableBufferPointer { dqp in
                                dk.withUnsafeMutableBufferPointer { dkp in
                                    dv.withUnsafeMutableBufferPointer { dvp in
                                        dA.withUnsafeMutableBufferPointer { da in
                                            for bi in 0..<b {
                                                for h in 0..<heads {
                                                    let base = bi * t * dim + h * dh
                                                    let s = ap.baseAddress! + (bi * heads + h) * t * t
                                                    let g = gp.baseAddress! + base
                                                    // ∂A = ∂O V_hᵀ  [t, t]
                                                    BLAS.sgemm(
                                                        g, vp.baseAddress! + base, da.baseAddress!, m: t, n: t, k: dh,
                                                        transB: true, lda: dim, ldb: dim)
                                                    if let extra {
                                                        extra.withUnsafeBufferPointer { ep in
                                                            let e = ep.baseAddress! + (bi * heads + h) * t * t
                                                            for j in 0..<(t * t) { da[j] += e[j] }
                                                        }
                                                    }
                                                    // ∂V_h = Aᵀ ∂O
                                                    BLAS.sgemm(
                                                        s, g, dvp.baseAddress! + base, m: t, n: dh, k: t, transA: true,
                                                        ldb: dim, ldc: dim)
                                                    // ∂S = A ∘ (∂A − rowsum(∂A ∘ A)), times the score scale
                                                    for i in 0..<t {
                                                        var dot: Float = 0
                                                        for j in 0..<t { dot += da[i * t + j] * s[i * t + j] }
                                                        for j in 0..<t {
                                                            da[i * t + j] = s[i * t + j] * (da[i * t + j] - dot) * scale
                                                        }
                                                    }
                                                    // ∂Q_h = ∂S K_h,  ∂K_h = ∂Sᵀ Q_h
                                                    BLAS.sgemm(
                                                        da.baseAddress!, kp.baseAddress! + base,
                                                        dqp.baseAddress! + base,
                                                        m: t, n: dh, k: t, ldb: dim, ldc: dim)
                                                    BLAS.sgemm(
                                                        da.baseAddress!, qp.baseAddress! + base,
                                                        dkp.baseAddress! + base,
                                                        m: t, n: dh, k: t, transA: true, ldb: dim, ldc: dim)
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var dx = q.backward(dq)
        let dxk = k.backward(dk), dxv = v.backward(dv)
        dx.withUnsafeMutableBufferPointer { d in
            dxk.withUnsafeBufferPointer { a in
                dxv.withUnsafeBufferPointer { c in for i in 0..<d.count { d[i] += a[i] + c[i] } }
            }
        }
        return dx
    }

    public var summary: String {
        "MultiHeadAttention(dim \(dim), \(heads) head\(heads == 1 ? "" : "s")\(causal ? ", causal" : ""))"
    }
}
