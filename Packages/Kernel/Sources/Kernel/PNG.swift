import CPNG

/// PNG output through libpng's simplified write API, and heatmaps of 2-D data.
public enum PNG {
    /// Encodes an 8-bit RGB image (`rgb.count == width*height*3`, rows top to bottom) as PNG bytes.
    public static func encodeRGB(_ rgb: [UInt8], width: Int, height: Int) throws(FjordError) -> [UInt8] {
        precondition(rgb.count == width * height * 3, "RGB buffer does not match \(width)×\(height)")
        guard width > 0, height > 0, width <= 1 << 24, height <= 1 << 24 else {
            throw .data("PNG size \(width)×\(height) is out of range")
        }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = UInt32(PNG_FORMAT_RGB)
        var size: Int = 0
        let ok1 = rgb.withUnsafeBytes { p in
            png_image_write_get_memory_size_helper(&image, &size, p.baseAddress!)
        }
        guard ok1 != 0, size > 0 else { throw .io("PNG encoding failed (size query)") }
        var out = [UInt8](repeating: 0, count: size)
        let ok2 = out.withUnsafeMutableBytes { o in
            rgb.withUnsafeBytes { p in
                png_image_write_to_memory(&image, o.baseAddress, &size, 0, p.baseAddress, Int32(width * 3), nil)
            }
        }
        guard ok2 != 0 else { throw .io("PNG encoding failed") }
        out.removeLast(out.count - size)
        return out
    }

    /// libpng's version string, e.g. "1.6.39".
    public static var libraryVersion: String { String(cString: png_get_libpng_ver(nil)) }

    private static func png_image_write_get_memory_size_helper(
        _ image: inout png_image, _ size: inout Int,
        _ buffer: UnsafeRawPointer
    ) -> Int32 {
        // PNG_IMAGE_WRITE_TO_MEMORY with a nil memory pointer reports the needed size.
        png_image_write_to_memory(&image, nil, &size, 0, buffer, 0, nil)
    }
}

/// A heatmap rendering of one or more 2-D fields as a grid of tiles.
public struct Heatmap {
    public var colormap: Colormap = .viridis
    /// Pixels per element (nearest-neighbour upscaling).
    public var scale = 1
    /// Value range mapped onto the colour map; nil means the data's finite min/max
    /// (for a diverging map, ±max|x|, so zero sits at the neutral colour).
    public var range: ClosedRange<Double>?
    /// Tiles per row of the grid; nil chooses a near-square grid.
    public var columns: Int?
    /// Background pixels between tiles.
    public var gap = 2

    public init(colormap: Colormap = .viridis, scale: Int = 1, range: ClosedRange<Double>? = nil) {
        self.colormap = colormap
        self.scale = scale
        self.range = range
    }

    /// Renders `fields` (each of shape [h, w], all the same) into an RGB image; returns pixels and size.
    public func render(_ fields: [Tensor]) -> (rgb: [UInt8], width: Int, height: Int) {
        precondition(
            !fields.isEmpty && fields.allSatisfy { $0.rank == 2 && $0.shape == fields[0].shape },
            "heatmap tiles must be 2-D and of one shape")
        let h = fields[0].shape[0], w = fields[0].shape[1]
        var lo = Double.infinity, hi = -Double.infinity
        if let r = range {
            lo = r.lowerBound
            hi = r.upperBound
        } else {
            for f in fields {
                f.withUnsafeBufferPointer { b in
                    for v in b where v.isFinite {
                        lo = Swift.min(lo, Double(v))
                        hi = Swift.max(hi, Double(v))
                    }
                }
            }
            if !lo.isFinite {
                lo = 0
                hi = 1
            }
            if colormap.isDiverging {
                let m = Swift.max(abs(lo), abs(hi))
                lo = -m
                hi = m
            }
        }
        let span = hi > lo ? hi - lo : 1
        let cols = columns ?? Int(Double(fields.count).squareRoot().rounded(.up))
        let rows = (fields.count + cols - 1) / cols
        let tw = w * scale, th = h * scale
        let width = cols * tw + (cols - 1) * gap, height = rows * th + (rows - 1) * gap
        var rgb = [UInt8](repeating: 255, count: width * height * 3)
        let lut = colormap.table
        for (k, f) in fields.enumerated() {
            let ox = (k % cols) * (tw + gap), oy = (k / cols) * (th + gap)
            f.withUnsafeBufferPointer { b in
                for y in 0..<th {
                    for x in 0..<tw {
                        let v = Double(b[(y / scale) * w + x / scale])
                        let c: (UInt8, UInt8, UInt8)
                        if v.isNaN {
                            c = (255, 0, 255)
                        } else {
                            let t = Swift.min(Swift.max((v - lo) / span, 0), 1)
                            c = lut[Int((t * Double(Colormap.tableSize - 1)).rounded())]
                        }
                        let o = ((oy + y) * width + ox + x) * 3
                        rgb[o] = c.0
                        rgb[o + 1] = c.1
                        rgb[o + 2] = c.2
                    }
                }
            }
        }
        return (rgb, width, height)
    }

    /// PNG bytes of the rendered grid.
    public func png(_ fields: [Tensor]) throws(FjordError) -> [UInt8] {
        let r = render(fields)
        return try PNG.encodeRGB(r.rgb, width: r.width, height: r.height)
    }
}
