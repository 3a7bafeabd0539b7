import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// A growable, 64-byte-aligned float buffer a layer keeps between calls, so its inner loop allocates nothing once
/// the first batch has sized it.
final class Scratch {
    private let storage = AlignedStorage(byteCount: 0)

    /// The buffer with room for at least `count` floats (its contents are kept only up to the old size).
    func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
        if storage.byteCount < count * 4 { storage.resize(to: count * 4) }
        return storage.pointer.assumingMemoryBound(to: Float.self)
    }
}

/// FFTs of many planes split over threads (one plan per chunk size; FFTW's execute is thread-safe).
enum PlaneFFT {
    static func forward(
        _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, grid: [Int], planes: Int, threads: Int
    ) {
        let real = grid.reduce(1, *), complex = 2 * (real / grid[grid.count - 1]) * (grid[grid.count - 1] / 2 + 1)
        let (xs, os) = (UnsafeSendablePointer(readOnly: x), UnsafeSendablePointer(out))
        forEachChunk(count: planes, width: (planes + threads - 1) / max(threads, 1), threads: threads) { _, r in
            FFT.rfft(
                xs.pointer + r.lowerBound * real, into: os.pointer + r.lowerBound * complex, dims: grid, batch: r.count)
        }
    }

    static func inverse(
        destroying spectrum: UnsafeMutablePointer<Float>, _ out: UnsafeMutablePointer<Float>, grid: [Int], planes: Int,
        threads: Int
    ) {
        let real = grid.reduce(1, *), complex = 2 * (real / grid[grid.count - 1]) * (grid[grid.count - 1] / 2 + 1)
        let (ss, os) = (UnsafeSendablePointer(spectrum), UnsafeSendablePointer(out))
        forEachChunk(count: planes, width: (planes + threads - 1) / max(threads, 1), threads: threads) { _, r in
            FFT.irfftUnnormalized(
                destroying: ss.pointer + r.lowerBound * complex, into: os.pointer + r.lowerBound * real, dims: grid,
                batch: r.count)
        }
    }
}

/// Zeroed float buffers that live as long as the workspace: a solver's state and scratch for one run.
final class Workspace {
    private var blocks: [UnsafeMutablePointer<Float>] = []

    /// A new buffer of `count` zeros, 64-byte aligned (FFTW's plans need the alignment they were made with).
    func make(_ count: Int) -> UnsafeMutablePointer<Float> {
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, 64, max(count, 1) * 4) == 0, let raw else { fatalError("Fjord: out of memory") }
        let p = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        p.initialize(repeating: 0, count: max(count, 1))
        blocks.append(p)
        return p
    }

    /// A buffer holding a copy of `values`.
    func make(_ values: [Float]) -> UnsafeMutablePointer<Float> {
        let p = make(values.count)
        p.update(from: values, count: values.count)
        return p
    }

    deinit { for b in blocks { free(b) } }
}
