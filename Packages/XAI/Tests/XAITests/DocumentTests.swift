import Kernel
import Learn
import Testing

@testable import XAI

@Suite struct DocumentTests {
    @Test func generatorIsSeededAndConsistent() throws {
        let g = SyntheticDocuments(seed: 7)
        #expect(g.question(3) == g.question(3))
        #expect(g.question(3) != g.question(4))
        #expect(SyntheticDocuments(seed: 8).question(3) != g.question(3))
        for q in g.questions(0..<200) {
            try q.validate()
            // the answer is the asked field's value: its words, after the key, on the key's line
            #expect(q.answers == [q.answerWords.map { q.words[$0].text }.joined(separator: " ")])
            #expect(Set(q.answerWords).isSubset(of: Set(q.evidence)) && q.evidence.count > q.answerWords.count)
            #expect(Set(q.evidence.map { q.words[$0].box.y0 }).count == 1)
            #expect(q.evidence == Array(q.evidence[0]...q.evidence.last!))
            #expect(q.answerBox.area > 0 && q.answerBox.area < q.pageArea / 20)
            // reading order
            for (a, b) in zip(q.words, q.words.dropFirst()) {
                #expect(a.box.y0 < b.box.y0 || (a.box.y0 == b.box.y0 && a.box.x1 < b.box.x0))
            }
            for t in q.questionTokens { #expect(SyntheticDocuments.vocabulary.id(t) != Vocabulary.unknown) }
        }
    }

    @Test func pageWordShapes() {
        let v = SyntheticDocuments.vocabulary
        #expect(SyntheticDocuments.id(ofPageWord: "412.50") == v.id("[AMOUNT]"))
        #expect(SyntheticDocuments.id(ofPageWord: "2021-03-04") == v.id("[DATE]"))
        #expect(SyntheticDocuments.id(ofPageWord: "inv-48213") == v.id("[CODE]"))
        #expect(SyntheticDocuments.id(ofPageWord: "+47") == v.id("[NUMBER]"))
        #expect(SyntheticDocuments.id(ofPageWord: "8618") == v.id("[NUMBER]"))
        #expect(SyntheticDocuments.id(ofPageWord: "total:") == v.id("total:"))
        #expect(SyntheticDocuments.id(ofPageWord: "zebra") == Vocabulary.unknown)
    }

    /// A hand-made page: "total: 12.50 eur" on one line, "vat: 2.10 eur" below.
    func page() -> DocumentQuestion {
        let w = [
            PageWord("total:", Box(4, 4, 27, 9)), PageWord("12.50", Box(60, 4, 79, 9)),
            PageWord("eur", Box(84, 4, 95, 9)), PageWord("vat:", Box(4, 13, 19, 18)),
            PageWord("2.10", Box(60, 13, 75, 18)), PageWord("eur", Box(80, 13, 91, 18)),
        ]
        return DocumentQuestion(
            id: "hand", width: 200, height: 220, words: w, question: "what is the total amount?",
            answers: ["12.50 eur"], evidence: [0, 1, 2], answerWords: [1, 2])
    }

    @Test func decodersReadTheirRegion() {
        let q = page()
        let v = DocumentReader.View(q)
        func reading(region: [Float], tagged: [Float]) -> DocumentReader.Reading {
            var r = DocumentReader.Reading(
                evidence: [Float](repeating: 0, count: 6), region: region, tagged: tagged, box: nil, constrained: [],
                unconstrained: [], unconstrainedBox: nil)
            DocumentReader.decode(&r, v)
            return r
        }
        // region on 12.50 and eur (≥ half the maximum), the tagger also (wrongly) tags 2.10
        var r = reading(region: [0.05, 0.5, 0.3, 0, 0.1, 0.05], tagged: [0.1, 0.9, 0.8, 0, 0.7, 0.2])
        #expect(r.box == Box(60, 4, 95, 9))
        #expect(DocumentReader.text(r.constrained, of: q) == "12.50 eur")
        #expect(DocumentReader.text(r.unconstrained, of: q) == "12.50 eur 2.10")
        #expect(r.unconstrainedBox == Box(60, 4, 95, 18))
        // nothing tagged inside the box: the constrained decoder reads all of it; nothing tagged at all: the argmax
        r = reading(region: [0, 1, 0, 0, 0, 0], tagged: [0.1, 0.2, 0.1, 0.3, 0.1, 0.1])
        #expect(DocumentReader.text(r.constrained, of: q) == "12.50")
        #expect(DocumentReader.text(r.unconstrained, of: q) == "vat:")
    }

    @Test func embeddingGradient() {
        let layer = DocumentEmbedding(vocabulary: 5, bins: 4, features: 3, dim: 4)
        var x = Tensor(zeros: [2, 3, 6])
        var rng = RNG(seed: 3)
        for i in 0..<6 {
            x[i / 3, i % 3, 0] = Float(i % 5)
            x[i / 3, i % 3, 1] = Float(i % 4)
            x[i / 3, i % 3, 2] = Float((i + 1) % 4)
            for f in 3..<6 { x[i / 3, i % 3, f] = rng.normal() }
        }
        let e = gradientCheck(layer, input: x, checkInput: false)
        #expect(e.parameters < 1e-3, "\(e)")
    }

    /// The chain's objective (tagging CE + evidence KL + region KL) against finite differences, through all layers.
    @Test func objectiveGradient() throws {
        var shape = DocumentReader.Shape()
        (shape.dim, shape.heads, shape.hidden, shape.layers) = (8, 2, 6, 3)
        let reader = DocumentReader(shape, seed: 5)
        let questions = [page()] + SyntheticDocuments(seed: 2).questions(0..<2)
        var o = DocumentObjective(reader: reader, questions: questions, evidenceWeight: 2, regionWeight: 3)
        let worst = try objectiveGradientError(
            &o, at: Array(reader.model.parameterBuffer), batch: [0, 1, 2], stride: 7, eps: 2e-3)
        #expect(worst < 1e-2, "\(worst)")
    }

    @Test func readingShapesAndDeletion() {
        var shape = DocumentReader.Shape()
        (shape.dim, shape.heads, shape.hidden) = (8, 2, 6)
        let reader = DocumentReader(shape, seed: 1)
        let q = page()
        let r = reader.read([DocumentReader.View(q), DocumentReader.View(q, visible: [0, 3, 4, 5])])
        #expect(r[0].evidence.count == 6 && r[1].region.count == 4)
        // the [CLS] row sums to 1 over [CLS], the question and the page: the page's share is in (0, 1)
        let share = r[0].region.reduce(0, +)
        #expect(share > 0 && share < 1)
        #expect(!r[1].constrained.contains(1) && !r[1].unconstrained.contains(2))
    }

    @Test func pagePicture() throws {
        let q = page()
        var r = DocumentReader.Reading(
            evidence: [0.3, 0.4, 0.3, 0, 0, 0], region: [0, 0.5, 0.5, 0, 0, 0], tagged: [0, 1, 1, 0, 0, 0], box: nil,
            constrained: [], unconstrained: [], unconstrainedBox: nil)
        DocumentReader.decode(&r, DocumentReader.View(q))
        let png = try PagePicture.png([(q, r), (q, r)], columns: 2)
        #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        #expect(throws: FjordError.self) { try PagePicture.png([]) }
    }
}
