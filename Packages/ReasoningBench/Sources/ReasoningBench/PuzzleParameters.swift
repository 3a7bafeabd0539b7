import Kernel

/// The three load axes of a CogniLoad puzzle.
///
/// - `N`: statements (length; germane load).
/// - `d`: intrinsic difficulty: d categories, max(d, 2) people, up to d conditions and d updates per statement,
///   d+1 values per category (3 when d = 1).
/// - `rho`: needle percentage, the share of statements about the person of interest (extraneous load: lower ρ = more
///   distractors). Needles k = clamp(round(N·ρ/100), 1, N), with the rounding of `rounding` (see ``NeedleRounding``).
public struct PuzzleParameters: Hashable, Sendable, CustomStringConvertible {
    public var N: Int
    public var d: Int
    public var rho: Double
    public var rounding: NeedleRounding

    public static let dRange = 1...12
    public static let rhoRange = 0.0...100.0
    public static let maxN = 100_000

    public init(N: Int, d: Int, rho: Double, rounding: NeedleRounding = .official) throws(FjordError) {
        guard N >= 1, N <= Self.maxN else { throw .usage("N = \(N) is out of range: allowed 1…\(Self.maxN)") }
        guard Self.dRange.contains(d) else { throw .usage("d = \(d) is out of range: allowed 1…12") }
        guard rho.isFinite, Self.rhoRange.contains(rho) else {
            throw .usage(
                "rho = \(rho) is out of range: allowed 0…100 (percent of statements about the person of interest)")
        }
        self.N = N
        self.d = d
        self.rho = rho
        self.rounding = rounding
    }

    /// Needle count k.
    public var needles: Int {
        let x = Double(N) * rho / 100
        return min(N, max(1, Int(rounding == .official ? x.rounded(.toNearestOrEven) : x.rounded())))
    }

    /// The paper's grid: N ∈ {20, 50, 100, 250} × ρ ∈ {5, 10, 25, 50, 75, 90, 95} × d ∈ {1, 3, 5, 7, 10}.
    public static let paperGrid: [PuzzleParameters] = paperGrid(rounding: .official)

    /// The paper's grid with needle counts rounded by `rounding`.
    public static func paperGrid(rounding: NeedleRounding) -> [PuzzleParameters] {
        var g: [PuzzleParameters] = []
        for n in [20, 50, 100, 250] {
            for r in [5.0, 10, 25, 50, 75, 90, 95] {
                for d in [1, 3, 5, 7, 10] {
                    g.append(
                        valid { () throws(FjordError) in
                            try PuzzleParameters(N: n, d: d, rho: r, rounding: rounding)
                        })
                }
            }
        }
        return g
    }

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

/// How k = N·ρ/100 is rounded to a needle count. The two official generators disagree at halves that round down to
/// even: on the paper's grid (N, ρ) = (50, 5), (50, 25), (250, 5) and (250, 25) give 2, 12, 12 and 62 needles with
/// `official` and 3, 13, 13 and 63 with `halfAway` (37.5, 47.5, 187.5 and 237.5 round up either way).
public enum NeedleRounding: String, CaseIterable, Sendable {
    /// Halves to even, as Python's `round` in the official `cogniload.py`.
    case official
    /// Halves away from zero, as Elixir's `round/1` in the official `cogniload.exs` (Fjord's first rule; records without `params.rounding` use it).
    case halfAway = "half-away"
}
