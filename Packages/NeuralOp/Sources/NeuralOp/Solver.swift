import Kernel
import Synchronization

/// A seeded generator of trajectories on a periodic grid: one initial condition per sample, then `frames` snapshots
/// (the first is the initial condition) of `fields` fields.
public protocol Solver: Sendable {
    var fields: Int { get }
    var grid: [Int] { get }
    /// Refuses settings that cannot run (an unstable time step, a grid too small), with a one-line usage message.
    func check() throws(FjordError)
    /// One sample's trajectory, frames × fields × grid points, from its own random stream. Throws `.data` when
    /// the run goes unstable (a CFL number above the scheme's limit, a non-finite value), naming the time.
    func trajectory(frames: Int, rng: inout RNG) throws(FjordError) -> [Float]
    /// The trajectory from a given initial frame (fields × grid points).
    func run(initial: [Float], frames: Int) throws(FjordError) -> [Float]
}

/// Runs a solver over many samples on several threads; sample s draws from `RNG(seed).substream(s)`, so the bytes
/// do not depend on the thread count.
public enum Simulation {
    public static func run(
        _ solver: any Solver, samples: Int, frames: Int, seed: UInt64, threads: Int = 1,
        progress: (@Sendable (Int) -> Void)? = nil
    ) throws(FjordError) -> Trajectories {
        try solver.check()
        let frameSize = solver.fields * solver.grid.reduce(1, *)
        try Memory.require(
            Tensor.elementCount([samples, frames, frameSize]), for: "\(samples) samples of \(frames) frames")
        let base = RNG(seed: seed)
        return try perSample(solver, samples: samples, frames: frames, threads: threads, name: "simulation") {
            s throws(FjordError) in
            var rng = base.substream(UInt64(s))
            defer { progress?(s) }
            return try solver.trajectory(frames: frames, rng: &rng)
        }
    }

    /// Runs a solver from given initial frames, [samples, fields, grid…] (finite values, the solver's grid).
    public static func run(
        _ solver: any Solver, initial: Tensor, name: String, frames: Int, threads: Int = 1
    ) throws(FjordError) -> Trajectories {
        try solver.check()
        guard initial.rank == solver.grid.count + 2, Array(initial.shape.dropFirst()) == [solver.fields] + solver.grid
        else {
            throw .data(
                "\(name): shape \(initial.shape), expected [samples, \(solver.fields)\(solver.grid.map { ", \($0)" }.joined())]"
            )
        }
        if initial.withUnsafeBufferPointer({ $0.contains { !$0.isFinite } }) {
            throw .data("\(name): a value is not finite")
        }
        let size = solver.fields * solver.grid.reduce(1, *)
        let source = initial.scalars
        return try perSample(solver, samples: initial.shape[0], frames: frames, threads: threads, name: name) {
            s throws(FjordError) in
            try solver.run(initial: Array(source[(s * size)..<((s + 1) * size)]), frames: frames)
        }
    }
}

extension Simulation {
    /// Sample s's trajectory from `one(s)` for every sample, on several threads, into one tensor; the first failing
    /// sample's error, with its index, is thrown after all have run.
    static func perSample(
        _ solver: any Solver, samples: Int, frames: Int, threads: Int, name: String,
        _ one: @escaping @Sendable (Int) throws(FjordError) -> [Float]
    ) throws(FjordError) -> Trajectories {
        let size = solver.fields * solver.grid.reduce(1, *)
        var out = Tensor(uninitializedShape: [samples, frames, solver.fields] + solver.grid)
        let failures = Failures()
        out.withUnsafeMutableBufferPointer { buffer in
            let dst = UnsafeSendablePointer(buffer.baseAddress!)
            forEachChunk(count: samples, width: 1, threads: threads) { _, r in
                for s in r {
                    do throws(FjordError) {
                        (dst.pointer + s * frames * size).update(from: try one(s), count: frames * size)
                    } catch {
                        failures.add(s, error)
                    }
                }
            }
        }
        if let (s, e) = failures.first { throw FjordError.data("sample \(s): \(e.message)") }
        return try Trajectories(out, name: name)
    }
}

/// The failures of a parallel loop, by sample index.
final class Failures: Sendable {
    private let list = Mutex<[(Int, FjordError)]>([])
    func add(_ s: Int, _ e: FjordError) { list.withLock { $0.append((s, e)) } }
    var first: (Int, FjordError)? { list.withLock { $0.min { $0.0 < $1.0 } } }
}
