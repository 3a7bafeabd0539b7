import CRobust
import Exchange
import Kernel
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Bulyan (El Mhamdi, Guerraoui, Rouault, ICML 2018): select θ = n − 2f rows by repeating a selection rule
/// (Krum by default) on the rows not yet selected, each time taking the row nearest (ℓ2) to the rule's output;
/// then per coordinate average the β = θ − 2f selected values closest to their median. Needs n ≥ 4f + 3.
/// MixTailor's variants combine a selection rule and a final rule from {krum, geomed, median, mean}; with
/// `paperCode` their rules are as MixTailor's code has them: Krum with unsquared ℓ2 distances and the lower median
/// (torch.median) wherever a median is taken.
public struct BulyanRule: AggregationRule {
    public var f: Int
    public var selection: String
    public var final: String
    public var paperCode: Bool
    public init(f: Int, selection: String = "krum", final: String = "closest-to-median", paperCode: Bool = false) {
        self.f = f
        self.selection = selection
        self.final = final
        self.paperCode = paperCode
    }
    public var name: String {
        selection == "krum" && final == "closest-to-median" ? "bulyan" : "bulyan(\(selection),\(final))"
    }

    func rule(_ s: String, f: Int) throws(FjordError) -> any AggregationRule {
        switch s {
        case "krum": return KrumRule(f: f, squared: !paperCode)
        case "geomed": return GeometricMedianRule()
        case "median": return MedianRule(lower: paperCode)
        case "mean": return MeanRule()
        default: throw .usage("bulyan: unknown rule '\(s)' (krum, geomed, median, mean)")
        }
    }

    public mutating func aggregate(_ stack: Tensor, rng: inout RNG) throws(FjordError) -> Tensor {
        let (n, d) = try checkStack(stack, rule: name)
        guard n >= 4 * f + 3 else { throw .usage("bulyan: needs n ≥ 4f + 3, got n = \(n), f = \(f)") }
        let theta = n - 2 * f, beta = theta - 2 * f
        var remaining = Array(0..<n)
        var chosen: [Int] = []
        // Krum selection: one distance matrix for all θ rounds, each scoring the remaining rows among themselves
        let dist =
            selection != "krum"
            ? [] : paperCode ? squaredDistances(stack).map { $0.squareRoot() } : squaredDistances(stack)
        while chosen.count < theta {
            let pick: Int
            if selection == "krum" {
                var k = KrumRule(f: f, squared: !paperCode)
                k.relaxed = true
                let s = k.scores(distances: dist, n: n, rows: remaining)
                pick = s.indices.min { s[$0] != s[$1] ? s[$0] < s[$1] : $0 < $1 }!
            } else {
                let sub = selectRows(stack, remaining)
                var r = try rule(selection, f: f)
                pick = nearestRow(sub, try r.aggregate(sub, rng: &rng))
            }
            chosen.append(remaining.remove(at: pick))
        }
        let s = selectRows(stack, chosen)
        switch final {
        case "closest-to-median":
            var out = Tensor(uninitializedShape: [d])
            var scratch = [Float](repeating: 0, count: fjr_closest_to_median_scratch(theta))
            s.withUnsafeBufferPointer { v in
                out.withUnsafeMutableBufferPointer { o in
                    scratch.withUnsafeMutableBufferPointer {
                        fjr_closest_to_median_mean(v.baseAddress, theta, d, beta, o.baseAddress, $0.baseAddress)
                    }
                }
            }
            return out
        default:
            var r = try rule(final, f: f)
            return try r.aggregate(s, rng: &rng)
        }
    }
}

extension BulyanRule: RowBounded {
    public func accepts(rows n: Int) -> Bool { n >= 4 * f + 3 }
}
