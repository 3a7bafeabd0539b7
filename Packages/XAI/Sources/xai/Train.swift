import ArgumentParser
import FjordCLI
import Kernel
import XAI

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train an attention classifier with Supervised Rational Attention: cross-entropy + λ·alignment.",
        discussion: """
            The classifier's [CLS] output depends on the other tokens only through its last layer's attention (one \
            layer: faithful by construction; --layers 2 adds a full self-attention layer below). The alignment term \
            compares the [CLS] row of head --align-head of layer --align-layer (0-based) with a target built from the \
            annotators' rationales; --lambda 0 is plain attention. Training goes through Learn's loop with Adam \
            (cosine schedule). The model file (safetensors) carries the vocabulary and the settings.
            SRA's paper leaves the loss, λ and the head's indexing unstated (BERT layer 8, head 7 on its model card): \
            the defaults here are ours, see the XAI README.
            Example: xai train train.jsonl --lambda 1 --align kl --save sra.safetensors --test test.jsonl --truth planted
            """)

    @Argument(help: ArgumentHelp("Training posts (JSON Lines; - for stdin).", valueName: "POSTS")) var input = "-"
    @Option(help: "λ, the alignment term's weight (0: plain attention).") var lambda: Float = 1
    @Option(help: "Alignment loss.") var align = AlignmentLoss.kl
    @Option(help: "Supervised attention layer, 0-based (default: the last).") var alignLayer: Int?
    @Option(help: "Supervised head, 0-based.") var alignHead = 0
    @Option(help: "Alignment targets of class-0 posts.") var negatives = NegativeTargets.uniform
    @Option(help: "Rationales the alignment term trains towards.") var rationaleSource = RationaleSource.annotators
    @Option(help: "Model width.") var dim = 32
    @Option(help: "Attention heads per layer.") var heads = 2
    @Option(help: "Attention layers (1 or 2).") var layers = 1
    @Option(help: "Passes over the training posts.") var epochs = 20
    @Option(help: "Posts per step.") var batch = 32
    @Option(help: "Adam's learning rate (cosine decay to a twentieth).") var lr: Float = 3e-3
    @Option(help: "Seed of the initialisation and the batches.") var seed: UInt64 = 0
    @Option(help: ArgumentHelp("Vocabulary file (default: every word of the training posts).", valueName: "FILE"))
    var vocab: String?
    @Option(help: ArgumentHelp("Write the model to FILE (safetensors).", valueName: "FILE")) var save: String?
    @Option(help: ArgumentHelp("Evaluate on these posts after training (in the report).", valueName: "POSTS"))
    var test: String?
    @OptionGroup var rules: RuleOptions
    @Flag(help: "Skip malformed lines (reported on stderr) instead of stopping at the first.") var skipBad = false
    @Option(help: ArgumentHelp("Write the report as JSON to FILE (default: stderr).", valueName: "FILE")) var json:
        String?
    @Flag(help: "No progress bar.") var quiet = false

    func validate() throws {
        if !(lambda >= 0 && lambda.isFinite) { throw ValidationError("--lambda must be a finite number ≥ 0") }
        if !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be > 0") }
        if layers < 1 || layers > 2 { throw ValidationError("--layers must be 1 or 2") }
        if dim < 1 || heads < 1 || dim % heads != 0 {
            throw ValidationError("--dim must be a positive multiple of --heads")
        }
        if epochs < 1 || batch < 1 { throw ValidationError("--epochs and --batch must be ≥ 1") }
        if alignHead < 0 || alignHead >= heads { throw ValidationError("--align-head must be in 0..<\(heads)") }
        if let l = alignLayer, l < 0 || l >= layers { throw ValidationError("--align-layer must be in 0..<\(layers)") }
    }

    func run() throws {
        try runTool("xai train") {
            let train = try readCorpus(input, skipBad: skipBad)
            let v: Vocabulary
            if let vocab {
                v = try Vocabulary.parse(String(decoding: try readInput(vocab), as: UTF8.self), name: vocab)
            } else {
                v = try Vocabulary.build(train.posts.map(\.tokens))
            }
            var s = SRASettings()
            s.dim = dim
            s.heads = heads
            s.layers = layers
            s.lambda = lambda
            s.alignment = align
            s.layer = alignLayer
            s.head = alignHead
            s.negatives = negatives
            s.source = rationaleSource
            s.epochs = epochs
            s.batch = batch
            s.learningRate = lr
            s.seed = seed
            var shape = ClassifierShape(vocabulary: v.count, classes: max(2, train.classCount))
            shape.dim = dim
            shape.heads = heads
            shape.layers = layers
            let c = AttentionClassifier(shape, seed: seed)
            let bar = ProgressBar("xai train", total: max(1, epochs * train.posts.count / batch), quiet: quiet)
            let r = try SRATraining.train(c, corpus: train, vocabulary: v, settings: s) { _, l in
                bar.advance(note: "loss \(formatNumber(l))")
            }
            bar.finish()
            if let save { try ModelFile.save(c, vocabulary: v, settings: s, to: save) }
            var report: [String: JSON] = [
                "settings": .object(s.json), "posts": .number(Double(train.posts.count)),
                "vocabulary": .number(Double(v.count)), "parameters": .number(Double(c.model.parameterCount)),
                "steps": .number(Double(r.steps)), "seconds": .number(r.seconds), "final_loss": .number(r.finalLoss),
            ]
            if let test {
                var rr = try rules.rules
                rr.head = alignHead
                rr.layer = alignLayer
                let e = try Evaluation.run(c, corpus: try readCorpus(test, skipBad: skipBad), vocabulary: v, rules: rr)
                report["test"] = e.json
                report["conventions"] = .object(rr.json)
            }
            try writeReport(.object(report), to: json)
        }
    }
}

/// A corpus from JSON Lines; skipped lines are reported on stderr, one each.
func readCorpus(_ path: String, skipBad: Bool) throws(FjordError) -> Corpus {
    let (c, skipped) = try Corpus.parse(try readInput(path), name: path == "-" ? "stdin" : path, skipBad: skipBad)
    for m in skipped { printError("xai: skipped \(m)") }
    return c
}
