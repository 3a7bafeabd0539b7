import Kernel

/// The named quantization schemes and their level sets for a bit budget b (1 sign bit + (b−1) magnitude bits).
public enum Scheme: String, Sendable, CaseIterable {
    /// QSGD (Alistarh et al. 2017): uniform levels j/s, s = 2^(b−1) − 1, L2 norm.
    case qsgd
    /// QSGDinf: the same levels scaled by the L∞ norm.
    case qsgdinf
    /// NUQSGD (Ramezani-Kebrya et al. 2021): 0, 2^−s, …, 1/2, 1 with s = 2^(b−1) − 2, L2 norm.
    case nuq
    /// TernGrad (Wen et al. 2017): levels {0, 1} scaled by L∞ — values in {−n, 0, n}; ignores b.
    case terngrad

    public var norm: NormKind { self == .qsgdinf || self == .terngrad ? .linf : .l2 }

    public func levels(bits: Int) throws(FjordError) -> LevelSet {
        guard bits >= 2 && bits <= 16 else { throw .usage("--bits must be between 2 and 16, not \(bits)") }
        let k = LevelSet.levelCount(bits: bits)
        switch self {
        case .qsgd, .qsgdinf: return .uniform(k - 1)
        case .nuq:
            guard bits <= 8 else { throw .usage("nuq: at most 8 bits (2^-(2^(b-1)-2) underflows float32 beyond that)") }
            return .exponential(k - 2)
        case .terngrad: return .uniform(1)
        }
    }

    public func quantizer(bits: Int, bucketSize: Int) throws(FjordError) -> Quantizer {
        Quantizer(levels: try levels(bits: bits), norm: norm, bucketSize: bucketSize)
    }

    public var id: EncodedGradient.SchemeID {
        switch self {
        case .qsgd: return .qsgd
        case .qsgdinf: return .qsgdinf
        case .nuq: return .nuq
        case .terngrad: return .terngrad
        }
    }
}
