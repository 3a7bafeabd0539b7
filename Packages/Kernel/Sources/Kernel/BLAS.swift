import COpenBLAS

/// Row-major wrappers over OpenBLAS with their shapes checked.
///
/// Shapes are given as the logical (m, n, k) of `C = α op(A) op(B) + β C` with `op(A)` m×k and
/// `op(B)` k×n, whatever the transposes; leading dimensions follow from row-major storage.
public enum BLAS {
    /// `C ← α·op(A)·op(B) + β·C` (cblas_sgemm, row-major). `a` holds op(A) transposed when `transA`.
    /// Leading dimensions default to packed storage; give them to work on column blocks of wider matrices
    /// (one attention head inside [T, D], say).
    public static func sgemm(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, transA: Bool = false, transB: Bool = false,
        alpha: Float = 1, beta: Float = 0, lda: Int? = nil, ldb: Int? = nil, ldc: Int? = nil
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "negative gemm dimension")
        if m == 0 || n == 0 { return }
        let la = lda ?? (transA ? m : k)
        let lb = ldb ?? (transB ? k : n)
        let lc = ldc ?? n
        precondition(la >= (transA ? m : k) && lb >= (transB ? k : n) && lc >= n, "gemm leading dimension too small")
        if k == 0 {
            // C ← βC (BLAS may leave C untouched when k = 0 and β = 0 on some builds)
            for i in 0..<m { for j in 0..<n { c[i * lc + j] = beta == 0 ? 0 : beta * c[i * lc + j] } }
            return
        }
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(max(la, 1)), b, Int32(max(lb, 1)), beta, c, Int32(max(lc, 1)))
    }

    /// The matrix product of two 2-D tensors, `op(A)·op(B)`.
    public static func matmul(_ a: Tensor, _ b: Tensor, transA: Bool = false, transB: Bool = false) -> Tensor {
        precondition(a.rank == 2 && b.rank == 2, "matmul needs 2-D tensors, got \(a.shape) and \(b.shape)")
        let (m, ka) = transA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (kb, n) = transB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        precondition(
            ka == kb, "matmul inner dimensions differ: \(a.shape)\(transA ? "ᵀ" : "") · \(b.shape)\(transB ? "ᵀ" : "")")
        var c = Tensor(zeros: [m, n])
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    sgemm(
                        pa.baseAddress!, pb.baseAddress!, pc.baseAddress!, m: m, n: n, k: ka, transA: transA,
                        transB: transB)
                }
            }
        }
        return c
    }

    /// How a complex GEMM operand enters the product: as stored, transposed, or conjugate-transposed (Aᴴ).
    public enum ComplexOp: Sendable { case none, transpose, adjoint }

    /// `C ← op(A)·op(B) + β·C` over complex float32 stored interleaved (re, im), row-major (cblas_cgemm with
    /// α = 1). `op(A)` is m×k and `op(B)` k×n; leading dimensions (in complex elements) default to packed storage.
    /// A Fourier layer's per-mode channel mixing is one call: [batch × Cin]·[Cin × Cout].
    public static func cgemm(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, opA: ComplexOp = .none, opB: ComplexOp = .none, beta: Float = 0
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "negative gemm dimension")
        if m == 0 || n == 0 { return }
        if k == 0 {
            for i in 0..<(2 * m * n) { c[i] = beta == 0 ? 0 : beta * c[i] }
            return
        }
        func flag(_ op: ComplexOp) -> CBLAS_TRANSPOSE {
            switch op {
            case .none: CblasNoTrans
            case .transpose: CblasTrans
            case .adjoint: CblasConjTrans
            }
        }
        let la = opA == .none ? k : m, lb = opB == .none ? n : k
        var one: (Float, Float) = (1, 0)
        var bb: (Float, Float) = (beta, 0)
        withUnsafePointer(to: &one) { pOne in
            withUnsafePointer(to: &bb) { pBeta in
                cblas_cgemm(
                    CblasRowMajor, flag(opA), flag(opB), Int32(m), Int32(n), Int32(k), pOne, a, Int32(la), b,
                    Int32(lb), pBeta, c, Int32(n))
            }
        }
    }

    /// `y ← α·op(A)·x + β·y` with A stored m×n row-major (cblas_sgemv).
    public static func sgemv(
        _ a: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
        m: Int, n: Int, transA: Bool = false, alpha: Float = 1, beta: Float = 0
    ) {
        if m == 0 || n == 0 { return }
        cblas_sgemv(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(n),
            x, 1, beta, y, 1)
    }

    /// The Gram matrix `G = X·Xᵀ` of the n rows of an n×d matrix, full (both triangles), via cblas_ssyrk.
    public static func gram(_ x: UnsafePointer<Float>, rows n: Int, cols d: Int, into g: UnsafeMutablePointer<Float>) {
        if n == 0 { return }
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasNoTrans, Int32(n), Int32(d), 1, x, Int32(max(d, 1)), 0, g, Int32(n))
        for i in 0..<n { for j in 0..<i { g[i * n + j] = g[j * n + i] } }
    }

    /// `y ← α·x + y` (cblas_saxpy).
    public static func saxpy(_ n: Int, _ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        if n > 0 { cblas_saxpy(Int32(n), alpha, x, 1, y, 1) }
    }

    /// The dot product (cblas_sdot).
    public static func dot(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Float {
        n > 0 ? cblas_sdot(Int32(n), x, 1, y, 1) : 0
    }

    /// Threads OpenBLAS uses (OPENBLAS_NUM_THREADS, or the core count).
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(newValue)) }
    }
}
