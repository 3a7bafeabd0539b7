import ArgumentParser
import FjordCLI
import Kernel
import XAI

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Explain posts with a trained model: predictions, [CLS] attention, hard rationales, deletion probabilities.",
        discussion: """
            Writes one explanation record per post (JSON Lines, the input of xai metrics): probabilities, the \
            prediction, and for posts whose label is not 0 the attention scores, the hard rationale (--hard) and the \
            predicted class's probability with it deleted, alone and per AOPC bin. --png draws the first posts' \
            attention and rationales as coloured cells; --html writes them as coloured words.
            Example: xai explain sra.safetensors test.jsonl --html view.html | xai metrics --truth planted
            """)

    @Argument(help: ArgumentHelp("Model file from xai train.", valueName: "MODEL")) var model: String
    @Argument(help: ArgumentHelp("Posts (JSON Lines; - for stdin).", valueName: "POSTS")) var input = "-"
    @Option(help: "Attention layer to explain with, 0-based (default: the last).") var layer: Int?
    @Option(help: "Head to explain with (default: the supervised head of the model's settings; -1: mean over heads).")
    var head: Int?
    @OptionGroup var rules: RuleOptions
    @Option(help: ArgumentHelp("Picture of the first posts: attention | rationale cells (PNG).", valueName: "FILE"))
    var png: String?
    @Option(
        help: ArgumentHelp(
            "The first posts as words coloured by attention, rationale underlined (HTML).", valueName: "FILE"))
    var html: String?
    @Option(help: "Posts in the pictures.") var show = 12
    @Flag(help: "Skip malformed lines (reported on stderr).") var skipBad = false
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runTool("xai explain") {
            let (c, v, settings) = try ModelFile.load(model)
            let corpus = try readCorpus(input, skipBad: skipBad)
            var r = try rules.rules
            r.layer = layer
            let trainedHead = settings?["align_head"]?.intValue ?? 0
            r.head = head.map { $0 < 0 ? nil : $0 } ?? trainedHead
            if let h = r.head, h >= c.shape.heads {
                throw FjordError.usage("--head \(h): the model has \(c.shape.heads) heads")
            }
            let records = try Evaluation.records(c, corpus: corpus, vocabulary: v, rules: r)
            if let png { try AtomicFile.write(try Pictures.attentionPNG(records, truth: r, count: show), to: png) }
            if let html {
                try AtomicFile.write(Array(Pictures.attentionHTML(records, truth: r, count: show).utf8), to: html)
            }
            try writeText(records.map { $0.json.serialized + "\n" }.joined(), output)
        }
    }
}
