import ArgumentParser
import FjordCLI
import Kernel
import Learn
import LearnCLI

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train an MLP, data-parallel over --workers (simulated threads, or MPI processes).",
        discussion: """
            Each step every worker takes --batch rows of its own partition, computes its gradient, and all workers \
            exchange gradients (allgather), average them and step the same optimizer: synchronous data-parallel \
            SGD. Summary on stderr; --report FILE writes it as JSON; --save writes a safetensors checkpoint.

            Optimizers: sgd (with --momentum: heavy ball; with --early-momentum E: SGDEM, momentum for the first \
            E steps only), adam (--weight-decay as L2), adamw (decoupled decay). --worker-momentum β makes each \
            worker send its own momentum instead of its gradient.

            Example:
              learn train --data digits --hidden 64,32 --optimizer sgd --lr 0.1 --momentum 0.9 --epochs 40
            """)

    @OptionGroup var options: TrainingOptions

    func run() throws { try options.run(tool: "learn train") }
}
