import Exchange
import Kernel

/// ALQ/AMQ in training: a ``QuantizedCodec`` whose levels are refitted from the worker's own recent gradients on
/// the papers' schedule (Faghri et al. 2020: at iterations 100 and 2000, then every 10000), starting from NUQSGD's
/// levels. Every message carries its level table, so workers need not agree on levels to decode each other.
public struct AdaptiveLevelsCodec: GradientCodec {
    public enum Method: String, Sendable, CaseIterable { case alq, amq }
    public var inner: QuantizedCodec
    public let method: Method
    public let bits: Int
    /// Steps at which to refit (then every `period` after the last).
    public let schedule: [Int]
    public let period: Int
    /// Recent gradients kept for fitting (the papers use 10 minibatch gradients).
    public let window: Int
    var recent: [Tensor] = []
    var step = 0
    public private(set) var refits: [(step: Int, levels: [Float])] = []

    public init(
        method: Method, bits: Int, bucketSize: Int, dimension: Int, schedule: [Int] = [100, 2000], period: Int = 10000,
        window: Int = 10
    ) throws(FjordError) {
        self.method = method
        self.bits = bits
        self.schedule = schedule
        self.period = period
        self.window = window
        inner = QuantizedCodec(
            quantizer: try Scheme.nuq.quantizer(bits: bits, bucketSize: bucketSize), dimension: dimension,
            scheme: method == .alq ? .alq : .amq)
    }

    func isRefit(_ t: Int) -> Bool {
        if schedule.contains(t) { return true }
        guard let last = schedule.last, t > last else { return false }
        return (t - last) % period == 0
    }

    public mutating func encode(_ g: UnsafeBufferPointer<Float>, rng: inout RNG) throws(FjordError) -> [UInt8] {
        recent.append(Tensor(Array(g)))
        if recent.count > window { recent.removeFirst() }
        if isRefit(step) {
            let bucket = inner.blocks[0].quantizer.bucketSize
            let fit = try LevelFitting(samples: recent, bucketSize: bucket)
            let s = LevelSet.levelCount(bits: bits) - 2
            let levels =
                method == .alq
                ? fit.alqBest(interior: s)
                : LevelFitting.amqLevels(p: fit.amq(s: s), s: s)
            let set = try LevelFitting.floatLevels(levels)
            inner.blocks[0].quantizer.levels = set
            refits.append((step, set.magnitudes))
        }
        step += 1
        return try inner.encode(g, rng: &rng)
    }

    public func decode(_ bytes: [UInt8], into out: UnsafeMutableBufferPointer<Float>) throws(FjordError) {
        try inner.decode(bytes, into: out)
    }
}
