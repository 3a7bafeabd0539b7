import ArgumentParser
import FjordCLI
import Kernel
import Learn

/// `learn`: train and evaluate models with Fjord's training core, on one or many (simulated or MPI) workers.
@main
struct LearnTool: FjordTool {
    static let configuration = CommandConfiguration(
        commandName: "learn",
        abstract: "Train MLPs data-parallel on bundled or .npy data; export the bundled data sets.",
        discussion: """
            Examples:
              learn train --data digits --hidden 32 --optimizer adam --lr 0.01 --epochs 30
              learn train --data digits --workers 4 --partition dirichlet:0.3 --save model.safetensors
              mpirun -np 4 learn train --backend mpi --data digits          (build with: swift build --traits MPI)
              learn data digits | tensor info
            """,
        version: fjordVersion,
        subcommands: [Train.self, DataCommand.self, Eval.self])
}
