/// Colour maps for heatmaps: piecewise-linear interpolation between anchor colours in sRGB.
///
/// `viridis` (sequential, perceptually uniform, colour-blind safe; van der Walt & Smith, matplotlib 2.0)
/// is given by its nine standard anchors; `coolwarm` (diverging, Moreland 2009) by five, symmetric
/// around a neutral grey, for signed data; `gray` for plain intensity.
public enum Colormap: String, CaseIterable, Sendable {
    case viridis, coolwarm, gray

    var anchors: [(UInt8, UInt8, UInt8)] {
        switch self {
        case .viridis:
            return [
                (68, 1, 84), (72, 40, 120), (62, 73, 137), (49, 104, 142), (38, 130, 142),
                (31, 158, 137), (53, 183, 121), (109, 205, 89), (253, 231, 37),
            ]
        case .coolwarm:
            return [(59, 76, 192), (141, 176, 254), (221, 221, 221), (244, 154, 123), (180, 4, 38)]
        case .gray:
            return [(0, 0, 0), (255, 255, 255)]
        }
    }

    /// Whether the map is meant for signed data centred on zero.
    public var isDiverging: Bool { self == .coolwarm }

    /// Entries of ``table``: odd, so that t = 0.5 (zero on a diverging map) has an entry of its own.
    public static let tableSize = 257

    /// A lookup table of RGB colours for t = i / (tableSize - 1).
    public var table: [(UInt8, UInt8, UInt8)] {
        let a = anchors
        return (0..<Colormap.tableSize).map { i in
            let t = Double(i) / Double(Colormap.tableSize - 1) * Double(a.count - 1)
            let k = min(Int(t), a.count - 2)
            let f = t - Double(k)
            func mix(_ x: UInt8, _ y: UInt8) -> UInt8 { UInt8((Double(x) * (1 - f) + Double(y) * f).rounded()) }
            return (mix(a[k].0, a[k + 1].0), mix(a[k].1, a[k + 1].1), mix(a[k].2, a[k + 1].2))
        }
    }

    /// The colour for `t` in [0, 1] (clamped); NaN maps to magenta so it stands out.
    public func color(_ t: Double) -> (UInt8, UInt8, UInt8) {
        if t.isNaN { return (255, 0, 255) }
        let i = Int((min(max(t, 0), 1) * Double(Colormap.tableSize - 1)).rounded())
        return table[i]
    }

    /// `#rrggbb` for SVG.
    public func hex(_ t: Double) -> String {
        let (r, g, b) = color(t)
        return "#"
            + [r, g, b].map { v in
                let s = String(v, radix: 16)
                return s.count == 1 ? "0" + s : s
            }.joined()
    }
}
