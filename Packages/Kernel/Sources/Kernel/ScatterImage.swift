#if canImport(Glibc)
    import Glibc
#endif

/// A raster scatter plot of points in a square window [−extent, extent]², drawn as filled discs on white, with
/// optional ring markers and a thin frame; ``png()`` encodes it. Later layers paint over earlier ones.
public struct ScatterImage {
    public let size: Int
    public let extent: Float
    public private(set) var rgb: [UInt8]

    public init(size: Int = 480, extent: Float = 2) {
        precondition(size >= 16 && size <= 8192 && extent > 0)
        self.size = size
        self.extent = extent
        rgb = [UInt8](repeating: 255, count: size * size * 3)
        for k in 0..<size {
            for (x, y) in [(k, 0), (k, size - 1), (0, k), (size - 1, k)] { set(x, y, (170, 170, 170)) }
        }
    }

    /// The pixel of a point (x to the right, y up).
    func pixel(_ x: Float, _ y: Float) -> (Double, Double) {
        let s = Double(size - 1) / (2 * Double(extent))
        return ((Double(x) + Double(extent)) * s, (Double(extent) - Double(y)) * s)
    }

    mutating func set(_ x: Int, _ y: Int, _ c: (UInt8, UInt8, UInt8)) {
        guard x >= 0, y >= 0, x < size, y < size else { return }
        let o = 3 * (y * size + x)
        (rgb[o], rgb[o + 1], rgb[o + 2]) = c
    }

    /// Discs of `radius` pixels at the rows of `points` (flat x, y pairs); non-finite and off-window points are skipped.
    public mutating func points(_ points: [Float], color: (UInt8, UInt8, UInt8), radius: Double = 1.5) {
        let r = Int(radius.rounded(.up))
        for i in stride(from: 0, to: points.count - 1, by: 2) where points[i].isFinite && points[i + 1].isFinite {
            let (px, py) = pixel(points[i], points[i + 1])
            guard px > -radius, py > -radius, px < Double(size) + radius, py < Double(size) + radius else { continue }
            let cx = Int(px.rounded()), cy = Int(py.rounded())
            for dy in -r...r {
                for dx in -r...r where Double(dx * dx + dy * dy) <= radius * radius { set(cx + dx, cy + dy, color) }
            }
        }
    }

    /// A circle of data-space radius `radius` around (x, y), one pixel wide.
    public mutating func ring(_ x: Float, _ y: Float, radius: Float, color: (UInt8, UInt8, UInt8)) {
        let (cx, cy) = pixel(x, y)
        let rp = Double(radius) * Double(size - 1) / (2 * Double(extent))
        let steps = max(16, Int(8 * rp))
        for k in 0..<steps {
            let a = 2 * Double.pi * Double(k) / Double(steps)
            set(Int((cx + rp * cos(a)).rounded()), Int((cy + rp * sin(a)).rounded()), color)
        }
    }

    public func png() throws(FjordError) -> [UInt8] { try PNG.encodeRGB(rgb, width: size, height: size) }
}
