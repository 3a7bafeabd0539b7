import ArgumentParser
import FjordCLI
import Kernel

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print shape, dtype and statistics of each array of a stream.",
        discussion: """
        One line per array: index, shape, dtype, min, max, mean, std (population) and NaN count.
        Statistics skip NaNs and are computed in double precision over float32 values.
        Example: tensor rand --shape 16,1000 --count 3 | tensor info
        """)

    @OptionGroup var input: InputOptions
    @Flag(help: "One JSON object per array instead of the table.") var json = false

    func run() throws {
        try runTool("tensor info") {
            let out = ByteSink(fd: 1, name: "stdout")
            try input.forEach { i, a in
                if i == 0 && !json {
                    try out.write(pad("#", 4) + pad("shape", 18) + pad("dtype", 7) + pad("min", 13) + pad("max", 13)
                                  + pad("mean", 13) + pad("std", 13) + "nan\n")
                }
                let s = Stats(a.tensor())
                let shape = "(" + a.shape.map(String.init).joined(separator: ", ") + (a.shape.count == 1 ? ",)" : ")")
                let dt = a.header.dtype.descr(littleEndian: a.header.littleEndian) + (a.header.fortranOrder ? " F" : "")
                if json {
                    var o = s.json.objectValue!
                    o["index"] = .number(Double(i))
                    o["shape"] = .array(a.shape.map { .number(Double($0)) })
                    o["dtype"] = .string(a.header.dtype.rawValue)
                    try out.write(JSON.object(o).serialized + "\n")
                } else {
                    try out.write(pad("\(i)", 4) + pad(shape, 18) + pad(dt, 7) + pad(num(s.min), 13) + pad(num(s.max), 13)
                                  + pad(num(s.mean), 13) + pad(num(s.std), 13) + "\(s.nanCount)\n")
                }
            }
        }
    }
}

func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s + " " : s + String(repeating: " ", count: w - s.count) }

/// A number in at most 6 significant digits, for tables.
func num(_ v: Double) -> String {
    if v.isNaN { return "nan" }
    if v.isInfinite { return v > 0 ? "inf" : "-inf" }
    if v == 0 { return "0" }
    let a = Swift.abs(v)
    if a >= 1e6 || a < 1e-4 {
        var e = 0
        var m = a
        while m >= 10 { m /= 10; e += 1 }
        while m < 1 { m *= 10; e -= 1 }
        let ms = String(Double(Int((m * 1e4).rounded())) / 1e4)
        return (v < 0 ? "-" : "") + ms + "e" + String(e)
    }
    let digits = max(0, 5 - Int(log10Floor(a)))
    let p = pow10(digits)
    var s = String(Double((v * p).rounded()) / p)
    if s.hasSuffix(".0") { s.removeLast(2) }
    return s
}

private func log10Floor(_ a: Double) -> Double {
    var e = 0.0
    var m = a
    while m >= 10 { m /= 10; e += 1 }
    while m < 1 { m *= 10; e -= 1 }
    return e
}

private func pow10(_ k: Int) -> Double { var p = 1.0; for _ in 0..<k { p *= 10 }; return p }
