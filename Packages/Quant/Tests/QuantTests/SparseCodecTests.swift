import Kernel
import Learn
import Testing

@testable import Quant

@Suite struct SparseCodecTests {
    @Test func signCodecSendsScaledSignsAndKeepsTheResidual() throws {
        let g: [Float] = [0.5, -2, 0, 1.5]
        var rng = RNG(seed: 1)
        var c = SignCodec(errorFeedback: true)
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
        var c = TopKCodec(fraction: 0.05)
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
}
