import Kernel
import Exchange

/// MixTailor (Ramezani-Kebrya, Tabrizian, Faghri, Popovski; TMLR 2022): each step draws one rule from a pool,
/// uniformly (or with given probabilities), with the step's shared randomness, so an attacker that knows the
/// pool cannot tailor to the rule actually used. The paper's pool is 64 variants: Krum with unsquared ℓp
/// distances, p = 1…16; 16 coordinate-wise medians; 16 geometric medians; 16 Bulyans, selection × final rule
/// over {krum, geomed, median, mean}². `draws` records which rule each step used.
public struct MixTailorRule: AggregationRule {
    public var pool: [any AggregationRule]
    public var probabilities: [Double]?
    public private(set) var draws: [Int] = []
    public init(pool: [any AggregationRule], probabilities: [Double]? = nil) {
        precondition(!pool.isEmpty, "MixTailor needs a pool")
        precondition(probabilities == nil || probabilities!.count == pool.count, "one probability per rule")
        self.pool = pool
        self.probabilities = probabilities
    }
    public var name: String { "mixtailor(\(pool.count) rules)" }

    /// The paper's 64-rule pool for f Byzantine workers.
    public static func paperPool(f: Int) -> [any AggregationRule] {
        var pool: [any AggregationRule] = []
        for p in 1...16 { pool.append(KrumRule(f: f, p: Double(p), squared: false)) }
        for _ in 0..<16 { pool.append(MedianRule()) }
        for _ in 0..<16 { pool.append(GeometricMedianRule()) }
        for s in ["krum", "geomed", "median", "mean"] {
            for a in ["krum", "geomed", "median", "mean"] { pool.append(BulyanRule(f: f, selection: s, final: a)) }
        }
        return pool
    }

    /// Draws among the pool members defined for the stack's row count: all of them normally; after bucketing
    /// (few rows) Krum and Bulyan may drop out, and the draw is over the rest (probabilities renormalised).
    public mutating func aggregate(_ stack: Tensor, rng: inout RNG) throws(FjordError) -> Tensor {
        let n = stack.shape.first ?? 0
        let eligible = pool.indices.filter { (pool[$0] as? RowBounded)?.accepts(rows: n) ?? true }
        guard !eligible.isEmpty else { throw .usage("mixtailor: no rule of the pool is defined for \(n) rows") }
        let k: Int
        if let p = probabilities {
            let u = rng.uniformDouble() * eligible.reduce(0) { $0 + p[$1] }
            var acc = 0.0
            k = eligible.first { acc += p[$0]; return u < acc } ?? eligible.last!
        } else {
            k = eligible[rng.int(below: eligible.count)]
        }
        draws.append(k)
        var rule = pool[k]
        let out = try rule.aggregate(stack, rng: &rng)
        pool[k] = rule
        return out
    }
}

/// Builds rules and attacks from their command-line names.
public enum RobustAggFactory {
    public static let ruleNames = ["mean", "median", "median-lower", "trimmed-mean", "krum", "multi-krum", "geomed", "bulyan",
                                   "centered-clipping", "mda", "smea", "sign-majority", "mixtailor", "mixtailor-small"]
    public static let attackNames = ["none", "sign-flip", "gaussian", "ipm", "ipm-mixtailor", "alie", "alie-variant", "mimic",
                                     "fang-krum", "fang-trmean", "label-flip", "tailored", "tailored-pool", "adaptive-paper"]

    public struct RuleOptions: Sendable {
        public var f: Int
        public var trim: Int?
        public var m: Int = 2
        public var tau: Double = 100
        public var iterations: Int = 1
        public var nnm = false
        /// Bucketing size s (1 = off): average random buckets of s rows before the rule.
        public var resample = 1
        public var byzflNeighbours = false
        /// Threads for the column-parallel rules (median, trimmed mean, geomed); their results do not depend on it.
        public var threads = 1
        public init(f: Int) { self.f = f }
    }

    public static func rule(_ name: String, _ o: RuleOptions) throws(FjordError) -> any AggregationRule {
        let base: any AggregationRule
        switch name {
        case "mean": base = MeanRule()
        case "median": base = MedianRule(threads: o.threads)
        case "median-lower": base = MedianRule(lower: true, threads: o.threads)
        case "trimmed-mean": base = TrimmedMeanRule(trim: o.trim ?? o.f, threads: o.threads)
        case "krum": base = KrumRule(f: o.f, neighbours: o.byzflNeighbours ? .byzfl : .paper)
        case "multi-krum": base = KrumRule(f: o.f, m: o.m, neighbours: o.byzflNeighbours ? .byzfl : .paper)
        case "geomed": base = GeometricMedianRule(threads: o.threads)
        case "bulyan": base = BulyanRule(f: o.f)
        case "centered-clipping": base = CenteredClippingRule(tau: o.tau, iterations: o.iterations)
        case "sign-majority": base = SignMajorityRule()
        case "mda": base = SubsetRule(f: o.f, criterion: .diameter)
        case "smea": base = SubsetRule(f: o.f, criterion: .eigenvalue)
        case "mixtailor": base = MixTailorRule(pool: MixTailorRule.paperPool(f: o.f))
        case "mixtailor-small":
            base = MixTailorRule(pool: [KrumRule(f: o.f), MedianRule(), GeometricMedianRule(), BulyanRule(f: o.f)])
        default: throw .usage("unknown rule '\(name)'; expected one of \(ruleNames.joined(separator: ", "))")
        }
        let mixed: any AggregationRule = o.nnm ? NNMRule(f: o.f, inner: base) : base
        return o.resample > 1 ? BucketingRule(s: o.resample, inner: mixed) : mixed
    }

    /// The attack; `targetRule` names the rule a tailored attack optimises against.
    public static func attack(_ name: String, epsilon: Double, sigma: Double, f: Int, targetRule: String,
                              ruleOptions: RuleOptions) throws(FjordError) -> (any ByzantineAttack)? {
        switch name {
        case "none": return nil
        case "label-flip": return LabelFlipAttack()
        case "sign-flip": return SignFlipAttack()
        case "gaussian": return GaussianAttack(sigma: sigma)
        case "ipm": return IPMAttack(epsilon: epsilon)
        case "ipm-mixtailor": return IPMAttack(epsilon: epsilon, mixtailor: true)
        case "alie": return ALIEAttack()
        case "alie-variant": return ALIEAttack(variant: .variant)
        case "mimic": return MimicAttack()
        case "fang-krum": return FangKrumAttack()
        case "fang-trmean": return FangTrimmedMeanAttack()
        case "tailored":
            return TailoredAttack(targets: [try rule(targetRule, ruleOptions)])
        case "tailored-pool":
            return TailoredAttack(targets: [KrumRule(f: f), MedianRule(), GeometricMedianRule(), BulyanRule(f: f)])
        case "adaptive-paper":
            return PaperAdaptiveAttack(targets: [KrumRule(f: f), MedianRule(), GeometricMedianRule(), BulyanRule(f: f)])
        default: throw .usage("unknown attack '\(name)'; expected one of \(attackNames.joined(separator: ", "))")
        }
    }
}
