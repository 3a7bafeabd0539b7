import Kernel

/// The three load axes of a CogniLoad puzzle.
///
/// - `N`: statements (length; germane load).
/// - `d`: intrinsic difficulty: d categories, max(d, 2) people, up to d conditions and d updates per statement,
///   d+1 values per category (3 when d = 1).
/// - `rho`: needle percentage, the share of statements about the person of interest (extraneous load: lower ρ = more
///   distractors). Needles k = clamp(round(N·ρ/100), 1, N), rounding halves away from zero as the Elixir generator
///   that produced the paper's data does (Python's port rounds halves to even: (50, 5) gives 3 here and 2 there).
public struct PuzzleParameters: Hashable, Sendable, CustomStringConvertible {
    public var N: Int
    public var d: Int
    public var rho: Double

    public static let dRange = 1...10
    public static let rhoRange = 0.0...100.0
    public static let maxN = 100_000

    public init(N: Int, d: Int, rho: Double) throws(FjordError) {
        guard N >= 1, N <= Self.maxN else { throw .usage("N = \(N) is out of range: allowed 1…\(Self.maxN)") }
        guard Self.dRange.contains(d) else { throw .usage("d = \(d) is out of range: allowed 1…10") }
        guard rho.isFinite, Self.rhoRange.contains(rho) else {
            throw .usage(
                "rho = \(rho) is out of range: allowed 0…100 (percent of statements about the person of interest)")
        }
        self.N = N
        self.d = d
        self.rho = rho
    }

    /// Needle count k.
    public var needles: Int { min(N, max(1, Int((Double(N) * rho / 100).rounded()))) }

    /// The paper's grid: N ∈ {20, 50, 100, 250} × ρ ∈ {5, 10, 25, 50, 75, 90, 95} × d ∈ {1, 3, 5, 7, 10}.
    public static let paperGrid: [PuzzleParameters] = {
        var g: [PuzzleParameters] = []
        for n in [20, 50, 100, 250] {
            for r in [5.0, 10, 25, 50, 75, 90, 95] {
                for d in [1, 3, 5, 7, 10] {
                    g.append(valid { () throws(FjordError) in try PuzzleParameters(N: n, d: d, rho: r) })
                }
            }
        }
        return g
    }()

    /// ρ as written in ids and tables: "5", "12.5".
    public var rhoText: String { JSON.format(rho) }

    public var description: String { "N=\(N) d=\(d) rho=\(rhoText)" }

    /// The seed of instance `index` at these parameters under `base`.
    public func seed(base: UInt64, index: Int) -> UInt64 {
        instanceSeed(base, UInt64(N), UInt64(d), rho.bitPattern, UInt64(index))
    }

    /// The instance id, "N250-d10-r50-0003".
    public func id(index: Int) -> String {
        let i = String(index)
        return "N\(N)-d\(d)-r\(rhoText)-" + String(repeating: "0", count: max(0, 4 - i.count)) + i
    }
}
