import Kernel
import Learn

/// CoExVQA's claim in miniature: decoding only from the grounded answer region (``DocumentReader``'s constrained
/// decoder) against the same reader's unconstrained tagger, on the synthetic invoices of ``SyntheticDocuments``.
/// Per seed s: training questions from data seed 1000·s + 1, test questions from 1000·s + 2, model seed s.
public struct CoExVQAExperiment: Sendable {
    public var seeds = 3
    public var questions = 4000
    public var testQuestions = 500
    public var epochs = 20
    public var batch = 32
    public var learningRate: Float = 3e-3
    public var shape = DocumentReader.Shape()
    public var evidenceWeight: Float = 1
    public var regionWeight: Float = 1
    public var threads = 2
    public init() {}

    /// One decoder's answers against the truth.
    public struct Scores: Sendable {
        /// ANLS (``ANLSConvention/strict`` and ``ANLSConvention/mpDocVQA``), exact match after lower-casing.
        public var anls = 0.0, anlsMP = 0.0, exact = 0.0
        /// Its box (the region for the constrained decoder, the hull of its words for the other) against the hull of
        /// the true answer words: mean IoU, the fraction with IoU ≥ 0.5, the mean box area over the page area.
        public var iou = 0.0, accuracy50 = 0.0, areaRatio = 0.0
        /// The ANLS after deleting from the page the words inside the decoder's own box, after deleting as many
        /// random words outside it, and after deleting the evidence outside it (the field's key).
        public var anlsWithoutBox = 0.0, anlsWithoutRandom = 0.0, anlsWithoutKey = 0.0
        /// The fraction of answers that changed under each deletion.
        public var changedWithoutBox = 0.0, changedWithoutRandom = 0.0, changedWithoutKey = 0.0
    }

    public struct Run: Sendable {
        public var seed: Int
        public var seconds: Double
        public var parameters = 0
        public var constrained: Scores
        public var unconstrained: Scores
        /// The share of the evidence head's weight on the true evidence words, and of the region head's on the answer.
        public var evidenceMass: Double, regionMass: Double
        /// Seed 0 only: every test question with its reading (for pictures and prediction files).
        public var examples: [(DocumentQuestion, DocumentReader.Reading)]
    }

    public func run(progress: (@Sendable (Int) -> Void)? = nil) throws -> [Run] {
        guard seeds >= 1, questions >= 10, testQuestions >= 10, epochs >= 1 else {
            throw FjordError.usage("the experiment needs ≥ 1 seed and epoch, ≥ 10 training and test questions")
        }
        let box = RunBox<Run>(seeds)
        let e = self
        let saved = BLAS.threads
        BLAS.threads = 1
        defer { BLAS.threads = saved }
        forEachChunk(count: seeds, width: 1, threads: threads) { s, _ in
            do {
                let train = SyntheticDocuments(seed: 1000 * UInt64(s) + 1).questions(0..<e.questions)
                let test = SyntheticDocuments(seed: 1000 * UInt64(s) + 2).questions(0..<e.testQuestions)
                let reader = DocumentReader(e.shape, seed: UInt64(s))
                let objective = DocumentObjective(
                    reader: reader, questions: train, evidenceWeight: e.evidenceWeight, regionWeight: e.regionWeight)
                let t = try trainAlone(
                    reader.model, objective: objective, epochs: e.epochs, batch: e.batch,
                    learningRate: e.learningRate, seed: UInt64(s))
                var run = Self.evaluate(reader, test, seed: UInt64(s))
                run.seed = s
                if s != 0 { run.examples = [] }
                run.seconds = t.seconds
                run.parameters = reader.model.parameterCount
                box.set(s, .success(run))
            } catch {
                box.set(s, .failure(error as? FjordError ?? .data("\(error)")))
            }
            progress?(s)
        }
        return try box.results()
    }

