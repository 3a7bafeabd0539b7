import ArgumentParser
import FjordCLI
import Kernel
import XAI

struct Metrics: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score explanations from any model: ERASER plausibility and faithfulness, HateXplain's bias AUCs.",
        discussion: """
            Input: explanation records (JSON Lines; schema in the XAI README; xai explain writes them), or tensors: \
            --scores N×L float32 with --rationale N×L (or N×A×L, aggregated by --truth) 0/1 and optional --lengths N. \
            Output (stdout, JSON): accuracy and macro F1; token P/R/F1 (mean of per-instance values), IOU F1 (F1 of \
            mean P and mean R), token IoU, AUPRC (scikit-learn's PR curve and trapezoid, every instance), average \
            precision and ROC AUC (instances with both classes); comprehensiveness, sufficiency and AOPC (deletion, \
            predicted class, bins 1/5/10/20/50%, plain mean); subgroup AUC, BPSN, BNSP and their power means (p = −5) \
            over the 10 most-named communities, background = posts with a target. "conventions" names every choice.
            Example: xai explain sra.safetensors test.jsonl | xai metrics --truth union --hard top-k:5
            Example: xai metrics --scores attn.npy --rationale human.npy --lengths len.npy
            """)

    @Argument(help: ArgumentHelp("Explanation records (JSON Lines; - for stdin).", valueName: "RECORDS"))
    var input = "-"
    @OptionGroup var rules: RuleOptions
    @Option(help: ArgumentHelp("Soft scores, N×L float32 .npy (instead of records).", valueName: "FILE")) var scores:
        String?
    @Option(help: ArgumentHelp("Human rationales, N×L or N×A×L 0/1 .npy.", valueName: "FILE")) var rationale: String?
    @Option(help: ArgumentHelp("Tokens per row, N .npy (default: all L).", valueName: "FILE")) var lengths: String?
    @Flag(help: "Score explanations of class-0 posts too (HateXplain scores only the others).") var allPosts = false
    @Flag(help: "Skip malformed lines (reported on stderr with their line numbers).") var skipBad = false
    @Option(help: "Communities for the bias AUCs (the most named).") var communities = 10

    func run() throws {
        try runTool("xai metrics") {
            var r = try rules.rules
            r.communities = communities
            let records = try scores == nil ? readRecords() : tensorRecords()
            let e = try Evaluation.score(records, rules: r, allPosts: allPosts || scores != nil)
            var o = e.json.objectValue!
            o["conventions"] = .object(r.json.filter { $0.key != "explanation" })
            o["records"] = .number(Double(records.count))
            print(JSON.object(o).serialized)
        }
    }

    func readRecords() throws -> [ExplanationRecord] {
        let name = input == "-" ? "stdin" : input
        let (records, skipped) = try ExplanationRecord.parseLines(try readInput(input), name: name, skipBad: skipBad)
        for m in skipped { printError("xai metrics: skipped \(m)") }
        return records
    }

    func tensorRecords() throws -> [ExplanationRecord] {
        guard let scores, let rationale else { throw FjordError.usage("--scores needs --rationale") }
        let s = try readOneTensor(scores), m = try readOneTensor(rationale)
        guard s.rank == 2 else { throw FjordError.data("\(scores): scores must be N×L, not \(s.shape)") }
        let (n, l) = (s.shape[0], s.shape[1])
        guard (m.rank == 2 && m.shape == [n, l]) || (m.rank == 3 && m.shape[0] == n && m.shape[2] == l) else {
            throw FjordError.data(
                "\(rationale): rationales must be \(n)×\(l) or \(n)×A×\(l) to match the scores, not \(m.shape)")
        }
        let a = m.rank == 3 ? m.shape[1] : 1
        var len = [Int](repeating: l, count: n)
        if let lengths {
            let t = try readOneTensor(lengths)
            guard t.count == n else { throw FjordError.data("\(lengths): \(t.count) lengths for \(n) rows") }
            len = try t.scalars.enumerated().map { (i, v) throws(FjordError) in
                guard v == v.rounded(), v >= 1, Int(v) <= l else {
                    throw FjordError.data("\(lengths): row \(i): length \(v) is not an integer in 1...\(l)")
                }
                return Int(v)
            }
        }
        let sv = s.scalars, mv = m.scalars
        var out: [ExplanationRecord] = []
        out.reserveCapacity(n)
        for i in 0..<n {
            var r = ExplanationRecord(id: "row \(i)")
            r.scores = Array(sv[(i * l)..<(i * l + len[i])])
            if let bad = r.scores!.firstIndex(where: { !$0.isFinite }) {
                throw FjordError.data("\(scores): row \(i), token \(bad): the score is not finite")
            }
            for k in 0..<a {
                let base = (i * a + k) * l
                var mask = [UInt8](repeating: 0, count: len[i])
                for j in 0..<len[i] {
                    let v = mv[base + j]
                    guard v == 0 || v == 1 else {
                        throw FjordError.data("\(rationale): row \(i), token \(j): \(v) is not 0 or 1")
                    }
                    mask[j] = v == 1 ? 1 : 0
                }
                r.rationales.append(mask)
            }
            if r.rationaleIsEmpty {
                throw FjordError.data("\(rationale): row \(i): the rationale marks no token")
            }
            out.append(r)
        }
        return out
    }
}
