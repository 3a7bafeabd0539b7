import CKernel
import Testing

@testable import Kernel

@Suite struct RNGTests {
    @Test func philoxKnownAnswer() {
        // Random123's published known-answer vector for Philox4x32-10: counter 0, key 0.
        var out: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
        withUnsafeMutablePointer(to: &out) {
            $0.withMemoryRebound(to: UInt32.self, capacity: 4) { fj_philox_block(0, 0, 0, $0) }
        }
        #expect(out.0 == 0x6627e8d5 && out.1 == 0xe169c58d && out.2 == 0xbc57ac4c && out.3 == 0x9b00dbd8)
    }

    @Test(arguments: RNG.Distribution.allCases)
    func sameSeedSameBytesAnyThreadCount(dist: RNG.Distribution) {
        var a = RNG(seed: 7), b = RNG(seed: 7), c = RNG(seed: 8)
        let x = a.tensor([300_001], dist, threads: 1)
        let y = b.tensor([300_001], dist, threads: 4)
        let z = c.tensor([300_001], dist, threads: 1)
        #expect(x == y)
        #expect(x != z)
    }

    @Test func sequentialDrawsFollowTheBulkStream() {
        var a = RNG(seed: 11), b = RNG(seed: 11)
        let bulk = a.tensor([8], .uniform).scalars
        let seq = (0..<8).map { _ in b.uniform() }
        #expect(bulk == seq)
    }

    /// Moments within 5 standard errors: mean, variance (and for Laplace, E|x| = 1).
    @Test(arguments: RNG.Distribution.allCases)
    func momentsMatchTheDistribution(dist: RNG.Distribution) {
        var g = RNG(seed: 2024)
        let n = 1_000_000
        let x = g.tensor([n], dist).scalars.map(Double.init)
        let mean = x.reduce(0, +) / Double(n)
        let variance = x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
        let (mu, v): (Double, Double) = dist == .uniform ? (0.5, 1.0 / 12) : (0, dist == .normal ? 1 : 2)
        #expect(abs(mean - mu) < 5 * (v / Double(n)).squareRoot())
        #expect(abs(variance - v) / v < 0.01)
        if dist == .uniform { #expect(x.allSatisfy { $0 >= 0 && $0 < 1 }) }
        if dist == .laplace { #expect(abs(x.map(abs).reduce(0, +) / Double(n) - 1) < 0.005) }
    }

    @Test func intBelowIsInRangeAndUniform() {
        var g = RNG(seed: 3)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[g.int(below: 7)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 500 })
        var p = g.permutation(50)
        p.sort()
        #expect(p == Array(0..<50))
    }

    @Test func substreamsAreIndependentOfEachOther() {
        let base = RNG(seed: 1)
        var s0 = base.substream(0), s1 = base.substream(1)
        #expect(s0.tensor([16]) != s1.tensor([16]))
    }
}

@Suite struct StatsTests {
    @Test func matchesDefinitionAndSkipsNaN() {
        let s = Stats(Tensor([1, 2, .nan, 4, -3]))
        #expect(s.nanCount == 1 && s.min == -3 && s.max == 4 && s.mean == 1)
        #expect(abs(s.std - 6.5.squareRoot()) < 1e-12)  // population std of 1,2,4,-3: Σ(x-1)² = 26, /4
        #expect(Stats(Tensor([.nan])).mean.isNaN)
    }

    @Test func differences() {
        let (a, r) = maxDifference([1, 2, .nan, .infinity], [1, 2.5, .nan, .infinity])
        #expect(a == 0.5 && r == 0.2)
        #expect(maxDifference([1], [.nan]).abs == .infinity)
    }
}

@Suite struct SlicingTests {
    let a = NpyArray(Tensor(shape: [3, 4], values: (0..<12).map(Float.init)))

    @Test func basicSlicesAsNumpy() throws {
        #expect(try a.sliced([.index(1)]).tensor() == Tensor([4, 5, 6, 7]))
        #expect(try a.sliced([.all, .index(-1)]).tensor() == Tensor([3, 7, 11]))
        #expect(
            try a.sliced([AxisSlice.parse("::2")!, AxisSlice.parse("1:3")!]).tensor()
                == Tensor(shape: [2, 2], values: [1, 2, 9, 10]))
        #expect(
            try a.sliced([AxisSlice.parse("::-1")!, AxisSlice.parse("3:0:-2")!]).tensor()
                == Tensor(shape: [3, 2], values: [11, 9, 7, 5, 3, 1]))
        #expect(try a.sliced([AxisSlice.parse("5:")!]).shape == [0, 4])
        #expect(throws: FjordError.self) { try a.sliced([.index(3)]) }
        #expect(AxisSlice.parse("1:2:0") == nil && AxisSlice.parse("x") == nil)
    }

    @Test func stackAndConcat() throws {
        let s = try NpyArray.stack([a, a])
        #expect(s.shape == [2, 3, 4])
        let c = try NpyArray.stack([a, a], concatenate: true)
        #expect(c.shape == [6, 4] && c.tensor().scalars == a.tensor().scalars + a.tensor().scalars)
        #expect(throws: FjordError.self) { try NpyArray.stack([a, NpyArray(Tensor([1]))]) }
    }
}

@Suite struct PictureTests {
    @Test func pngHasSignatureAndSize() throws {
        let png = try Heatmap(colormap: .viridis, scale: 2).png([
            Tensor(shape: [3, 5], values: (0..<15).map(Float.init))
        ])
        #expect(Array(png[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // IHDR width and height, big-endian at bytes 16..<24
        let w = png[16..<20].reduce(0) { $0 << 8 | Int($1) }, h = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(w == 10 && h == 6)
    }

    @Test func heatmapUsesColormapEnds() {
        let r = Heatmap(colormap: .viridis).render([Tensor(shape: [1, 2], values: [0, 1])])
        #expect(Array(r.rgb[0..<3]) == [68, 1, 84])
        #expect(Array(r.rgb[3..<6]) == [253, 231, 37])
        let d = Heatmap(colormap: .coolwarm).render([Tensor(shape: [1, 3], values: [-2, 0, 1])])
        #expect(Array(d.rgb[3..<6]) == [221, 221, 221])  // zero at the neutral centre
    }

    @Test func niceTicks() {
        #expect(SVGPlot.niceTicks(0, 10) == [0, 2, 4, 6, 8, 10])
        #expect(SVGPlot.niceTicks(-0.3, 0.7) == [-0.2, 0, 0.2, 0.4, 0.6])
        #expect(SVGPlot.label(0.30000000000000004) == "0.3" && SVGPlot.label(1e6) == "1e6")
    }

    @Test func svgHasAxesLabelsAndLegend() {
        var p = SVGPlot(title: "loss & <accuracy>", xLabel: "step", yLabel: "value")
        p.series = [
            .init(label: "a", x: [0, 1, 2], y: [1, 3, 2]),
            .init(label: "b", x: [0, 1, 2], y: [2, 2, 2], kind: .scatter),
        ]
        let svg = p.render()
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        #expect(svg.contains("loss &amp; &lt;accuracy&gt;"))
        #expect(svg.contains(">step<") && svg.contains(">value<") && svg.contains(">a<") && svg.contains(">b<"))
        #expect(svg.contains("<path") && svg.contains("<circle"))
    }
}