    /// Reads `test`, scores both decoders and runs the three deletions on each (random words drawn from `seed`).
    /// One reading as a line for `xai anls`: the constrained decoder's answer and box, the gold answers and box, the
    /// page, and the unconstrained decoder's answer and box beside them.
    public static func record(_ q: DocumentQuestion, _ r: DocumentReader.Reading) -> JSON {
        func box(_ b: Box) -> JSON { .array([b.x0, b.y0, b.x1, b.y1].map { .number($0) }) }
        var o: [String: JSON] = [
            "id": .string(q.id), "question": .string(q.question),
            "prediction": .string(DocumentReader.text(r.constrained, of: q)),
            "answers": .array(q.answers.map { .string($0) }), "page": .array([.number(q.width), .number(q.height)]),
            "unconstrained_prediction": .string(DocumentReader.text(r.unconstrained, of: q)),
        ]
        if let b = r.box {
            o["box"] = box(b)
            o["gold_box"] = box(q.answerBox)
        }
        if let b = r.unconstrainedBox { o["unconstrained_box"] = box(b) }
        return .object(o)
    }

    public static func evaluate(_ reader: DocumentReader, _ test: [DocumentQuestion], seed: UInt64) -> Run {
        let views = test.map { DocumentReader.View($0) }
        let readings = reader.read(views)
        var rng = RNG(seed: seed, stream: 0xC0E)
        var run = Run(
            seed: 0, seconds: 0, constrained: Scores(), unconstrained: Scores(), evidenceMass: 0, regionMass: 0,
            examples: Array(zip(test, readings)))
        let n = Double(test.count)
        for (q, r) in zip(test, readings) {
            let total = r.evidence.reduce(0, +), region = r.region.reduce(0, +)
            run.evidenceMass += Double(q.evidence.reduce(0) { $0 + r.evidence[$1] } / max(total, 1e-12)) / n
            run.regionMass += Double(q.answerWords.reduce(0) { $0 + r.region[$1] } / max(region, 1e-12)) / n
        }
        for constrained in [true, false] {
            var s = Scores()
            // the three deletions of every question, read in one batch per kind
            var deleted: [[DocumentReader.View]] = [[], [], []]
            for (q, r) in zip(test, readings) {
                let answer = DocumentReader.text(constrained ? r.constrained : r.unconstrained, of: q)
                let b = (constrained ? r.box : r.unconstrainedBox) ?? Box(0, 0, 0, 0)
                s.anls += ANLS.similarity(answer, q.answers) / n
                s.anlsMP += ANLS.similarity(answer, q.answers, convention: .mpDocVQA) / n
                s.exact += (q.answers.contains { $0.lowercased() == answer.lowercased() } ? 1 : 0) / n
                let v = b.iou(q.answerBox)
                s.iou += v / n
                s.accuracy50 += (v >= 0.5 ? 1 : 0) / n
                s.areaRatio += b.area / q.pageArea / n
                let inside = Set(q.words.indices.filter { b.containsCentre(of: q.words[$0].box) })
                let outside = q.words.indices.filter { !inside.contains($0) }
                var shuffled = outside
                rng.shuffle(&shuffled)
                let random = Set(shuffled.prefix(inside.count))
                let key = Set(q.evidence).subtracting(inside)
                for (k, gone) in [inside, random, key].enumerated() {
                    deleted[k].append(DocumentReader.View(q, visible: q.words.indices.filter { !gone.contains($0) }))
                }
            }
            for k in 0..<3 {
                let again = reader.read(deleted[k])
                var anls = 0.0, changed = 0.0
                for (i, (q, r)) in zip(test, readings).enumerated() {
                    let before = DocumentReader.text(constrained ? r.constrained : r.unconstrained, of: q)
                    let after = DocumentReader.text(
                        constrained ? again[i].constrained : again[i].unconstrained, of: q)
                    anls += ANLS.similarity(after, q.answers) / n
                    changed += (after == before ? 0 : 1) / n
                }
                switch k {
                case 0: (s.anlsWithoutBox, s.changedWithoutBox) = (anls, changed)
                case 1: (s.anlsWithoutRandom, s.changedWithoutRandom) = (anls, changed)
                default: (s.anlsWithoutKey, s.changedWithoutKey) = (anls, changed)
                }
            }
            if constrained { run.constrained = s } else { run.unconstrained = s }
        }
        return run
    }
}
