import ArgumentParser
import FjordCLI
import Kernel

/// `vi-opt`: variational-inequality methods (extra-gradient, optimistic, dual extrapolation, Q-GenX) on monotone
/// problems with known solutions.
@main
struct VIOptTool: FjordTool {
    static let configuration = CommandConfiguration(
        commandName: "vi-opt",
        abstract:
            "Solve monotone games and variational inequalities: extra-gradient, optimistic and dual methods, Q-GenX.",
        discussion: """
            Every run writes its metrics as a .npy tensor (one row per recorded iteration), so runs chain with tensor:
              vi-opt solve --problem bilinear --method eg --lr 0.1 --iterations 1000 | tensor to-csv
              vi-opt solve --problem kelly --method dual-x --lr 2 --iterations 5000 -o kelly.npy
              vi-opt solve --problem quadratic --method dual-x --adaptive --workers 4 --scheme nuq --bits 4 -o q.npy
            """,
        version: fjordVersion,
        subcommands: [Solve.self, GAN.self, Reproduce.self, Momentum.self, Overparam.self])
}
