import ArgumentParser
import FjordCLI
import Kernel
import XAI

struct ANLSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anls",
        abstract: "Score document-VQA answers: ANLS (both conventions) and, where boxes are given, grounding IoU.",
        discussion: """
            Input: JSON Lines, one question per line: {"prediction": "…", "answers": ["…", …]} and optionally \
            "box": [x0, y0, x1, y1] (the predicted answer region), "gold_box": […] and "page": [width, height] (boxes \
            must lie inside it). Output (stdout, JSON): ANLS under --anls, and under both conventions; mean box IoU, \
            accuracy at IoU ≥ 0.5 and the mean area ratio (predicted area / page area) where boxes are given.
            strict = the anls package (lower-case, whitespace collapsed, NL < τ); mp-docvqa = the MP-DocVQA evaluator \
            (lower-case, stripped, similarity ≥ τ, empty prediction 0). They differ exactly at NL = τ and on repeated spaces.
            Example: printf '{"prediction": "a", "answers": ["ab"]}\\n' | xai anls --anls mp-docvqa
            """)

    @Argument(help: ArgumentHelp("Answers (JSON Lines; - for stdin).", valueName: "ANSWERS")) var input = "-"
    @Option(help: "ANLS convention of the headline number.") var anls = ANLSConvention.strict
    @Option(help: "τ, the normalized-distance threshold.") var threshold = 0.5
    @Flag(help: "Skip malformed lines (reported on stderr with their line numbers).") var skipBad = false

    func validate() throws {
        if !(threshold > 0 && threshold <= 1) { throw ValidationError("--threshold must be in (0, 1]") }
    }

    func run() throws {
        try runTool("xai anls") {
            let name = input == "-" ? "stdin" : input
            var predictions: [String] = [], golds: [[String]] = []
            var boxes: [Box] = [], goldBoxes: [Box] = []
            var areaRatio = 0.0
            var skipped: [String] = []
            try JSONLines.forEach(try readInput(input), name: name, skipBad: skipBad, skipped: &skipped) {
                (o, what) throws(FjordError) in
                guard let p = o["prediction"]?.stringValue else {
                    throw .data("\(what): \"prediction\" must be a string")
                }
                guard let a = o["answers"]?.arrayValue, !a.isEmpty, a.allSatisfy({ $0.stringValue != nil }) else {
                    throw .data("\(what): \"answers\" must be a non-empty array of strings")
                }
                func box(_ field: String) throws(FjordError) -> Box? {
                    guard let j = o[field] else { return nil }
                    guard let v = j.arrayValue?.compactMap(\.doubleValue), v.count == 4 else {
                        throw .data("\(what): \"\(field)\" must be [x0, y0, x1, y1]")
                    }
                    return Box(v[0], v[1], v[2], v[3])
                }
                let b = try box("box"), g = try box("gold_box")
                if (b == nil) != (g == nil) { throw .data("\(what): \"box\" and \"gold_box\" come together") }
                if let b, let g {
                    guard let page = o["page"]?.arrayValue?.compactMap(\.doubleValue), page.count == 2, page[0] > 0,
                        page[1] > 0
                    else { throw .data("\(what): boxes need \"page\": [width, height]") }
                    try b.validate(width: page[0], height: page[1], name: "\(what): box")
                    try g.validate(width: page[0], height: page[1], name: "\(what): gold_box")
                    boxes.append(b)
                    goldBoxes.append(g)
                    areaRatio += b.area / (page[0] * page[1])
                }
                predictions.append(p)
                golds.append(a.map { $0.stringValue! })
            }
            for m in skipped { printError("xai anls: skipped \(m)") }
            guard !predictions.isEmpty else { throw FjordError.data("\(name): no answers") }
            var o: [String: JSON] = [
                "questions": .number(Double(predictions.count)), "convention": .string(anls.rawValue),
                "threshold": .number(threshold),
                "anls": .number(
                    try ANLS.score(predictions: predictions, golds: golds, convention: anls, threshold: threshold)),
            ]
            for c in ANLSConvention.allCases {
                o["anls_\(c.rawValue)"] = .number(
                    try ANLS.score(predictions: predictions, golds: golds, convention: c, threshold: threshold))
            }
            if !boxes.isEmpty {
                let g = try Grounding.score(predicted: boxes, truth: goldBoxes)
                o["boxes"] = .number(Double(boxes.count))
                o["mean_iou"] = .number(g.meanIoU)
                o["accuracy_iou_0.5"] = .number(g.accuracy)
                o["mean_area_ratio"] = .number(areaRatio / Double(boxes.count))
            }
            print(JSON.object(o).serialized)
        }
    }
}
