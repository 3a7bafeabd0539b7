import Kernel
import Learn

/// The hyper-parameters that fix an operator's shape; stored in every checkpoint so `rollout` and `eval` rebuild it.
public struct FNOConfig: Sendable, Equatable, Codable {
    public var architecture: Architecture
    /// Physical fields per frame (1 for vorticity or Burgers; 3 for shallow water: η, u, v).
    public var fields: Int
    /// Spatial grid (1 or 2 axes).
    public var grid: [Int]
    public var inputFrames: Int
    public var outputFrames: Int
    /// Kept modes per spectral axis (space, then time for fno3d and fnotd); see ``ModeSet``.
    public var modes: [Int]
    public var width: Int
    public var layers: Int
    /// Zero padding at the end of the time axis (fno3d, fnotd) or of every spatial axis (fno).
    public var padding: Int
    /// Hidden width of the projection Q (128 in the original scripts).
    public var projection: Int

    public init(
        architecture: Architecture, fields: Int, grid: [Int], inputFrames: Int, outputFrames: Int, modes: [Int],
        width: Int = 32, layers: Int = 4, padding: Int = 0, projection: Int = 128
    ) {
        self.architecture = architecture
        self.fields = fields
        self.grid = grid
        self.inputFrames = inputFrames
        self.outputFrames = outputFrames
        self.modes = modes
        self.width = width
        self.layers = layers
        self.padding = padding
        self.projection = projection
    }

    /// Axes the spectral convolutions transform.
    public var spectralAxes: Int { grid.count + (architecture.spaceTime ? 1 : 0) }

    /// The grid the spectral convolutions see, padding included.
    public var spectralGrid: [Int] {
        switch architecture {
        case .fno: grid.map { $0 + padding }
        case .fno3d: grid + [outputFrames + padding]
        case .fnotd: grid + [inputFrames + padding]
        }
    }

    /// The model's input channels before the coordinates, and its output channels.
    public var channels: (input: Int, output: Int) {
        switch architecture {
        case .fno: (fields * inputFrames, fields * outputFrames)
        case .fno3d: (fields * inputFrames, fields)
        case .fnotd: (fields, fields)
        }
    }

    /// Why this configuration cannot be built, or nil (a one-line message for a usage error).
    public var problem: String? {
        if !(1...2).contains(grid.count) || grid.contains(where: { $0 < 2 || $0 > 4096 }) {
            return "the grid must have 1 or 2 axes of 2…4096 points, not \(grid)"
        }
        if fields < 1 || fields > 64 { return "fields must be in 1…64, not \(fields)" }
        if inputFrames < 1 || outputFrames < 1 || inputFrames > 1000 || outputFrames > 1000 {
            return "frames in and out must be in 1…1000"
        }
        if architecture == .fnotd && inputFrames != outputFrames {
            return "fnotd maps a window of frames to the next window of as many: give --frames-out = --frames-in"
        }
        if width < 1 || width > 1024 || layers < 1 || layers > 64 || projection < 1 || projection > 4096 {
            return "width must be in 1…1024, layers in 1…64, projection in 1…4096"
        }
        if padding < 0 || padding > 1024 { return "padding must be in 0…1024" }
        if modes.count != spectralAxes {
            return
                "\(architecture.rawValue) on a \(grid.count)-D grid needs \(spectralAxes) mode counts, not \(modes.count)"
        }
        return ModeSet.problem(modes: modes, grid: spectralGrid)
    }

    /// The model: coordinates → lifting P → padding → Fourier layers (GELU between) → crop → Q = C→128→GELU→out.
    public func makeModel(seed: UInt64 = 0, threads: Int = 1) -> Sequential {
        precondition(problem == nil, problem ?? "")
        let d = spectralAxes
        var layers: [any Layer] = [GridCoordinates(axes: d), ChannelLinear(channels.input + d, width)]
        var names = ["grid", "lift"]
        let pad: [Int] =
            architecture == .fno ? [Int](repeating: padding, count: d) : [Int](repeating: 0, count: d - 1) + [padding]
        if padding > 0 {
            layers.append(EndPadding(pad))
            names.append("pad")
        }
        for l in 0..<self.layers {
            let block = FourierBlock(width: width, modes: modes, activation: l < self.layers - 1)
            block.spectral.threads = threads
            layers.append(block)
            names.append("fourier\(l)")
        }
        if padding > 0 {
            layers.append(EndPadding(pad, remove: true))
            names.append("crop")
        }
        layers += [ChannelLinear(width, projection), Activation(.gelu), ChannelLinear(projection, channels.output)]
        names += ["project1", "act", "project2"]
        return Sequential(layers, names: names, seed: seed)
    }
}
