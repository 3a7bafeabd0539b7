import ArgumentParser
import FjordCLI
import Kernel

struct Pack: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pack the arrays of a stream into one safetensors file.",
        discussion: """
            Names come from --names (comma-separated, one per array) or default to t0, t1, …. Data is written \
            little-endian in C order; the file loads with the Python safetensors package.
            Example: tensor rand --shape 10,5 --count 2 | tensor pack --names weight,bias -o model.safetensors
            """)

    @OptionGroup var input: InputOptions
    @Option(help: "Tensor names, one per array.") var names: String?
    @Option(help: "Metadata entries key=value, comma-separated.") var metadata: String?
    @Option(name: .shortAndLong, help: ArgumentHelp("Output file.", valueName: "FILE")) var output: String

    func run() throws {
        try runTool("tensor pack") {
            let arrays = try input.readAll()
            var keys = arrays.indices.map { "t\($0)" }
            if let n = names {
                keys = n.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                guard keys.count == arrays.count else {
                    throw FjordError.usage("--names gives \(keys.count) names for \(arrays.count) arrays")
                }
                guard Set(keys).count == keys.count, !keys.contains(""), !keys.contains("__metadata__") else {
                    throw FjordError.usage("--names must be distinct, non-empty and not __metadata__")
                }
            }
            var st = Safetensors(tensors: Array(zip(keys, arrays)).map { (name: $0.0, array: $0.1) })
            for kv in (metadata ?? "").split(separator: ",") {
                let p = kv.split(separator: "=", maxSplits: 1).map(String.init)
                guard p.count == 2 else { throw FjordError.usage("--metadata entry '\(kv)' is not key=value") }
                st.metadata[p[0]] = p[1]
            }
            try st.write(path: output)
        }
    }
}

struct Unpack: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the tensors of a safetensors file as a stream, in file order.",
        discussion: """
            --list prints name, dtype and shape of each tensor (and the metadata) instead.
            Example: tensor unpack model.safetensors --name weight | tensor info
            """)

    @Argument(help: ArgumentHelp("safetensors file (- for stdin).", valueName: "FILE")) var input: String
    @Option(help: "Tensor names to write, comma-separated (default: all).") var name: String?
    @Flag(help: "List the tensors instead of writing them.") var list = false
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runTool("tensor unpack") {
            let st = try Safetensors.read(path: input)
            if list {
                let out = ByteSink(fd: 1, name: "stdout")
                for (n, a) in st.tensors { try out.write("\(n)\t\(a.dtype.rawValue)\t\(a.shape)\n") }
                for k in st.metadata.keys.sorted() { try out.write("__metadata__\t\(k)=\(st.metadata[k]!)\n") }
                return
            }
            var chosen = st.tensors
            if let n = name {
                let want = n.split(separator: ",").map(String.init)
                chosen = try want.map { (w) throws(FjordError) in
                    guard let a = st[w] else {
                        throw FjordError.usage(
                            "\(input): no tensor named '\(w)' (have \(st.tensors.map(\.name).joined(separator: ", ")))")
                    }
                    return (name: w, array: a)
                }
            }
            try output.write { sink in
                let w = NpyWriter(sink)
                for (_, a) in chosen { try w.write(a) }
            }
        }
    }
}
