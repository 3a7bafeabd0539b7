import Exchange
import Kernel
import Learn
import Testing

@testable import Quant

@Suite struct SparseCodecTests {
    @Test func signCodecSendsScaledSignsAndKeepsTheResidual() throws {
        let g: [Float] = [0.5, -2, 0, 1.5]
        var rng = RNG(seed: 1)
        var c = ErrorFeedback(SignCodec())
        let bytes = try g.withUnsafeBufferPointer { try c.encode($0, rng: &rng) }
        #expect(bytes.count == 16 + 1)
        var out = [Float](repeating: 0, count: 4)
        try out.withUnsafeMutableBufferPointer { try c.decode(bytes, into: $0) }
        #expect(out == [1, -1, 1, 1])  // scale ‖g‖₁/d = 4/4
        // error feedback: p = Δ + e exactly
        #expect(zip(zip(out, c.memory), g).allSatisfy { $0.0 + $0.1 == $1 })
        // the next message carries the residual
        let next = try [Float](repeating: 0, count: 4).withUnsafeBufferPointer { try c.encode($0, rng: &rng) }
        try out.withUnsafeMutableBufferPointer { try c.decode(next, into: $0) }
        #expect(out == [-0.75, -0.75, -0.75, 0.75])  // residual (-0.5, -1, -1, 0.5), ‖·‖₁/4 = 0.75
        #expect(throws: FjordError.self) {
            try out.withUnsafeMutableBufferPointer { try c.decode(Array(bytes.dropLast()), into: $0) }
        }
    }

    @Test func topKKeepsTheLargestAndFeedsTheRestBack() throws {
        var rng = RNG(seed: 2)
        let g = rng.tensor([1000]).scalars
        var c = ErrorFeedback(TopKCodec(fraction: 0.05))
        let bytes = try g.withUnsafeBufferPointer { try c.encode($0, rng: &rng) }
        var out = [Float](repeating: 0, count: 1000)
        try out.withUnsafeMutableBufferPointer { try c.decode(bytes, into: $0) }
        let kept = out.enumerated().filter { $0.element != 0 }
        #expect(kept.count == 50)
        let threshold = g.map(abs).sorted(by: >)[49]
        #expect(kept.allSatisfy { abs($0.element) >= threshold && $0.element == g[$0.offset] })
        #expect((0..<1000).allSatisfy { out[$0] + c.memory[$0] == g[$0] })
        #expect(bytes.count < 20 + 50 * (32 + 13) / 8 + 2)
        var corrupt = bytes
        corrupt.removeLast(10)
        #expect(throws: FjordError.self) { try out.withUnsafeMutableBufferPointer { try c.decode(corrupt, into: $0) } }
    }

    /// The quickselect keeps exactly the k largest magnitudes, ties by the lower index, as a full sort would.
    @Test func topKSelectionEqualsASort() throws {
        var rng = RNG(seed: 3)
        for trial in 0..<200 {
            let d = 1 + rng.int(below: 3000)
            // few distinct values in some trials: many ties at the threshold
            let g: [Float] = (0..<d).map { _ in
                trial % 3 == 0 ? Float(rng.int(below: 7)) - 3 : Float(rng.normal())
            }
            var c = TopKCodec(fraction: [0.001, 0.01, 0.3, 1][trial % 4])
            let k = c.kept(of: d)
            let expected = (0..<d).sorted { abs(g[$0]) != abs(g[$1]) ? abs(g[$0]) > abs(g[$1]) : $0 < $1 }[0..<k]
                .sorted()
            let bytes = try g.withUnsafeBufferPointer { try c.encode($0, rng: &rng) }
            var out = [Float](repeating: .nan, count: d)
            try out.withUnsafeMutableBufferPointer { try c.decode(bytes, into: $0) }
            var want = [Float](repeating: 0, count: d)
            for i in expected { want[i] = g[i] }
            #expect(out == want, "trial \(trial): d \(d), k \(k)")
        }
    }

    /// Error feedback around any codec: after each step p = decode(message) + e exactly (float arithmetic
    /// aside), the message is the inner codec's own (the receiver needs no wrapper), and over many steps of the
    /// same vector the mean of what was sent converges to it, even through a biased one-bit codec.
    @Test func errorFeedbackCarriesTheResidual() throws {
        var rng = RNG(seed: 4)
        let d = 50  // the memory of scaled sign stays bounded but grows with d (about d·|g|): a small d converges fast
        let g = rng.tensor([d]).scalars
        for inner in [SignCodec() as any GradientCodec, TopKCodec(fraction: 0.04)] {
            var ef = ErrorFeedback(inner)
            var sum = [Float](repeating: 0, count: d), out = sum
            var worst: Float = 0
            let steps = 2000
            for _ in 0..<steps {
                let before = ef.memory.isEmpty ? [Float](repeating: 0, count: d) : ef.memory
                let m = try g.withUnsafeBufferPointer { try ef.encode($0, rng: &rng) }
                try out.withUnsafeMutableBufferPointer { try inner.decode(m, into: $0) }
                for i in 0..<d {
                    worst = max(worst, abs(before[i] + g[i] - out[i] - ef.memory[i]) / (1 + abs(g[i])))
                    sum[i] += out[i]
                }
            }
            #expect(worst <= 1e-4, "\(type(of: inner)): p − decode(m) − e off by \(worst)")
            // Σ sent = T·g − e_T: the mean converges iff the memory stays bounded
            let err = zip(sum, g).map { abs($0 / Float(steps) - $1) }.max()!
            #expect(err < 0.05, "\(type(of: inner)): mean sent is \(err) from g")
        }
        // a non-finite gradient is refused and leaves no half-updated memory
        var ef = ErrorFeedback(SignCodec())
        #expect(throws: FjordError.self) {
            try [Float](arrayLiteral: 1, .nan).withUnsafeBufferPointer { try ef.encode($0, rng: &rng) }
        }
        #expect(ef.memory.isEmpty)
    }

    /// TernGrad's clipping: per block at c·σ of that block, the rest unchanged; its variance under TernGrad falls.
    @Test func clippingAtCSigmaPerBlock() throws {
        var rng = RNG(seed: 5)
        var g = rng.tensor([2000], .laplace).scalars
        for i in 1000..<2000 { g[i] *= 100 }  // a second block on another scale
        let blocks = [(offset: 0, count: 1000), (offset: 1000, count: 1000)]
        var c = ClippingCodec(Float32Codec(), sigmas: 2.5, blocks: blocks)
        let m = try g.withUnsafeBufferPointer { try c.encode($0, rng: &rng) }
        var out = [Float](repeating: 0, count: 2000)
        try out.withUnsafeMutableBufferPointer { try c.decode(m, into: $0) }
        var clipped = 0
        for b in blocks {
            let x = g[b.offset..<(b.offset + b.count)].map(Double.init)
            let mean = x.reduce(0, +) / 1000
            let sd = (x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 1000).squareRoot()
            let limit = Float(2.5 * sd)
            for i in b.offset..<(b.offset + b.count) {
                let want = max(-limit, min(limit, g[i]))
                #expect(abs(out[i] - want) <= 1e-6 * limit, "coordinate \(i)")
                if want != g[i] { clipped += 1 }
            }
        }
        #expect(clipped > 10 && clipped < 100, "\(clipped) of 2000 clipped")  // Laplace: e^(−2.5·√2) ≈ 3%
        #expect(abs(c.lastClippedFraction - Double(clipped) / 2000) < 1e-3)
        // TernGrad's normalized variance on the clipped vector is lower (its L∞ scale shrinks)
        let tern = try Scheme.terngrad.quantizer(bits: 2, bucketSize: 8192)
        let raw = g.withUnsafeBufferPointer { tern.exactVariance($0) }
        let cut = out.withUnsafeBufferPointer { tern.exactVariance($0) }
        #expect(cut.variance / cut.norm2 < raw.variance / raw.norm2)
        var bad = ClippingCodec(Float32Codec(), sigmas: 2.5)
        #expect(throws: FjordError.self) {
            try [Float](arrayLiteral: 1, .infinity).withUnsafeBufferPointer { try bad.encode($0, rng: &rng) }
        }
    }
}
