import Testing

@testable import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// Naive triple loop, the oracle for sgemm.
func naiveMatmul(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> [Float] {
    var c = [Float](repeating: 0, count: m * n)
    for i in 0..<m {
        for j in 0..<n {
            var s = 0.0
            for p in 0..<k { s += Double(a[i * k + p]) * Double(b[p * n + j]) }
            c[i * n + j] = Float(s)
        }
    }
    return c
}

func transpose(_ a: [Float], rows: Int, cols: Int) -> [Float] {
    var t = [Float](repeating: 0, count: a.count)
    for i in 0..<rows { for j in 0..<cols { t[j * rows + i] = a[i * cols + j] } }
    return t
}

func maxRelError(_ x: [Float], _ y: [Float]) -> Float {
    let scale = max(y.map { abs($0) }.max() ?? 1, 1e-30)
    return zip(x, y).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
}

@Suite struct BLASTests {
    @Test func smallKnownProduct() {
        let c = BLAS.matmul(
            Tensor(shape: [2, 2], values: [1, 2, 3, 4]), Tensor(shape: [2, 2], values: [5, 6, 7, 8]))
        #expect(c.scalars == [19, 22, 43, 50])
    }

    @Test(arguments: [(1, 1, 1), (3, 5, 7), (17, 9, 33), (64, 1, 130)])
    func sgemmAgreesWithNaiveInEveryTransposition(m: Int, n: Int, k: Int) {
        var g = RNG(seed: 42)
        let a = g.tensor([m, k]).scalars, b = g.tensor([k, n]).scalars
        let want = naiveMatmul(a, b, m: m, n: n, k: k)
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let A =
                ta ? Tensor(shape: [k, m], values: transpose(a, rows: m, cols: k)) : Tensor(shape: [m, k], values: a)
            let B =
                tb ? Tensor(shape: [n, k], values: transpose(b, rows: k, cols: n)) : Tensor(shape: [k, n], values: b)
            let c = BLAS.matmul(A, B, transA: ta, transB: tb)
            #expect(c.shape == [m, n])
            #expect(maxRelError(c.scalars, want) < 1e-5, "transA \(ta) transB \(tb)")
        }
    }

    @Test func gramMatchesProductWithTranspose() {
        var g = RNG(seed: 1)
        let x = g.tensor([6, 40])
        var gram = [Float](repeating: 0, count: 36)
        x.withUnsafeBufferPointer { xp in
            gram.withUnsafeMutableBufferPointer { gp in
                BLAS.gram(xp.baseAddress!, rows: 6, cols: 40, into: gp.baseAddress!)
            }
        }
        let want = naiveMatmul(x.scalars, transpose(x.scalars, rows: 6, cols: 40), m: 6, n: 6, k: 40)
        #expect(maxRelError(gram, want) < 1e-5)
    }

    @Test func sgemvAndDot() {
        let a: [Float] = [1, 2, 3, 4, 5, 6]  // 2×3
        let x: [Float] = [1, 0, -1]
        var y: [Float] = [0, 0]
        BLAS.sgemv(a, x, &y, m: 2, n: 3)
        #expect(y == [-2, -2])
        var z: [Float] = [0, 0, 0]
        BLAS.sgemv(a, [1, 1], &z, m: 2, n: 3, transA: true)
        #expect(z == [5, 7, 9])
        #expect(BLAS.dot(3, [1, 2, 3], [4, 5, 6]) == 32)
    }
}

@Suite struct FFTTests {
    /// Naive DFT over the trailing axes of a [rows, cols] array (2-D) or a vector (1-D), in double.
    func naiveRFFT2(_ x: [Float], rows: Int, cols: Int) -> [Float] {
        let half = cols / 2 + 1
        var out = [Float](repeating: 0, count: rows * half * 2)
        for u in 0..<rows {
            for v in 0..<half {
                var re = 0.0, im = 0.0
                for r in 0..<rows {
                    for c in 0..<cols {
                        let ang = -2 * Double.pi * (Double(u * r) / Double(rows) + Double(v * c) / Double(cols))
                        re += Double(x[r * cols + c]) * cos(ang)
                        im += Double(x[r * cols + c]) * sin(ang)
                    }
                }
                out[(u * half + v) * 2] = Float(re)
                out[(u * half + v) * 2 + 1] = Float(im)
            }
        }
        return out
    }

