import ArgumentParser
import FjordCLI
import Kernel
import Quant

struct Variance: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Normalized variance of each scheme on each array: sampled, exact, bound, and bits per coordinate.",
        discussion: """
            For every array, scheme and bit budget: the mean of ‖Q(v)−v‖²/‖v‖² over --draws seeded draws, the exact \
            expectation n²Σ(ℓ_{j+1}−r)(r−ℓ_j)/‖v‖², the variance bound ε_Q (L2 schemes; bucket size as the dimension), \
            the expected fraction of nonzeros, and the bits per coordinate of one actually encoded message.
            Example: tensor rand --shape 8192 --dist laplace | quant variance --schemes qsgd,qsgdinf,nuq --bits 3,4,8
            """)

    @OptionGroup var input: InputOptions
    @Option(help: "Schemes, comma-separated.") var schemes = "qsgd,qsgdinf,nuq"
    @Option(help: "Bit budgets, comma-separated.") var bits = "2,3,4,8"
    @Option(help: "Coordinates per bucket.") var bucket = 8192
    @Option(
        help: ArgumentHelp("Also evaluate the levels in this .npy (L2 norm), e.g. from fit-levels.", valueName: "FILE"))
    var levels: String?
    @Option(help: "Sampled draws per configuration.") var draws = 100
    @Option(help: "Seed.") var seed: UInt64 = 0
    @Flag(help: "JSON Lines instead of the table.") var json = false

    func validate() throws {
        if draws < 1 || draws > 100_000 { throw ValidationError("--draws must be between 1 and 100000") }
        if bucket < 1 { throw ValidationError("--bucket must be ≥ 1") }
        for s in schemes.split(separator: ",") where Scheme(rawValue: String(s)) == nil {
            throw ValidationError("unknown scheme '\(s)' in --schemes")
        }
        for b in bits.split(separator: ",") where Int(b).map({ $0 < 2 || $0 > 16 }) ?? true {
            throw ValidationError("--bits entries must be integers from 2 to 16")
        }
    }

    func run() throws {
        try runTool("quant variance") {
            var configs: [(String, Int?, Quantizer)] = []
            for s in schemes.split(separator: ",").map({ Scheme(rawValue: String($0))! }) {
                for b in bits.split(separator: ",").map({ Int($0)! }) {
                    if s == .terngrad && configs.contains(where: { $0.0 == "terngrad" }) { continue }
                    configs.append((s.rawValue, s == .terngrad ? 2 : b, try s.quantizer(bits: b, bucketSize: bucket)))
                }
            }
            if let path = levels {
                guard let a = try NpyReader(path: path).next() else { throw FjordError.noInput("\(path): no array") }
                configs.append(
                    ("levels", nil, Quantizer(levels: try LevelSet(a.tensor().scalars), norm: .l2, bucketSize: bucket)))
            }
            let out = ByteSink(fd: 1, name: "stdout")
            if !json {
                try out.write(
                    padded("#", 3) + padded("scheme", 9) + padded("bits", 5) + padded("levels", 7)
                        + padded("sampled", 12)
                        + padded("exact", 12) + padded("bound", 12) + padded("nonzero", 10) + "bits/coord\n")
            }
            try input.forEach { i, a in
                let v = a.tensor()
                let d = v.count
                let bad = nonFiniteCount(v)
                guard bad == 0 else {
                    throw FjordError.data("\(input.name): array \(i) has \(bad) NaN or infinite values")
                }
                for (name, b, qz) in configs {
                    let exact = v.withUnsafeBufferPointer { qz.exactVariance($0) }
                    guard exact.norm2 > 0 else {
                        throw FjordError.data(
                            "\(input.name): array \(i) is all zeros; its normalized variance is undefined")
                    }
                    var sum = 0.0
                    var firstMessage = 0
                    for k in 0..<draws {
                        let q = try qz.quantize(v, seed: seed, stream: UInt64(k))
                        if k == 0 {
                            firstMessage = EncodedGradient(quantizer: qz, shape: [d], quantized: q).encoded().count
                        }
                        let r = qz.dequantize(q)
                        sum += r.withUnsafeBufferPointer { rp in
                            v.withUnsafeBufferPointer { vp in
                                var s = 0.0
                                for j in 0..<d {
                                    let e = Double(rp[j]) - Double(vp[j])
                                    s += e * e
                                }
                                return s
                            }
                        }
                    }
                    let sampled = sum / Double(draws) / exact.norm2
                    let exactN = exact.variance / exact.norm2
                    let bound = qz.norm == .l2 ? qz.levels.varianceBound(dimension: min(bucket, d)) : Double.nan
                    let bpc = Double(firstMessage * 8) / Double(d)
                    let nz = exact.expectedNonzeros / Double(d)
                    if json {
                        let o: JSON = .object([
                            "array": .number(Double(i)), "scheme": .string(name),
                            "bits": b.map { .number(Double($0)) } ?? .null,
                            "levels": .number(Double(qz.levels.count)), "sampled": .number(sampled),
                            "exact": .number(exactN),
                            "bound": bound.isNaN ? .null : .number(bound), "nonzero_fraction": .number(nz),
                            "bits_per_coordinate": .number(bpc),
                            "draws": .number(Double(draws)), "bucket": .number(Double(bucket)),
                            "dimension": .number(Double(d)),
                        ])
                        try out.write(o.serialized + "\n")
                    } else {
                        try out.write(
                            padded("\(i)", 3) + padded(name, 9) + padded(b.map(String.init) ?? "-", 5)
                                + padded("\(qz.levels.count)", 7)
                                + padded(formatNumber(sampled), 12) + padded(formatNumber(exactN), 12)
                                + padded(bound.isNaN ? "-" : formatNumber(bound), 12) + padded(formatNumber(nz), 10)
                                + formatNumber(bpc) + "\n")
                    }
                }
            }
        }
    }
}
