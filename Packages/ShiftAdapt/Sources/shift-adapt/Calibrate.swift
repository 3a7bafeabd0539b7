import ArgumentParser
import FjordCLI
import Kernel
import ShiftAdapt

struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit TS, VS or BCTS on hold-out logits and labels; write calibrated probabilities.",
        discussion: """
            Fits by minimising the hold-out negative log-likelihood (L-BFGS from T = 1, b = 0) and writes the \
            calibrated probabilities of --apply (default: the hold-out logits themselves) as n×m float32 .npy. \
            --probabilities reads probabilities instead of logits (mapped to logits by log p − mean log p, as \
            abstention does). stderr gets the fitted T (or a), b and the NLL before and after.
            Example: shift-adapt calibrate --method bcts --logits val.npy --labels val-y.npy --apply test.npy -o test-p.npy
            """)

    @Option(help: "Calibration.") var method = Calibration.Kind.bcts
    @Option(name: .customLong("logits"), help: ArgumentHelp("Hold-out logits (n×m .npy).", valueName: "FILE"))
    var logitsFile: String
    @Option(help: ArgumentHelp("Hold-out labels (n .npy).", valueName: "FILE")) var labels: String
    @Option(help: ArgumentHelp("Logits to calibrate (default: the hold-out's).", valueName: "FILE")) var apply: String?
    @Flag(help: "The files hold probabilities, not logits.") var probabilities = false
    @OptionGroup var output: OutputOptions

    func run() throws { try runTool("shift-adapt calibrate") { try execute() } }

    func load(_ path: String) throws(FjordError) -> (z: [Double], m: Int) {
        let t = try readOneTensor(path)
        if probabilities {
            let p = try Posteriors(probabilities: t, name: path)
            return (p.inverseSoftmax, p.classes)
        }
        guard t.shape.count == 2, t.shape[1] >= 2 else {
            throw .data("\(path): logits must be an n×m matrix with m ≥ 2, not of shape \(t.shape)")
        }
        guard nonFiniteCount(t) == 0 else { throw .data("\(path): the logits have NaN or infinite entries") }
        return (t.scalars.map(Double.init), t.shape[1])
    }

    func execute() throws {
        let (z, m) = try load(logitsFile)
        let y = try classLabels(try readOneTensor(labels), classes: m, name: labels)
        let c = try Calibration(method, logits: z, labels: y, classes: m)
        var za = z
        if let apply {
            let (z2, m2) = try load(apply)
            guard m2 == m else { throw FjordError.data("\(apply): \(m2) classes, the hold-out has \(m)") }
            za = z2
        }
        let p = c.apply(za)
        try output.write { sink in try NpyWriter(sink).write(p.tensor) }
        let t = c.temperature.map { "T = " + NumberFormat.significant($0) + ", " } ?? ""
        let b = c.bias.map { NumberFormat.significant($0) }.joined(separator: " ")
        printError(
            "shift-adapt calibrate: \(method.rawValue), \(t)b = [\(b)], hold-out NLL \(NumberFormat.significant(c.nll.before)) → \(NumberFormat.significant(c.nll.after)) (\(c.iterations) L-BFGS iterations)"
        )
    }
}
