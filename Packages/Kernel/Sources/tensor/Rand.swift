import ArgumentParser
import FjordCLI
import Kernel

struct Rand: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write seeded random float32 arrays.",
        discussion: """
            Philox4x32-10 counter-based draws: array k of the stream uses substream k of --seed, so the same \
            seed gives the same bytes whatever --threads and whatever --count.
              normal:  loc + scale·N(0,1)         (Box–Muller)
              laplace: loc + scale·Laplace(0,1)   (inverse CDF; heavy-tailed gradients)
              uniform: low + (high-low)·U[0,1)
            Example: tensor rand --shape 16,1000000 --seed 7 | quant encode --scheme nuq --bits 4
            """)

    @Option(help: "Shape of each array, e.g. 16,1000 (empty for a scalar).") var shape: String
    @Option(help: "Number of arrays.") var count = 1
    @Option(help: "Distribution.") var dist = RNG.Distribution.normal
    @Option(help: "Seed.") var seed: UInt64 = 0
    @Option(help: "Location (normal, laplace).") var loc: Double = 0
    @Option(help: "Scale: std for normal, b for laplace.") var scale: Double = 1
    @Option(help: "Lower end (uniform).") var low: Double = 0
    @Option(help: "Upper end (uniform).") var high: Double = 1
    @OptionGroup var threads: ThreadOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if count < 0 { throw ValidationError("--count must be ≥ 0") }
        if !(scale >= 0) || !scale.isFinite { throw ValidationError("--scale must be finite and ≥ 0") }
        if !(high >= low) { throw ValidationError("--high must be ≥ --low") }
    }

    func run() throws {
        try runTool("tensor rand") {
            let dims = try ListParse.shape(shape)
            try Memory.require(Tensor.elementCount(dims), for: "--shape \(shape) (float32)")
            let d = dist
            let base = RNG(seed: seed)
            let (a, b): (Float, Float) = d == .uniform ? (Float(low), Float(high - low)) : (Float(loc), Float(scale))
            try output.write { sink in
                let w = NpyWriter(sink)
                for k in 0..<count {
                    var g = base.substream(UInt64(k))
                    var t = g.tensor(dims, d, threads: threads.count)
                    if a != 0 || b != 1 {
                        t.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] = a + b * p[i] } }
                    }
                    try w.write(t)
                }
            }
        }
    }
}