    @Test(arguments: [1, 2, 7, 16, 100])
    func rfft1DAgreesWithNaiveDFT(n: Int) {
        var g = RNG(seed: UInt64(n))
        let x = g.tensor([3, n])  // batch of 3
        let X = FFT.rfft(x)
        #expect(X.shape == [3, n / 2 + 1, 2])
        for b in 0..<3 {
            let row = Array(x.scalars[(b * n)..<((b + 1) * n)])
            let want = naiveRFFT2(row, rows: 1, cols: n)
            let got = Array(X.scalars[(b * (n / 2 + 1) * 2)..<((b + 1) * (n / 2 + 1) * 2)])
            #expect(maxRelError(got, want) < 1e-5)
        }
    }

    @Test func rfft2DAgreesWithNaiveDFT() {
        var g = RNG(seed: 9)
        let x = g.tensor([6, 10])
        let X = FFT.rfft(x, axes: 2)
        #expect(X.shape == [6, 6, 2])
        #expect(maxRelError(X.scalars, naiveRFFT2(x.scalars, rows: 6, cols: 10)) < 1e-5)
    }

    @Test(arguments: [([64], 1), ([4, 33], 1), ([2, 16, 15], 2), ([8, 6, 10], 3), ([2, 4, 8, 8], 3)])
    func roundTripWithin1e5(shape: [Int], axes: Int) {
        var g = RNG(seed: 3)
        let x = g.tensor(shape)
        let y = FFT.irfft(FFT.rfft(x, axes: axes), lastDim: shape.last!, axes: axes)
        #expect(y.shape == x.shape)
        #expect(maxRelError(y.scalars, x.scalars) < 1e-5)
    }

    @Test func irfftLeavesItsInputIntact() {
        var g = RNG(seed: 5)
        let X = FFT.rfft(g.tensor([32]))
        let before = X.scalars
        _ = FFT.irfft(X, lastDim: 32)
        #expect(X.scalars == before)
    }

    /// The same shape gets the same plan object back. (Counting cached plans would race with the other suites,
    /// which run in parallel and plan their own shapes.)
    @Test func plansAreCached() {
        var g = RNG(seed: 1)
        let x = g.tensor([4, 48])
        _ = FFT.rfft(x)
        let first = FFT.plan(dims: [48], batch: 4)
        _ = FFT.irfft(FFT.rfft(x), lastDim: 48)
        #expect(FFT.plan(dims: [48], batch: 4) === first)
        #expect(FFT.cachedPlanCount >= 1)
    }
}

@Suite struct EigenTests {
    /// Known spectra: a diagonal matrix, the 2×2 [[2, 1], [1, 2]] (1 and 3), the path-graph Laplacian-like
    /// tridiagonal(−1, 2, −1) of size n (2 − 2cos(kπ/(n+1))), and a random symmetric matrix whose eigenvalues must
    /// sum to its trace and whose squares must sum to its Frobenius norm².
    @Test func jacobiFindsKnownSpectra() {
        #expect(symmetricEigenvalues([3, 0, 0, 0, -1, 0, 0, 0, 2], n: 3) == [-1, 2, 3])
        let two = symmetricEigenvalues([2, 1, 1, 2], n: 2)
        let twoError = max(abs(two[0] - 1), abs(two[1] - 3))
        #expect(twoError < 1e-14)
        let n = 9
        var t = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            t[i * n + i] = 2
            if i + 1 < n {
                t[i * n + i + 1] = -1
                t[(i + 1) * n + i] = -1
            }
        }
        let expected: [Double] = (1...n).map { k in 2 - 2 * cos(Double(k) * Double.pi / Double(n + 1)) }.sorted()
        let found = symmetricEigenvalues(t, n: n)
        let worst = zip(found, expected).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-12)
        var g = RNG(seed: 4)
        let m = 12
        let r = g.tensor([m, m]).scalars.map(Double.init)
        let s: [Double] = (0..<(m * m)).map { k in r[k] + r[(k % m) * m + k / m] }
        let ev = symmetricEigenvalues(s, n: m)
        let trace: Double = (0..<m).reduce(0.0) { $0 + s[$1 * m + $1] }
        let sumError = abs(ev.reduce(0, +) - trace)
        let squares: Double = ev.map { $0 * $0 }.reduce(0, +)
        let frobenius: Double = s.map { $0 * $0 }.reduce(0, +)
        #expect(sumError < 1e-10)
        #expect(abs(squares - frobenius) < 1e-9)
        #expect(symmetricEigenvalues([], n: 0).isEmpty)
    }
}
