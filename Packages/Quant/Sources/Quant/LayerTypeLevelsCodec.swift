import Exchange
import Kernel

/// Layer-wise quantization with learned levels (QODA, Nguyen et al., ICML 2025): the vector is tiled into blocks
/// (layers), each block has a *type* (embedding, attention, feed-forward, bias/norm, …), and every type has its own
/// level sequence ℓᵐ = [0, ℓᵐ₁, …, 1], fitted by ALQ or AMQ (Faghri et al. 2020) to the normalized coordinates of
/// that type's blocks only, on the ALQ schedule (steps 100 and 2000, then every 10000 by default), starting from
/// NUQSGD's levels. Each block is quantized with its own norm and its type's levels; the message is the blocks'
/// messages in order, each carrying its level table, so any worker decodes any other's.
///
/// Why per type: ALQ's objective V(ℓ) = E‖Q(v) − v‖² is a sum over coordinates, so the per-type optimum is never
/// worse than one level set for all blocks (the global set is a candidate for every type), and is better when the
/// types' normalized distributions differ (tested: a dense Gaussian layer beside a sparse heavy-tailed one).
public struct LayerTypeLevelsCodec: GradientCodec {
    public var inner: QuantizedCodec
    public let method: AdaptiveLevelsCodec.Method
    public let bits: Int
    /// The type of each block, in block order.
    public let types: [Int]
    public let schedule: [Int]
    public let period: Int
    public let window: Int
    /// The recent whole vectors the next refit fits to.
    var recent: [Tensor] = []
    let typeCount: Int
    var step = 0
    /// Every refit: step, type and its new level magnitudes.
    public private(set) var refits: [(step: Int, type: Int, levels: [Float])] = []

    /// `blocks` tile the vector in order; types are small integers 0…T−1.
    public init(
        method: AdaptiveLevelsCodec.Method, bits: Int, bucketSize: Int, blocks: [(offset: Int, count: Int, type: Int)],
        schedule: [Int] = [100, 2000], period: Int = 10000, window: Int = 10
    ) throws(FjordError) {
        guard !blocks.isEmpty else { throw .usage("layer-type levels: no blocks") }
        var pos = 0
        for b in blocks {
            guard b.offset == pos, b.count > 0, b.type >= 0 else {
                throw .usage("layer-type levels: blocks must tile the vector in order, with types ≥ 0")
            }
            pos += b.count
        }
        let q = try Scheme.nuq.quantizer(bits: bits, bucketSize: bucketSize)
        inner = QuantizedCodec(
            blocks: blocks.map { (offset: $0.offset, count: $0.count, quantizer: q) },
            scheme: method == .alq ? .alq : .amq)
        self.method = method
        self.bits = bits
        types = blocks.map(\.type)
        self.schedule = schedule
        self.period = period
        self.window = window
        typeCount = (types.max() ?? 0) + 1
    }

    func isRefit(_ t: Int) -> Bool {
        if schedule.contains(t) { return true }
        guard let last = schedule.last, t > last else { return false }
        return (t - last) % period == 0
    }

    /// Fits each type's levels to `samples` (vectors of the codec's dimension) now, as a scheduled refit does.
    public mutating func fit(to samples: [Tensor]) throws(FjordError) {
        for t in 0..<typeCount {
            var slices: [Tensor] = []
            for g in samples {
                let v = g.scalars
                var part: [Float] = []
                for (k, b) in inner.blocks.enumerated() where types[k] == t {
                    part += v[b.offset..<(b.offset + b.count)]
                }
                if !part.isEmpty { slices.append(Tensor(part)) }
            }
            guard !slices.isEmpty else { continue }
            let bucket = inner.blocks[types.firstIndex(of: t)!].quantizer.bucketSize
            let fitting = try LevelFitting(samples: slices, bucketSize: bucket)
            let s = LevelSet.levelCount(bits: bits) - 2
            let levels =
                method == .alq ? fitting.alqBest(interior: s) : LevelFitting.amqLevels(p: fitting.amq(s: s), s: s)
            let set = try LevelFitting.floatLevels(levels)
            for k in inner.blocks.indices where types[k] == t { inner.blocks[k].quantizer.levels = set }
            refits.append((step, t, set.magnitudes))
        }
    }

    /// The exact E‖Q(g) − g‖² under the current levels (each block with its norm and its type's levels).
    public func exactVariance(_ g: UnsafeBufferPointer<Float>) -> Double {
        var v = 0.0
        for b in inner.blocks {
            v += b.quantizer.exactVariance(UnsafeBufferPointer(rebasing: g[b.offset..<(b.offset + b.count)])).variance
        }
        return v
    }

    public mutating func encode(_ g: UnsafeBufferPointer<Float>, rng: inout RNG) throws(FjordError) -> [UInt8] {
        recent.append(Tensor(Array(g)))
        if recent.count > window { recent.removeFirst() }
        if isRefit(step) { try fit(to: recent) }
        step += 1
        return try inner.encode(g, rng: &rng)
    }

    public func decode(_ bytes: [UInt8], into out: UnsafeMutableBufferPointer<Float>) throws(FjordError) {
        try inner.decode(bytes, into: out)
    }
}
