import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// A seeded synthetic rationale benchmark whose true rationale is known (after Bastings et al. EMNLP 2022's planted
/// shortcuts): a post is toxic (class 1) iff it holds a **trigger phrase** — a trigger word with up to two context
/// words around it — and the planted rationale is exactly the phrase tokens. Filler words follow a Zipf law.
/// **Identity words** (10 invented communities) appear in toxic posts with probability ρ and in non-toxic posts
/// with probability 1 − ρ: ρ = 0.9 in training and the in-distribution test makes them a spurious cue, ρ = 0.5 in
/// the shifted test removes it, so the bias AUCs and the shifted accuracy measure reliance on it. Three simulated
/// annotators mark each toxic post: each keeps every planted token with probability 0.8 and widens a phrase by one
/// neighbour with probability 0.1 (one who keeps nothing marks the first planted word), so union, majority and
/// mean aggregation differ as they do on HateXplain.
public struct SyntheticRationales: Sendable {
    public var posts = 10_000
    public var minLength = 12
    public var maxLength = 32
    public var fillers = 1000
    /// Trigger words, drawn by a Zipf law like the fillers: the common ones are learned from labels alone, the long
    /// tail is where a model falls back on the identity cue and where rationales help (with 200 triggers every
    /// arm is near 100% accurate and plain attention already finds them).
    public var triggers = 3000
    public var contextWords = 12
    public var communities = 10
    /// P(a toxic post mentions a community) = ρ, P(a non-toxic one does) = 1 − ρ.
    public var rho = 0.9
    public var toxicFraction = 0.5
    public var annotators = 3
    public var keep = 0.8
    public var widen = 0.1
    public var seed: UInt64 = 0

    public init() {}

    public static let communityNames = [
        "aurelians", "borealites", "cindrans", "dovish", "elvenari", "fenmark", "galorians", "hessites", "islanders",
        "juvani", "kestrels", "lumerians",
    ]

