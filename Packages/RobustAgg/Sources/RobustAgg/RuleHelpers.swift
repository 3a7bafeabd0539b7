import CRobust
import Exchange
import Kernel
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Mean of sorted ranks lo..<hi per coordinate, through the C column-selection kernel.
func rankMean(_ x: Tensor, _ lo: Int, _ hi: Int, rule: String, threads: Int = 1) throws(FjordError) -> Tensor {
    let n = x.shape[0], d = x.shape[1]
    var out = Tensor(uninitializedShape: [d])
    // columns are independent: any split gives the same bits; a share per thread, in whole 128-column tiles
    let share = max(128, ((d + max(threads, 1) - 1) / max(threads, 1) + 127) / 128 * 128)
    let bad = Mutex(false)
    x.withUnsafeBufferPointer { v in
        out.withUnsafeMutableBufferPointer { o in
            let (src, dst) = (UnsafeSendablePointer(readOnly: v.baseAddress!), UnsafeSendablePointer(o.baseAddress!))
            forEachChunk(count: d, width: share, threads: threads) { _, cols in
                var scratch = [Float](repeating: 0, count: fjr_rank_mean_scratch(n))
                let flag = scratch.withUnsafeMutableBufferPointer {
                    fjr_rank_mean(
                        src.pointer + cols.lowerBound, n, d, cols.count, lo, hi, dst.pointer + cols.lowerBound,
                        $0.baseAddress)
                }
                if flag != 0 { bad.withLock { $0 = true } }
            }
        }
    }
    if bad.withLock({ $0 }) { try refuseNonFinite(x, rule: rule) }
    return out
}

/// Index of the row nearest (ℓ2) to a vector (ties: lowest index).
func nearestRow(_ x: Tensor, _ target: Tensor) -> Int {
    let n = x.shape[0], d = x.shape[1]
    return x.withUnsafeBufferPointer { v in
        target.withUnsafeBufferPointer { t in
            var best = 0, bestD = Double.infinity
            for i in 0..<n {
                var s = 0.0
                for k in 0..<d {
                    let e = Double(v[i * d + k] - t[k])
                    s += e * e
                }
                if s < bestD {
                    bestD = s
                    best = i
                }
            }
            return best
        }
    }
}
