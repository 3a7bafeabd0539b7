import Exchange
import Kernel
import Learn
import Testing

@testable import ShiftAdapt

/// The federated label-shift protocol on bundled digits: the split follows its configuration, the trainer is
/// Learn's (unit weights are exactly FedAvg), the true FTW weights beat FedAvg on the 5-client shift, and VRLS's
/// estimated weights keep FTW's normalisation.
@Suite struct FederatedShiftTests {
    static let digits = BundledData.digits.load()

    static func small() -> FederatedShift.Options {
        var o = FederatedShift.Options()
        (o.hidden, o.steps, o.batch) = (32, 400, 32)
        return o
    }

    @Test func splitFollowsTheConfigurationAndKeepsThePoolsApart() throws {
        let c = ShiftConfiguration.fiveClients()
        let s = try FederatedSplit(Self.digits, c, trainRows: 4000, testRows: 2000, seed: 3)
        #expect(s.clients == 5)
        let trainSet = Set(s.trainRows.flatMap { $0 }), testSet = Set(s.testRows.flatMap { $0 })
        #expect(trainSet.isDisjoint(with: testSet))
        for k in 0..<5 {
            // 4000 draws: the majority class's frequency is within 4 standard deviations of 0.95
            #expect(abs(s.trainFrequencies(k)[5 + k] - 0.95) < 4 * (0.95 * 0.05 / 4000).squareRoot())
            #expect(abs(s.testFrequencies(k)[k] - 0.95) < 4 * (0.95 * 0.05 / 2000).squareRoot())
        }
        // same seed, same rows
        let again = try FederatedSplit(Self.digits, c, trainRows: 4000, testRows: 2000, seed: 3)
        #expect(again.trainRows == s.trainRows && again.testRows == s.testRows)
    }

    @Test func givenPartitionHandsEachWorkerItsRows() {
        let rows = [[4, 0], [1], [2, 3, 3]]
        #expect(Partition.given(rows).assign(labels: [0, 1, 0, 1, 0], classes: 2, workers: 3, seed: 9) == rows)
    }

    @Test func unitWeightsAreFedAvgAndTrueWeightsBeatIt() throws {
        let s = try FederatedSplit(Self.digits, .fiveClients(), trainRows: 300, testRows: 150, seed: 1)
        var o = Self.small()
        let fedAvg = try FederatedShift.run(s, .none, o)
        o.given = [[Double]](repeating: [Double](repeating: 1, count: 10), count: 5)
        let ones = try FederatedShift.run(s, .given, o)
        #expect(ones.parameters == fedAvg.parameters)
        o.given = nil
        let truth = try FederatedShift.run(s, .truth, o)
        let mean = { (r: FederatedShift.Result) in r.accuracy.reduce(0, +) / Double(r.accuracy.count) }
        // FedAvg's model favours classes 5–9, which dominate training; the clients are tested on 0–4
        #expect(mean(truth) > mean(fedAvg) + 0.05, "true \(truth.accuracy), FedAvg \(fedAvg.accuracy)")
        #expect(fedAvg.gradientBytes == 4 * o.steps * truth.parameters.count)
    }

    @Test func vrlsWeightsAreNonNegativeAndNormalised() throws {
        let s = try FederatedSplit(Self.digits, .fiveClients(), trainRows: 300, testRows: 150, seed: 2)
        let r = try FederatedShift.run(s, .vrls, Self.small())
        let ratios = try #require(r.ratios)
        // FTW (mean pooling): r_k(y) p̂_tr,k(y) = Q(y), the pooled q̂, the same on every client that holds y, and
        // Q sums to 1 (a class a client never trained on gets weight 0, its share of Q is lost on that client)
        var pooled = [Double?](repeating: nil, count: 10)
        for k in 0..<5 {
            #expect(ratios[k].allSatisfy { $0 >= 0 && $0.isFinite })
            let p = s.trainFrequencies(k)
            for y in 0..<10 where p[y] > 0 {
                let q = ratios[k][y] * p[y]
                if let seen = pooled[y] { #expect(abs(q - seen) <= 1e-6 * max(seen, 1e-3), "class \(y)") }
                pooled[y] = q
            }
            // the minority classes 0–4 are up-weighted and the client's own majority class down-weighted
            #expect(ratios[k][5 + k] < 1, "client \(k): \(ratios[k])")
            #expect((0..<5).map { ratios[k][$0] }.reduce(0, +) > 25, "client \(k): \(ratios[k])")
        }
        #expect(pooled.allSatisfy { $0 != nil })
        #expect(abs(pooled.reduce(0) { $0 + ($1 ?? 0) } - 1) < 1e-5)
        #expect(r.estimationBytes > r.gradientBytes)  // phase 1's gradients, the hold-out logits and the q̂
    }

    /// A step that fails on one client only stops every client with that client's error (no rank is left waiting
    /// at a later collective).
    @Test func aFailureOnOneClientStopsThemAll() throws {
        let out = try LocalCommunicator.run(workers: 3) { comm -> String in
            do {
                _ = try FederatedShift.together(comm) { () throws -> Int in
                    if comm.rank == 1 { throw FjordError.data("boom") }
                    return comm.rank
                }
                return "ok"
            } catch {
                comm.barrier()  // every rank got here: none is waiting at a collective
                return "\(error)"
            }
        }
        #expect(out == ["client 1: boom", "client 1: boom", "client 1: boom"])
    }

    @Test func badInputIsRefused() throws {
        let s = try FederatedSplit(Self.digits, .fiveClients(), trainRows: 20, testRows: 10, seed: 0)
        var o = Self.small()
        o.given = [[1, 2]]
        #expect(throws: FjordError.self) { try FederatedShift.run(s, .given, o) }
        #expect(throws: FjordError.self) {
            try FederatedSplit(BundledData.iris.load(), .fiveClients(), trainRows: 10, testRows: 10, seed: 0)
        }
    }
}