    /// Pronounceable pseudo-words, distinct, from a fixed syllable table (the same for every seed).
    static func lexicon(_ n: Int, syllables: Int, salt: UInt64, avoid: Set<String>) -> [String] {
        let onsets = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "sh", "tr"]
        let vowels = ["a", "e", "i", "o", "u", "ai", "ou"]
        var rng = RNG(seed: 0x5EED, stream: salt)
        var out: [String] = []
        var seen = avoid
        while out.count < n {
            var w = ""
            for _ in 0..<syllables { w += onsets[rng.int(below: onsets.count)] + vowels[rng.int(below: vowels.count)] }
            if rng.uniformDouble() < 0.3 { w += ["n", "r", "x", "k"][rng.int(below: 4)] }
            if seen.insert(w).inserted { out.append(w) }
        }
        return out
    }

    public struct Lexicon: Sendable {
        public var fillers: [String], triggers: [String], context: [String], communities: [String]
    }

    public var lexicon: Lexicon {
        let c = Array(Self.communityNames.prefix(communities))
        let f = Self.lexicon(fillers, syllables: 2, salt: 1, avoid: Set(c))
        let t = Self.lexicon(triggers, syllables: 3, salt: 2, avoid: Set(c + f))
        let x = Self.lexicon(contextWords, syllables: 1, salt: 3, avoid: Set(c + f + t))
        return Lexicon(fillers: f, triggers: t, context: x, communities: c)
    }

    public func generate() throws(FjordError) -> Corpus {
        guard posts > 0, minLength >= 8, maxLength >= minLength, fillers > 0, triggers > 0, communities > 0,
            communities <= Self.communityNames.count, annotators > 0, rho >= 0, rho <= 1
        else {
            throw .usage(
                "synthetic: posts > 0, 8 ≤ min length ≤ max length, ≥ 1 filler, trigger and annotator, 1–\(Self.communityNames.count) communities and ρ in [0, 1]"
            )
        }
        let lex = lexicon
        // Zipf(1) over the fillers and over the triggers: cumulative weights 1/k
        func zipf(_ n: Int) -> [Double] {
            var c = [Double](repeating: 0, count: n)
            var acc = 0.0
            for k in 0..<n {
                acc += 1 / Double(k + 1)
                c[k] = acc
            }
            return c
        }
        let cdf = zipf(fillers), triggerCDF = zipf(triggers)
        func draw(_ c: [Double], _ r: inout RNG) -> Int {
            let u = r.uniformDouble() * c[c.count - 1]
            var lo = 0, hi = c.count - 1
            while lo < hi {
                let m = (lo + hi) / 2
                if c[m] < u { lo = m + 1 } else { hi = m }
            }
            return lo
        }
        let base = RNG(seed: seed)
        var out: [Post] = []
        out.reserveCapacity(posts)
        for i in 0..<posts {
            var r = base.substream(UInt64(i))
            let n = minLength + r.int(below: maxLength - minLength + 1)
            let toxic = r.uniformDouble() < toxicFraction
            var tokens = [String](repeating: "", count: n)
            var planted = [UInt8](repeating: 0, count: n)
            var used = [Bool](repeating: false, count: n)
            // trigger phrases: 1–2 of them, each [context] trigger [context] with 1–3 tokens
            if toxic {
                for _ in 0..<(1 + (r.uniformDouble() < 0.3 ? 1 : 0)) {
                    var phrase: [String] = []
                    if r.uniformDouble() < 0.5 { phrase.append(lex.context[r.int(below: lex.context.count)]) }
                    phrase.append(lex.triggers[draw(triggerCDF, &r)])
                    if r.uniformDouble() < 0.4 { phrase.append(lex.context[r.int(below: lex.context.count)]) }
                    // a free stretch for it
                    for _ in 0..<50 {
                        let s = r.int(below: n - phrase.count + 1)
                        if (s..<(s + phrase.count)).allSatisfy({ !used[$0] })
                            && (s == 0 || !used[s - 1]) && (s + phrase.count == n || !used[s + phrase.count])
                        {
                            for (k, w) in phrase.enumerated() {
                                tokens[s + k] = w
                                planted[s + k] = 1
                                used[s + k] = true
                            }
                            break
                        }
                    }
                }
            }
            var targets: [String] = []
            if r.uniformDouble() < (toxic ? rho : 1 - rho) {
                let c = lex.communities[r.int(below: lex.communities.count)]
                targets.append(c)
                let free = (0..<n).filter { !used[$0] && ($0 == 0 || !used[$0 - 1]) && ($0 == n - 1 || !used[$0 + 1]) }
                if let s = free.isEmpty ? nil : free[r.int(below: free.count)] {
                    tokens[s] = c
                    used[s] = true
                }
            }
            for j in 0..<n where !used[j] {
                // non-toxic posts may hold context words (they are not cues), never triggers
                if r.uniformDouble() < 0.05 {
                    tokens[j] = lex.context[r.int(below: lex.context.count)]
                } else {
                    tokens[j] = lex.fillers[draw(cdf, &r)]
                }
            }
            var rationales: [[UInt8]] = []
            if toxic {
                let spans = planted.withUnsafeBufferPointer { Span.runs($0) }
                for _ in 0..<annotators {
                    var m = [UInt8](repeating: 0, count: n)
                    for s in spans {
                        for j in s.start..<s.end where r.uniformDouble() < keep { m[j] = 1 }
                        if r.uniformDouble() < widen {
                            let j = r.uniformDouble() < 0.5 ? s.start - 1 : s.end
                            if j >= 0 && j < n { m[j] = 1 }
                        }
                    }
                    // an annotator who calls a post toxic marks at least one word (HateXplain requires it)
                    if !m.contains(1), let j = planted.firstIndex(of: 1) { m[j] = 1 }
                    rationales.append(m)
                }
            }
            out.append(
                Post(
                    id: "s\(seed)-\(i)", tokens: tokens, label: toxic ? 1 : 0, rationales: rationales,
                    targets: targets, planted: planted))
        }
        return Corpus(out)
    }
}
