import Benchmark
import Kernel

/// Kernel hot paths. sgemm through our checked wrapper (compare its GFLOP/s with OpenBLAS's own via
/// Tools/bench/blas-fft.py, which times numpy's matmul on the same OpenBLAS), cached-plan FFTs, the
/// Philox fills and the npy encode/decode of a 64 MiB array in memory.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        maxDuration: .seconds(2), maxIterations: 1000)

    for n in [256, 1024] {
        var g = RNG(seed: 1)
        let a = g.tensor([n, n]), b = g.tensor([n, n])
        Benchmark("sgemm \(n)x\(n)x\(n) (2n³ flop per iteration)") { bench in
            for _ in bench.scaledIterations { blackHole(BLAS.matmul(a, b)) }
        }
    }

    do {
        var g = RNG(seed: 2)
        let x1 = g.tensor([64, 4096]), x2 = g.tensor([16, 256, 256])
        _ = FFT.rfft(x1)
        _ = FFT.rfft(x2, axes: 2)  // plans made outside the timing
        Benchmark("rfft 1-D 4096, batch 64") { bench in
            for _ in bench.scaledIterations { blackHole(FFT.rfft(x1)) }
        }
        Benchmark("rfft 2-D 256x256, batch 16") { bench in
            for _ in bench.scaledIterations { blackHole(FFT.rfft(x2, axes: 2)) }
        }
        let s2 = FFT.rfft(x2, axes: 2)
        Benchmark("irfft 2-D 256x256, batch 16") { bench in
            for _ in bench.scaledIterations { blackHole(FFT.irfft(s2, lastDim: 256, axes: 2)) }
        }
    }

    for dist in RNG.Distribution.allCases {
        Benchmark("Philox \(dist.rawValue) fill, 16M floats, 1 thread") { bench in
            var g = RNG(seed: 3)
            var t = Tensor(zeros: [1 << 24])
            for _ in bench.scaledIterations {
                t.withUnsafeMutableBufferPointer { g.fill($0, dist, threads: 1) }
                blackHole(t)
            }
        }
    }

    do {
        var g = RNG(seed: 4)
        let t = g.tensor([16, 1 << 20])
        let sink = ByteSink()
        try! NpyWriter(sink).write(t)
        let bytes = sink.memory
        Benchmark("npy decode 64 MiB from memory") { bench in
            for _ in bench.scaledIterations { blackHole(try! NpyReader(ByteSource(bytes: bytes)).next()!) }
        }
        Benchmark("stats of 16M floats") { bench in
            for _ in bench.scaledIterations { blackHole(Stats(t)) }
        }
    }
}
