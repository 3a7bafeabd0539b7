import ArgumentParser
import DistributedCLI
import FjordCLI
import Kernel
import Quant

/// `quant`: stochastic gradient quantization (QSGD, QSGDinf, NUQSGD, TernGrad, custom/learned levels) that
/// really encodes to Elias-coded bits.
@main
struct QuantTool: FjordTool {
    static let configuration = CommandConfiguration(
        commandName: "quant",
        abstract: "Quantize gradients to Elias-coded bit streams, measure their variance, decode them.",
        discussion: """
            Examples:
              tensor rand --shape 16,1000000 | quant encode --scheme nuq --bits 4 | quant decode | tensor info
              tensor rand --shape 8192 --count 4 | quant variance --bits 3,4,8
            Conventions: b bits = 1 sign bit + (b−1) magnitude bits, i.e. 2^(b−1) levels including 0 (the papers' \
            convention; the papers' reference code uses signed levels without 0, see the package README).
            """,
        version: fjordVersion,
        subcommands: [
            Encode.self, Decode.self, Variance.self, Gradients.self, FitLevels.self, Train.self, Reproduce.self,
        ])
}

/// The scheme options shared by encode and variance.
struct SchemeOptions: ParsableArguments {
    @Option(help: "Quantization scheme (ignored with --levels).") var scheme = Scheme.nuq
    @Option(help: "Bits per coordinate budget b: 2^(b−1) levels including 0.") var bits = 4
    @Option(help: "Coordinates per bucket (each bucket has its own norm).") var bucket = 8192
    @Option(
        help: ArgumentHelp(
            "Levels from a .npy (magnitudes from 0 to 1, e.g. written by fit-levels).", valueName: "FILE"))
    var levels: String?
    @Option(help: "Norm for --levels.") var norm = NormKind.l2
    @Option(help: "Elias code of the message bodies.") var code = EliasCode.omega
    @Flag(help: "Pack level indices at a fixed ⌈log₂(2K−1)⌉ bits (b bits at b-bit schemes) instead of Elias codes.")
    var fixedWidth = false

    func validate() throws {
        if bucket < 1 || bucket > 1 << 26 { throw ValidationError("--bucket must be between 1 and 2^26") }
    }

    func quantizer() throws(FjordError) -> (Quantizer, EncodedGradient.SchemeID) {
        if let path = levels {
            guard let a = try NpyReader(path: path).next() else { throw .noInput("\(path): no array") }
            let l = try LevelSet(a.tensor().scalars)
            return (Quantizer(levels: l, norm: norm, bucketSize: bucket), .custom)
        }
        return (try scheme.quantizer(bits: bits, bucketSize: bucket), scheme.id)
    }
}
