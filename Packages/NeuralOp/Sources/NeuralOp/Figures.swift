import Kernel

/// The pictures of `eval` and `reproduce`: SVG error-against-horizon and spectra plots, PNG field panels.
public enum Figures {
    /// Relative L2 error against the frame index, one line per model, log scale.
    public static func errors(
        lead: [Int], errors: [(String, [Double])], title: String = "", to path: String
    ) throws(FjordError) {
        var plot = SVGPlot(title: title, xLabel: "frame (lead time)", yLabel: "relative L2 error")
        plot.logY = true
        for (label, e) in errors {
            let kept = zip(lead, e).filter { $0.1.isFinite && $0.1 > 0 }
            plot.series.append(SVGPlot.Series(label: label, x: kept.map { Double($0.0) }, y: kept.map { $0.1 }))
        }
        try AtomicFile.write(plot.render(), to: path)
    }

    /// Radially averaged power spectra E(k), log–log, k ≥ 1.
    public static func spectra(_ spectra: [(String, [Double])], title: String = "", to path: String) throws(FjordError)
    {
        var plot = SVGPlot(title: title, xLabel: "wavenumber k (cycles per domain)", yLabel: "power E(k)")
        plot.logX = true
        plot.logY = true
        for (label, e) in spectra {
            let kept = e.enumerated().filter { $0.offset >= 1 && $0.element > 0 && $0.element.isFinite }
            plot.series.append(
                SVGPlot.Series(label: label, x: kept.map { Double($0.offset) }, y: kept.map { $0.element }))
        }
        try AtomicFile.write(plot.render(), to: path)
    }

    /// Field 0 of the first sample at `frame`: truth | prediction (one colour scale) | error (diverging, its own).
    public static func frames(
        truth: Trajectories, prediction: Trajectories, frame: Int, to path: String
    ) throws(FjordError) {
        try AtomicFile.write(try panel(truth: truth, prediction: prediction, frame: frame), to: path)
    }

    public static func panel(
        truth: Trajectories, prediction: Trajectories, frame: Int, sample: Int = 0
    ) throws(FjordError) -> [UInt8] {
        let grid = truth.grid
        guard grid.count == 2 else { throw .data("field panels need a 2-D grid, not \(grid)") }
        let n = grid[0] * grid[1]
        func plane(_ t: Trajectories) -> Tensor {
            let base = ((sample * t.frames + frame) * t.fields) * n
            return Tensor(shape: grid, values: Array(t.values.scalars[base..<(base + n)]))
        }
        let (a, b) = (plane(truth), plane(prediction))
        let err = Tensor(shape: grid, values: zip(b.scalars, a.scalars).map { $0 - $1 })
        let lo = Double(a.scalars.min()!), hi = Double(a.scalars.max()!)
        let scale = max(1, 256 / max(grid[0], grid[1]))
        var fieldsMap = Heatmap(colormap: .viridis, scale: scale, range: lo...max(hi, lo + 1e-12))
        fieldsMap.columns = 2
        let left = fieldsMap.render([a, b])
        let right = Heatmap(colormap: .coolwarm, scale: scale).render([err])
        let gap = 6, width = left.width + gap + right.width, height = max(left.height, right.height)
        var rgb = [UInt8](repeating: 255, count: width * height * 3)
        for y in 0..<left.height {
            for x in 0..<left.width {
                for c in 0..<3 { rgb[(y * width + x) * 3 + c] = left.rgb[(y * left.width + x) * 3 + c] }
            }
        }
        for y in 0..<right.height {
            for x in 0..<right.width {
                for c in 0..<3 {
                    rgb[(y * width + left.width + gap + x) * 3 + c] = right.rgb[(y * right.width + x) * 3 + c]
                }
            }
        }
        return try PNG.encodeRGB(rgb, width: width, height: height)
    }
}
