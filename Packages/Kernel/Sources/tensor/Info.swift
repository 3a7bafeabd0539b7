import ArgumentParser
import FjordCLI
import Kernel

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print shape, dtype and statistics of each array of a stream.",
        discussion: """
            One line per array: index, shape, dtype, min, max, mean, std (population) and NaN count. \
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
                    try out.write(
                        padded("#", 4) + padded("shape", 18) + padded("dtype", 7) + padded("min", 13)
                            + padded("max", 13)
                            + padded("mean", 13) + padded("std", 13) + "nan\n")
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
                    try out.write(
                        padded("\(i)", 4) + padded(shape, 18) + padded(dt, 7) + padded(formatNumber(s.min), 13)
                            + padded(formatNumber(s.max), 13)
                            + padded(formatNumber(s.mean), 13) + padded(formatNumber(s.std), 13) + "\(s.nanCount)\n")
                }
            }
        }
    }
}
