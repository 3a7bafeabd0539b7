import Kernel

/// Training pairs cut from standardised trajectories: each row is a window start (sample s, frame t), its input the
/// frames t ..< t + T_in and its target the next T_out frames, both in the model's layout (``Layout``).
public struct OperatorData: Sendable {
    public let trajectories: Trajectories
    public let config: FNOConfig
    public let starts: [Start]

    public struct Start: Sendable, Equatable {
        public var sample: Int
        public var frame: Int
    }

    /// Every start of the listed samples whose window fits, every `stride` frames. Throws `.data` when the
    /// trajectories do not fit the configuration (fields, grid) or are too short for one window.
    public init(_ t: Trajectories, config: FNOConfig, samples: Range<Int>? = nil, stride: Int = 1) throws(FjordError) {
        guard t.fields == config.fields else {
            throw .data("the trajectories have \(t.fields) fields per frame, the model \(config.fields)")
        }
        guard t.grid.count == config.grid.count else {
            throw .data("the trajectories are on a \(t.grid.count)-D grid, the model on a \(config.grid.count)-D one")
        }
        if let p = ModeSet.problem(modes: config.modes, grid: config.spectralGrid(for: t.grid)) {
            throw .data("the trajectories' grid \(t.grid) cannot carry the model's modes: \(p)")
        }
        let span = config.inputFrames + config.outputFrames
        guard t.frames >= span else {
            throw .data("trajectories of \(t.frames) frames are shorter than one window of \(span)")
        }
        trajectories = t
        self.config = config
        var s: [Start] = []
        for sample in samples ?? 0..<t.samples {
            for frame in Swift.stride(from: 0, through: t.frames - span, by: max(stride, 1)) {
                s.append(Start(sample: sample, frame: frame))
            }
        }
        starts = s
    }

    public var count: Int { starts.count }

    func rows(_ batch: [Int], offset: Int) -> [(sample: Int, frame: Int)] {
        batch.map { (starts[$0].sample, starts[$0].frame + offset) }
    }

    /// The model input of the listed rows.
    public func input(_ batch: [Int]) -> Tensor {
        Layout.input(trajectories.window(samples: rows(batch, offset: 0), count: config.inputFrames), config)
    }

    /// The targets of the listed rows, in the model's output layout.
    public func target(_ batch: [Int]) -> Tensor {
        Layout.target(
            trajectories.window(samples: rows(batch, offset: config.inputFrames), count: config.outputFrames), config)
    }
}

extension FNOConfig {
    /// The spectral grid for data on `grid` (a model evaluates on other resolutions than it was built for).
    public func spectralGrid(for grid: [Int]) -> [Int] {
        var c = self
        c.grid = grid
        return c.spectralGrid
    }
}
