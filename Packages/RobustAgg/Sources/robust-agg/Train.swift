import ArgumentParser
import DistributedCLI
import FjordCLI

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Byzantine training: the last f of --workers are Byzantine, the rule aggregates, the attack corrupts.",
        discussion: """
            As `learn train`, with the workers' gradients aggregated by --rule and the last f workers' rows replaced \
            each step by --attack (computed from that step's honest gradients: an omniscient attacker), or, for \
            label-flip, the Byzantine workers training on labels y → C−1−y. --partition one-class gives MixTailor's \
            non-iid setting. With --backend mpi the same runs one process per worker.

            The gradients can travel quantized: --scheme (default none, float32) takes every codec of `quant train`, \
            so one run is quantized and Byzantine-robust at once; the report counts the bytes actually sent.

            Examples:
              robust-agg train --data digits --workers 12 -f 2 --rule mixtailor --attack tailored-pool --partition one-class
              robust-agg train --data digits --workers 12 -f 2 --rule median --attack alie --scheme nuq --bits 4
            """)

    @OptionGroup var options: DistributedTrainingOptions

    func run() throws { try options.run(tool: "robust-agg train", scheme: .none, rule: .median) }
}
