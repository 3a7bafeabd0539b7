import Exchange
import Kernel

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

    /// The paper's 64-rule pool for f Byzantine workers. With `code`, as the paper's code builds it
    /// (`mixtailor-code`): its medians are torch.median's lower median for even n, and the Krum inside its Bulyans
    /// uses unsquared ℓ2 distances; by default medians average the two middle values (numpy) and Bulyan's Krum is
    /// the Blanchard et al. one (squared distances).
    public static func paperPool(f: Int, code: Bool = false) -> [any AggregationRule] {
        var pool: [any AggregationRule] = []
        for p in 1...16 { pool.append(KrumRule(f: f, p: Double(p), squared: false)) }
        for _ in 0..<16 { pool.append(MedianRule(lower: code)) }
        for _ in 0..<16 { pool.append(GeometricMedianRule()) }
        for s in ["krum", "geomed", "median", "mean"] {
            for a in ["krum", "geomed", "median", "mean"] {
                pool.append(BulyanRule(f: f, selection: s, final: a, paperCode: code))
            }
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
            k =
                eligible.first {
                    acc += p[$0]
                    return u < acc
                } ?? eligible.last!
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
