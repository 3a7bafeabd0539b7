import ArgumentParser
import FjordCLI
import Kernel

/// `tensor`: the netpbm-style utility every Fjord pipeline uses, over streams of .npy arrays.
@main
struct TensorTool: FjordTool {
    static let configuration = CommandConfiguration(
        commandName: "tensor",
        abstract: "Create, inspect, reshape, convert and picture streams of .npy tensors.",
        discussion: """
            A tensor stream is one or more .npy arrays back to back; a stream holding one array is an \
            ordinary .npy file. Every subcommand reads FILE or stdin and writes stdout or -o FILE.

            Examples:
              tensor rand --shape 4,1000 --seed 1 | tensor info
              tensor rand --shape 3,64,64 --dist laplace | tensor png --cmap coolwarm -o fields.png
              python3 -c 'import numpy as np,sys; np.save(sys.stdout.buffer, np.eye(3))' | tensor cat | tensor info
              zcat digits.csv.gz | tensor from-csv --columns :64 | tensor slice --slice 0:16 | tensor info
            Exit codes: 0 ok, 1 difference over tolerance (diff), 64 usage, 65 bad data, 66 missing or empty input, \
            73 cannot create output, 74 I/O error; a closed output pipe ends the tool quietly (141).
            """,
        version: fjordVersion,
        subcommands: [
            Info.self, Rand.self, Cat.self, Stack.self, Split.self, Select.self, Slice.self, Reshape.self, Convert.self,
            FromCSV.self, ToCSV.self, Diff.self, Png.self, Plot.self, Pack.self, Unpack.self,
        ]
    )
}
