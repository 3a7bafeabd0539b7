import Kernel
import Testing

@testable import Learn

@Suite struct DataTests {
    @Test(arguments: BundledData.allCases)
    func bundledDataHasItsShape(_ b: BundledData) {
        let d = b.load()
        let want: [BundledData: (Int, Int, Int)] = [
            .digits: (1797, 64, 10), .breastCancer: (569, 30, 2), .wine: (178, 13, 3), .iris: (150, 4, 3),
        ]
        #expect((d.count, d.dimension, d.classes) == want[b]!)
        if b == .digits {
            let s = Stats(d.features)
            #expect(s.min == 0 && s.max == 1)
            #expect(d.classCounts == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
        }
        if b == .iris { #expect(d.classCounts == [50, 50, 50]) }
    }

    @Test func splitIsStratifiedAndDisjoint() {
        let d = BundledData.iris.load()
        let (tr, te) = d.split(testFraction: 0.2, seed: 3)
        #expect(tr.count == 120 && te.count == 30 && te.classCounts == [10, 10, 10])
        let (tr2, _) = d.split(testFraction: 0.2, seed: 3)
        #expect(tr2.labels == tr.labels && tr2.features == tr.features)
    }

    @Test func badDataIsRejected() {
        #expect(throws: FjordError.self) {
            try Dataset(name: "x", features: Tensor(shape: [2, 2], repeating: 0), labels: [0])
        }
        #expect(throws: FjordError.self) {
            try Dataset(name: "x", features: Tensor(shape: [2, 2], repeating: 0), labels: [0, 5], classes: 3)
        }
        #expect(throws: FjordError.self) {
            try Dataset(name: "x", features: Tensor(shape: [1, 2], values: [.nan, 0]), labels: [0])
        }
    }

    func checkCover(_ parts: [[Int]], n: Int) {
        let all = parts.flatMap { $0 }.sorted()
        #expect(all == Array(0..<n))
    }

    @Test func partitions() {
        let d = BundledData.digits.load()
        let iid = Partition.iid.assign(labels: d.labels, classes: 10, workers: 4, seed: 1)
        checkCover(iid, n: d.count)
        #expect(iid.map(\.count).max()! - iid.map(\.count).min()! <= 1)
        let one = Partition.oneClassPerWorker.assign(labels: d.labels, classes: 10, workers: 10, seed: 1)
        checkCover(one, n: d.count)
        for (k, p) in one.enumerated() { #expect(Set(p.map { d.labels[$0] }) == [Int32(k)]) }
        let twelve = Partition.oneClassPerWorker.assign(labels: d.labels, classes: 10, workers: 12, seed: 1)
        checkCover(twelve, n: d.count)
        #expect(twelve.allSatisfy { Set($0.map { d.labels[$0] }).count == 1 })
        let dir = Partition.dirichlet(alpha: 0.1).assign(labels: d.labels, classes: 10, workers: 5, seed: 2)
        checkCover(dir, n: d.count)
        // small α concentrates each class on few workers
        let classesPerWorker = dir.map { Set($0.map { d.labels[$0] }).count }
        #expect(classesPerWorker.reduce(0, +) < 30)
    }

    @Test func gammaSamplerMoments() {
        var rng = RNG(seed: 4)
        for alpha in [0.3, 1.0, 4.0] {
            let x = (0..<40000).map { _ in Partition.gamma(alpha, &rng) }
            let m = x.reduce(0, +) / Double(x.count)
            let v = x.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(x.count)
            #expect(
                abs(m - alpha) < 0.03 * max(alpha, 1) && abs(v - alpha) < 0.08 * max(alpha, 1),
                "α \(alpha): mean \(m) var \(v)")
        }
    }

    @Test func syntheticDataIsSeeded() {
        let a = Synthetic.gaussianMixture(samples: 100, dimension: 5, classes: 3, seed: 1)
        let b = Synthetic.gaussianMixture(samples: 100, dimension: 5, classes: 3, seed: 1)
        #expect(a.features == b.features && a.labels == b.labels && a.classCounts.allSatisfy { $0 >= 33 })
        let t = Synthetic.teacherStudent(samples: 500, dimension: 8, hidden: 6, classes: 3, seed: 2)
        #expect(t.classes == 3 && t.count == 500)
    }
}
