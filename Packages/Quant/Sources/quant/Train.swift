import ArgumentParser
import DistributedCLI
import FjordCLI

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Data-parallel training where every worker sends its quantized, Elias-coded gradient.",
        discussion: """
            As `learn train`, with each worker's gradient quantized by --scheme (qsgd, qsgdinf, nuq, terngrad, or \
            alq/amq, whose levels are refitted from the worker's recent gradients at steps 100 and 2000, then every \
            10000, as in the ALQ paper) and sent as its encoded message; the report counts the bytes actually sent. \
            --scheme none sends float32 (the full-precision baseline). --layerwise normalises and quantizes each \
            parameter block (weights, biases of each layer) on its own.

            The same run can be Byzantine-robust: --rule aggregates the decoded gradients (default mean), and -f with \
            --attack makes the last f workers Byzantine, exactly as in `robust-agg train` (which is this command with \
            --scheme none and --rule median by default).

            Examples:
              quant train --data digits --workers 4 --scheme nuq --bits 4 --epochs 30
              quant train --data digits --workers 12 --scheme nuq --bits 4 --rule median -f 2 --attack alie
              mpirun -np 4 quant train --backend mpi --scheme qsgdinf --bits 4   (build with --traits MPI)
            """)

    @OptionGroup var options: DistributedTrainingOptions

    func run() throws { try options.run(tool: "quant train", scheme: .nuq, rule: .mean) }
}
