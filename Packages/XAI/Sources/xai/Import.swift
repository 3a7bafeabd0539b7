import ArgumentParser
import FjordCLI
import Kernel
import XAI

struct Import: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case hatexplain, eraser
    }

    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert HateXplain's dataset.json or ERASER-format data into posts (JSON Lines) for xai train.",
        discussion: """
            hatexplain: Data/dataset.json of hate-alert/HateXplain, preprocessed as its code does: the majority \
            label (posts where no label has two votes are undecided and dropped, counted on stderr), --classes two \
            (normal 0, hatespeech and offensive merged into toxic 1) or three (normal 0, offensive 1, hatespeech 2), \
            the annotators' rationale masks as given, targets = communities named by ≥ 2 annotators without None \
            and Other; --split Data/post_id_divisions.json --part test keeps that part, in its order.
            eraser: an annotation file (train.jsonl, val.jsonl or test.jsonl of an ERASER data set) and its docs \
            folder (--docs, default: docs next to the file); one post per annotation, the rationale = the union of \
            its evidence spans, the label = the index of its classification in --class-names (default: sorted). \
            ERASER explains every class, HateXplain only the non-normal ones: score ERASER posts with \
            xai metrics --all-posts.
            Example: xai import hatexplain dataset.json --split post_id_divisions.json --part test -o test.jsonl
            Example: xai import eraser movies/test.jsonl --class-names NEG,POS -o movies-test.jsonl
            """)

    @Argument(help: "Input format.") var format: Format
    @Argument(help: ArgumentHelp("dataset.json (hatexplain) or an annotation file (eraser).", valueName: "FILE"))
    var input: String
    @Option(help: "hatexplain: two or three classes.") var classes = "two"
    @Option(help: ArgumentHelp("hatexplain: post_id_divisions.json.", valueName: "FILE")) var split: String?
    @Option(help: "hatexplain: the part of --split to keep (train, val, test).") var part = "test"
    @Option(help: ArgumentHelp("eraser: the documents' folder (default: docs next to FILE).", valueName: "DIR"))
    var docs: String?
    @Option(help: "eraser: class names in label order, comma-separated (default: the classes seen, sorted).")
    var classNames: String?
    @Flag(help: "eraser: skip malformed annotation lines (reported on stderr).") var skipBad = false
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runTool("xai import") {
            let name = input == "-" ? "stdin" : input
            let corpus: Corpus
            switch format {
            case .hatexplain:
                guard let k = HateXplain.Classes(rawValue: classes) else {
                    throw FjordError.usage("--classes must be two or three, not \"\(classes)\"")
                }
                let order = try split.map { s throws(FjordError) in
                    try HateXplain.split(try readInput(s), name: s, part: part)
                }
                let r = try HateXplain.parse(try readInput(input), name: name, classes: k, order: order)
                printError(
                    "xai import: \(r.corpus.posts.count) posts, \(r.undecided) undecided dropped"
                        + (r.missing > 0 ? ", \(r.missing) ids of --split not in \(name)" : ""))
                corpus = r.corpus
            case .eraser:
                let dir = docs ?? (input.contains("/") ? String(input[..<input.lastIndex(of: "/")!]) : ".") + "/docs"
                let names = classNames.map { $0.split(separator: ",").map(String.init) }
                let r = try ERASERData.parse(try readInput(input), name: name, classes: names, skipBad: skipBad) {
                    (d: String) throws(FjordError) in
                    guard !d.contains("/"), !d.hasPrefix(".") else {
                        throw FjordError.data("\(name): docid \"\(d)\" is not a file name")
                    }
                    return try readInput(dir + "/" + d)
                }
                for m in r.skipped { printError("xai import: skipped \(m)") }
                printError("xai import: \(r.corpus.posts.count) posts, classes \(r.classes.joined(separator: ", "))")
                corpus = r.corpus
            }
            try writeText(corpus.jsonl, output)
        }
    }
}
