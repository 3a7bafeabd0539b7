import CRobust
import Exchange
import Kernel
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Krum and Multi-Krum (Blanchard et al., NeurIPS 2017): score(i) = Σ of the distances from x_i to its k nearest
/// other rows; Krum returns the row of least score, Multi-Krum the mean of the m least (ties: lowest index).
/// Defaults are the paper's: k = n − f − 2 and squared ℓ2 distances (Flower, MixTailor's count; byzfl uses
/// n − f − 1). MixTailor's pool uses unsquared ℓp distances, p = 1…16 (`p:`, `squared: false`).
public struct KrumRule: AggregationRule {
    public var f: Int
    public var m: Int
    public var neighbours: Neighbours
    public var p: Double
    public var squared: Bool
    /// Inside Bulyan's selection rounds the remaining set shrinks below 2f + 3; like Flower, use
    /// k = max(1, n − f − 2) there instead of refusing.
    public var relaxed = false
    public enum Neighbours: String, Sendable { case paper, byzfl }

    public init(f: Int, m: Int = 1, neighbours: Neighbours = .paper, p: Double = 2, squared: Bool = true) {
        self.f = f
        self.m = m
        self.neighbours = neighbours
        self.p = p
        self.squared = squared
    }

    public var name: String { (m == 1 ? "krum" : "multi-krum(m=\(m))") + (p != 2 || !squared ? "(l\(Int(p)))" : "") }

    /// Scores of every row and the order of rows by score (ties by index).
    public func scores(_ stack: Tensor) throws(FjordError) -> [Double] {
        let (n, _) = try checkShape(stack, rule: name)
        guard relaxed || n > 2 * f + 2 else { throw .usage("\(name): needs n > 2f + 2, got n = \(n), f = \(f)") }
        let dist = p == 2 && squared ? squaredDistances(stack) : lpDistances(stack, p: p).map { squared ? $0 * $0 : $0 }
        try refuseNonFinite(stack, rule: name, unlessFinite: dist)  // the distances are the NaN/inf check
        return scores(distances: dist, n: n, rows: Array(0..<n))
    }

    /// Scores of the rows `rows` among themselves, from the n×n distance matrix of a larger stack (as the rule
    /// would score the sub-stack of those rows; Bulyan's selection rounds reuse one matrix this way).
    func scores(distances dist: [Double], n: Int, rows: [Int]) -> [Double] {
        let m = rows.count
        let k = min(m - 1, max(1, neighbours == .paper ? m - f - 2 : m - f - 1))
        return rows.map { i in
            var row = rows.filter { $0 != i }.map { dist[i * n + $0] }
            row.sort()
            return row[0..<k].reduce(0, +)
        }
    }

    public func selected(_ stack: Tensor) throws(FjordError) -> [Int] {
        let s = try scores(stack)
        guard m >= 1 && m <= s.count else { throw .usage("\(name): m must be between 1 and n = \(s.count)") }
        return Array(s.indices.sorted { s[$0] != s[$1] ? s[$0] < s[$1] : $0 < $1 }.prefix(m))
    }

    public mutating func aggregate(_ stack: Tensor, rng: inout RNG) throws(FjordError) -> Tensor {
        meanOfRows(stack, try selected(stack))
    }
}

extension KrumRule: RowBounded {
    public func accepts(rows n: Int) -> Bool { relaxed || n > 2 * f + 2 }
}
