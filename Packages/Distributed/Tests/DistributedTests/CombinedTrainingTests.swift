import Kernel
import Learn
import Quant
import RobustAgg
import Testing

/// Records the length of every message a worker's codec produces (the bytes it hands to the exchange).
final class MessageLog: @unchecked Sendable {
    var lengths: [[Int]]
    init(workers: Int) { lengths = Array(repeating: [], count: workers) }
}

struct RecordingCodec: GradientCodec {
    var inner: QuantizedCodec
    let rank: Int
    let log: MessageLog
    mutating func encode(_ g: UnsafeBufferPointer<Float>, rng: inout RNG) throws(FjordError) -> [UInt8] {
        let m = try inner.encode(g, rng: &rng)
        log.lengths[rank].append(m.count)  // each worker writes only its own slot
        return m
    }
    func decode(_ bytes: [UInt8], into out: UnsafeMutableBufferPointer<Float>) throws(FjordError) {
        try inner.decode(bytes, into: out)
    }
}

@Suite struct CombinedTrainingTests {
    func digits() -> (Dataset, Dataset) { BundledData.digits.load().standardizedSplit(testFraction: 0.2, seed: 0) }

    /// Quantized and Byzantine-robust at once: 12 workers send NUQSGD 4-bit messages, the last 2 replace theirs
    /// with MixTailor's ε-reverse (ε = 10), the median aggregates. The bytes each worker reports are the sum of
    /// its encoded messages (and what the communicator carried), each message is a valid NUQSGD frame, and the
    /// model learns; the same run with the mean does not.
    @Test func quantizedMedianUnderAttackCountsItsMessages() throws {
        let (tr, te) = digits()
        let d = Sequential.mlp([64, 32, 10], seed: 1).parameterCount
        let q = try Scheme.nuq.quantizer(bits: 4, bucketSize: 8192)
        func run(_ rule: RuleKind) throws -> ([TrainingReport], MessageLog) {
            let log = MessageLog(workers: 12)
            var setup = TrainingSetup(
                model: { Sequential.mlp([64, 32, 10], seed: 1) },
                optimizer: { SGD(.constant(0.05), momentum: 0.9) })
            setup.makeCodec = { rank in
                RecordingCodec(inner: QuantizedCodec(quantizer: q, dimension: d, scheme: .nuq), rank: rank, log: log)
            }
            setup.makeRule = { rule.make(RuleSettings(f: 2)) }
            let attack = AttackKind.ipmMixtailor.make(
                epsilon: 10, sigma: 0, f: 2, target: rule, rules: RuleSettings(f: 2))!
            setup.makeByzantine = { n in .last(2, of: n, attack: attack) }
            var config = TrainingConfig(steps: 120, batchSize: 32)
            config.seed = 5
            return (try trainLocal(workers: 12, train: tr, test: te, setup: setup, config: config), log)
        }
        let (median, log) = try run(.median)
        for (rank, r) in median.enumerated() {
            let mine = log.lengths[rank].reduce(0, +)
            let others = (0..<12).filter { $0 != rank }.reduce(0) { $0 + log.lengths[$1].reduce(0, +) }
            #expect(log.lengths[rank].count == 120)
            #expect(r.gradientTraffic == Traffic(sent: mine, received: others), "rank \(rank)")
            #expect(r.transportTraffic == r.gradientTraffic, "rank \(rank)")
        }
        #expect(median[0].bitsPerCoordinate < 8, "4-bit NUQSGD costs \(median[0].bitsPerCoordinate) bits/coordinate")
        #expect(median[0].final!.testAccuracy! > 0.85, "median under attack: \(median[0].final!)")
        // the mean under the same attack diverges (a .data error) or learns nothing
        if let (mean, _) = try? run(.mean) {
            #expect(mean[0].final!.testAccuracy! < 0.5, "the mean under the same attack: \(mean[0].final!)")
        }
    }
}
