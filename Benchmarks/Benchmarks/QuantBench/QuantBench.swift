import Benchmark
import Kernel
import Quant

/// Quantization throughput on 16M float32 coordinates (one thread), against a plain memory pass over the same
/// data (the physical ceiling) — compare with Tools/bench/numpy-qsgd.py run on the same machine.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        maxDuration: .seconds(3), maxIterations: 200)
    let n = 1 << 24
    var g = RNG(seed: 1)
    let v = g.tensor([n])
    Benchmark("memory pass: sum of 16M floats") { bench in
        for _ in bench.scaledIterations {
            var s: Float = 0
            v.withUnsafeBufferPointer { p in for x in p { s += x } }
            blackHole(s)
        }
    }
    for (scheme, bits) in [(Scheme.qsgd, 4), (.nuq, 4), (.qsgdinf, 8)] {
        let q = try! scheme.quantizer(bits: bits, bucketSize: 8192)
        Benchmark("quantize to indices, \(scheme.rawValue) \(bits) bits, 16M") { bench in
            for _ in bench.scaledIterations { blackHole(try! q.quantize(v, seed: 1)) }
        }
        // the training path: the caller's buffers reused, no allocation and no zero-filling per call
        var reused = try! q.quantize(v, seed: 1)
        for threads in [1, 2] {
            Benchmark("quantize into a reused buffer, \(threads) thread(s), \(scheme.rawValue) \(bits) bits, 16M") {
                bench in
                for _ in bench.scaledIterations {
                    v.withUnsafeBufferPointer { p in try! q.quantize(p, into: &reused, seed: 1, threads: threads) }
                    blackHole(reused.norms[0])
                }
            }
        }
        let quantized = try! q.quantize(v, seed: 1)
        Benchmark("Elias encode alone, \(scheme.rawValue) \(bits) bits, 16M") { bench in
            for _ in bench.scaledIterations {
                blackHole(EncodedGradient(quantizer: q, scheme: scheme.id, shape: [n], quantized: quantized).encoded())
            }
        }
        Benchmark("Elias encode alone, 2 threads, \(scheme.rawValue) \(bits) bits, 16M") { bench in
            for _ in bench.scaledIterations {
                blackHole(
                    EncodedGradient(quantizer: q, scheme: scheme.id, shape: [n], quantized: quantized).encoded(
                        threads: 2))
            }
        }
        Benchmark("fixed-width encode alone, \(scheme.rawValue) \(bits) bits, 16M") { bench in
            for _ in bench.scaledIterations {
                blackHole(
                    EncodedGradient(quantizer: q, fixedWidth: true, scheme: scheme.id, shape: [n], quantized: quantized)
                        .encoded())
            }
        }
        Benchmark("quantize + Elias encode, \(scheme.rawValue) \(bits) bits, 16M") { bench in
            for _ in bench.scaledIterations {
                let z = try! q.quantize(v, seed: 1)
                blackHole(EncodedGradient(quantizer: q, scheme: scheme.id, shape: [n], quantized: z).encoded())
            }
        }
        let bytes = EncodedGradient(quantizer: q, scheme: scheme.id, shape: [n], quantized: quantized).encoded()
        Benchmark("decode + dequantize, \(scheme.rawValue) \(bits) bits, 16M") { bench in
            for _ in bench.scaledIterations { blackHole(try! EncodedGradient.decode(bytes).tensor()) }
        }
        Benchmark("decode to indices alone, \(scheme.rawValue) \(bits) bits, 16M") { bench in
            for _ in bench.scaledIterations { blackHole(try! EncodedGradient.decode(bytes).quantized.norms[0]) }
        }
    }
}
