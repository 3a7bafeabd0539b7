import Kernel
import Learn

/// A trained operator on disk: a safetensors file with one tensor per parameter block ("fourier0.spectral.weight",
/// …), Adam's moments ("optimizer.m", "optimizer.v"), and in its metadata "neural-op" a JSON object with the
/// architecture, the field scaling, the training settings and the steps taken — everything `rollout`, `eval` and
/// `train --resume` need. Loadable with Python's `safetensors.numpy.load_file`.
public struct OperatorCheckpoint: Sendable {
    public var config: FNOConfig
    public var scaling: FieldScaling
    public var settings: OperatorTrainingSettings
    /// Optimizer steps taken.
    public var step: Int

    public init(config: FNOConfig, scaling: FieldScaling, settings: OperatorTrainingSettings, step: Int) {
        self.config = config
        self.scaling = scaling
        self.settings = settings
        self.step = step
    }

    var json: JSON {
        let c = config, s = settings
        func ints(_ v: [Int]) -> JSON { .array(v.map { .number(Double($0)) }) }
        func floats(_ v: [Float]) -> JSON { .array(v.map { .number(Double($0)) }) }
        return .object([
            "architecture": .string(c.architecture.rawValue), "fields": .number(Double(c.fields)), "grid": ints(c.grid),
            "frames_in": .number(Double(c.inputFrames)), "frames_out": .number(Double(c.outputFrames)),
            "modes": ints(c.modes), "width": .number(Double(c.width)), "layers": .number(Double(c.layers)),
            "padding": .number(Double(c.padding)), "projection": .number(Double(c.projection)),
            "mean": floats(scaling.mean), "std": floats(scaling.std),
            "steps": .number(Double(s.steps)), "batch": .number(Double(s.batch)), "lr": .number(Double(s.rate)),
            "weight_decay": .number(Double(s.weightDecay)), "decay_every": .number(Double(s.decayEvery)),
            "gamma": .number(Double(s.gamma)), "seed": .string(String(s.seed)), "step": .number(Double(step)),
        ])
    }

    /// Writes the model, this description and the optimizer's state, atomically.
    public func save(_ model: Sequential, optimizer: (any Optimizer)?, to path: String) throws(FjordError) {
        try Checkpoint.save(model, to: path, metadata: ["neural-op": json.serialized], optimizer: optimizer?.state)
    }

    /// Reads a checkpoint, rebuilds its model with the saved parameters, and returns the saved optimizer state.
    /// Throws `.data` (exit 65) for a file that is not a neural-op checkpoint or whose tensors do not fit it.
    public static func load(
        _ path: String, threads: Int = 1
    ) throws(FjordError) -> (
        OperatorCheckpoint, Sequential, OptimizerState?
    ) {
        let st = try Safetensors.read(path: path)
        guard let text = st.metadata["neural-op"] else {
            throw .data("\(path): not a neural-op checkpoint (no 'neural-op' metadata)")
        }
        let j = try JSON.parse(text, what: "\(path) metadata")
        func int(_ k: String) throws(FjordError) -> Int {
            guard let v = j[k]?.intValue else { throw .data("\(path): metadata '\(k)' is missing or not an integer") }
            return v
        }
        func ints(_ k: String) throws(FjordError) -> [Int] {
            guard let a = j[k]?.arrayValue else { throw .data("\(path): metadata '\(k)' is missing") }
            var out: [Int] = []
            for v in a {
                guard let i = v.intValue else { throw .data("\(path): metadata '\(k)' is not a list of integers") }
                out.append(i)
            }
            return out
        }
        func floats(_ k: String) throws(FjordError) -> [Float] {
            guard let a = j[k]?.arrayValue else { throw .data("\(path): metadata '\(k)' is missing") }
            var out: [Float] = []
            for v in a {
                guard let d = v.doubleValue, d.isFinite else {
                    throw .data("\(path): metadata '\(k)' is not a list of numbers")
                }
                out.append(Float(d))
            }
            return out
        }
        func number(_ k: String) throws(FjordError) -> Float {
            guard let d = j[k]?.doubleValue, d.isFinite else { throw .data("\(path): metadata '\(k)' is not a number") }
            return Float(d)
        }
        guard let a = j["architecture"]?.stringValue, let arch = Architecture(rawValue: a) else {
            throw .data("\(path): unknown architecture in the metadata")
        }
        let config = FNOConfig(
            architecture: arch, fields: try int("fields"), grid: try ints("grid"), inputFrames: try int("frames_in"),
            outputFrames: try int("frames_out"), modes: try ints("modes"), width: try int("width"),
            layers: try int("layers"), padding: try int("padding"), projection: try int("projection"))
        if let p = config.problem { throw .data("\(path): \(p)") }
        let scaling = FieldScaling(mean: try floats("mean"), std: try floats("std"))
        guard scaling.mean.count == config.fields, scaling.std.count == config.fields,
            scaling.std.allSatisfy({ $0 > 0 })
        else { throw .data("\(path): the field scaling does not fit \(config.fields) fields") }
        var settings = OperatorTrainingSettings(steps: try int("steps"), batch: try int("batch"))
        settings.rate = try number("lr")
        settings.weightDecay = try number("weight_decay")
        settings.decayEvery = try int("decay_every")
        settings.gamma = try number("gamma")
        guard let seed = j["seed"]?.stringValue.flatMap({ UInt64($0) }) else {
            throw .data("\(path): bad seed in the metadata")
        }
        settings.seed = seed
        let model = config.makeModel(threads: threads)
        _ = try Checkpoint.load(path, into: model)
        let state = try Checkpoint.optimizerState(path)
        return (
            OperatorCheckpoint(config: config, scaling: scaling, settings: settings, step: try int("step")), model,
            state
        )
    }
}
