/// Stable, seedable hashes: the same input gives the same value on every run and machine (unlike Swift's `Hasher`).

/// The hash chain from (seed, fields…) to one 48-bit instance seed.
public func instanceSeed(_ base: UInt64, _ fields: UInt64...) -> UInt64 {
    var h = SplitMix64.mix(base ^ 0x5EED_C0C0_A11D_0001)
    for f in fields { h = SplitMix64.mix(h ^ f) }
    return h & 0xFFFF_FFFF_FFFF
}

/// FNV-1a (64-bit) offset basis and prime.
public let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
public let fnvPrime: UInt64 = 0x100_0000_01b3

/// FNV-1a over bytes: a stable hash of model names, words and lines.
@inlinable public func fnv1a<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
    var h = fnvOffset
    for b in bytes { h = (h ^ UInt64(b)) &* fnvPrime }
    return h
}

public func fnv1a(_ s: String) -> UInt64 { fnv1a(s.utf8) }
