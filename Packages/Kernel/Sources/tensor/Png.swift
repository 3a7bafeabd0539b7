import ArgumentParser
import FjordCLI
import Kernel

struct Png: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render 2-D arrays (or batches of them) as a PNG heatmap grid.",
        discussion: """
            Each 2-D array is one tile; an array of shape (b, h, w) gives b tiles; 1-D arrays are one-row tiles. \
            All tiles share one colour scale: the data's finite range, ±max|x| for the diverging coolwarm map, \
            or --vmin/--vmax. NaN shows magenta.
            Example: tensor rand --shape 6,32,32 | tensor png --cmap coolwarm --scale 4 -o fields.png
            """)

    @OptionGroup var input: InputOptions
    @Option(help: "Colour map.") var cmap = Colormap.viridis
    @Option(help: "Pixels per element.") var scale = 1
    @Option(help: "Value at the bottom of the colour map.") var vmin: Double?
    @Option(help: "Value at the top of the colour map.") var vmax: Double?
    @Option(help: "Tiles per row (default: a near-square grid).") var columns: Int?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if scale < 1 || scale > 64 { throw ValidationError("--scale must be between 1 and 64") }
        if (vmin == nil) != (vmax == nil) { throw ValidationError("give both --vmin and --vmax, or neither") }
        if let lo = vmin, let hi = vmax, !(hi > lo) { throw ValidationError("--vmax must be greater than --vmin") }
        if let c = columns, c < 1 { throw ValidationError("--columns must be ≥ 1") }
    }

    func run() throws {
        try runTool("tensor png") {
            var tiles: [Tensor] = []
            try input.forEach { i, a in
                let t = a.tensor()
                switch t.rank {
                case 1: tiles.append(t.reshaped([1, t.count]))
                case 2: tiles.append(t)
                case 3:
                    let (b, h, w) = (t.shape[0], t.shape[1], t.shape[2])
                    for k in 0..<b {
                        let tile = t.withUnsafeBufferPointer { Array($0[(k * h * w)..<((k + 1) * h * w)]) }
                        tiles.append(Tensor(shape: [h, w], values: tile))
                    }
                default:
                    throw FjordError.data(
                        "\(input.name): array \(i) has shape \(a.shape); png takes 1-D, 2-D or (b, h, w) arrays")
                }
            }
            guard let s0 = tiles.first?.shape, tiles.allSatisfy({ $0.shape == s0 }) else {
                throw FjordError.data("\(input.name): tiles differ in shape; png draws tiles of one shape")
            }
            guard s0[0] * scale <= 16384, s0[1] * scale <= 16384, tiles.count <= 4096 else {
                throw FjordError.data(
                    "\(input.name): image too large (\(tiles.count) tiles of \(s0) at scale \(scale))")
            }
            var h = Heatmap(colormap: cmap, scale: scale)
            if let lo = vmin, let hi = vmax { h.range = lo...hi }
            h.columns = columns
            let bytes = try h.png(tiles)
            try output.write { try $0.write(bytes) }
        }
    }
}
