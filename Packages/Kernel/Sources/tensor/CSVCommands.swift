import ArgumentParser
import FjordCLI
import Kernel

struct FromCSV: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "from-csv",
        abstract: "Read numeric CSV text into one 2-D array.",
        discussion: """
            Every row must have the same number of numeric fields; blank lines are skipped; an error names the \
            line and column. --columns keeps some columns (indices and ranges as in tensor select).
            Example: zcat digits.csv.gz | tensor from-csv --columns 64 --dtype i8 > labels.npy
            """)

    @Argument(help: ArgumentHelp("CSV text (default: stdin).", valueName: "FILE")) var input = "-"
    @Option(help: "Field delimiter (one character; 'tab' for a tab).") var delimiter = ","
    @Option(help: "Lines to skip at the top (headers).") var skipRows = 0
    @Option(help: "Columns to keep, e.g. ':64' or '0,3,5:7'.") var columns: String?
    @Option(help: "Output dtype.") var dtype = "f4"
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runTool("tensor from-csv") {
            let delim: UInt8
            if delimiter == "tab" {
                delim = 0x09
            } else {
                guard delimiter.utf8.count == 1 else {
                    throw FjordError.usage("--delimiter must be one ASCII character")
                }
                delim = delimiter.utf8.first!
            }
            guard let (dt, _) = DType.parse(descr: dtype) else {
                throw FjordError.usage("--dtype '\(dtype)' is not a dtype")
            }
            let src = try ByteSource.open(path: input)
            let bytes = try src.readAll()
            if bytes.isEmpty { throw FjordError.noInput("\(src.name): empty input (expected CSV text)") }
            let limit: Double =
                dt == .f4 ? Double(Float.greatestFiniteMagnitude) : dt == .f2 ? 65504 : .greatestFiniteMagnitude
            let (rows, cols, values) = try CSV.parseNumeric(
                bytes, delimiter: delim, skipRows: skipRows, name: src.name, limit: limit)
            if rows == 0 { throw FjordError.noInput("\(src.name): no rows of numbers (only blank or skipped lines)") }
            var keep = Array(0..<cols)
            if let c = columns { keep = try ListParse.indices(c, count: cols, option: "--columns") }
            var out = [Double]()
            out.reserveCapacity(rows * keep.count)
            for r in 0..<rows { for c in keep { out.append(values[r * cols + c]) } }
            // A single column index (not a range or list) gives a 1-D array, as numpy's a[:, 3] does.
            let single = columns.map { !$0.contains(":") && !$0.contains(",") } ?? false
            let a = NpyArray(doubles: out, shape: single ? [rows] : [rows, keep.count], dtype: dt)
            try output.write { try NpyWriter($0).write(a) }
        }
    }
}

struct ToCSV: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "to-csv",
        abstract: "Write each array of a stream as CSV text (1-D: one column; N-D: first axis as rows).",
        discussion: """
            Floats print in the shortest form that reads back to the same value; integer dtypes print as integers. \
            Arrays of a stream are separated by a blank line.
            Example: tensor rand --shape 3,4 | tensor to-csv
            """)

    @OptionGroup var input: InputOptions
    @Option(help: "Field delimiter.") var delimiter = ","
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runTool("tensor to-csv") {
            try output.write(binary: false) { sink in
                try input.forEach { i, a in
                    if i > 0 { try sink.write("\n") }
                    let v = a.doubles()
                    let cols = a.shape.count <= 1 ? 1 : a.shape.dropFirst().reduce(1, *)
                    let rows = cols == 0 ? 0 : v.count / cols
                    let integer = !a.dtype.isFloat
                    var text = ""
                    for r in 0..<rows {
                        for c in 0..<cols {
                            if c > 0 { text += delimiter }
                            let x = v[r * cols + c]
                            text +=
                                a.dtype == .f4 || a.dtype == .f2
                                ? floatText(x, integer) : CSV.format(x, integer: integer)
                        }
                        text += "\n"
                        if text.utf8.count > 1 << 16 {
                            try sink.write(text)
                            text = ""
                        }
                    }
                    try sink.write(text)
                }
            }
        }
    }

    /// float32 values print in float32's own shortest form (0.1, not 0.10000000149011612).
    private func floatText(_ x: Double, _ integer: Bool) -> String {
        let f = Float(x)
        if f.isNaN { return "nan" }
        if f.isInfinite { return f > 0 ? "inf" : "-inf" }
        return "\(f)"
    }
}
