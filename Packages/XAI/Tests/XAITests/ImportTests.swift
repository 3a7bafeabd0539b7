import Kernel
import Testing

@testable import XAI

/// The readers of HateXplain's dataset.json and ERASER's annotation files on hand-made entries in their documented
/// formats (HateXplain's Data/README.md sample entry; ERASER's rationale_benchmark/utils.py fields).
@Suite struct ImportTests {
    static let dataset = #"""
        {
          "24198545_gab": {"post_id": "24198545_gab",
            "annotators": [{"label": "hatespeech", "annotator_id": 4, "target": ["African"]},
                           {"label": "hatespeech", "annotator_id": 3, "target": ["African", "Women"]},
                           {"label": "offensive", "annotator_id": 5, "target": ["African", "None"]}],
            "rationales": [[0,1,0,1], [0,1,0,0], [0,1,1,0]],
            "post_tokens": ["and", "this", "is", "why"]},
          "2_twitter": {"post_id": "2_twitter",
            "annotators": [{"label": "normal", "annotator_id": 1, "target": ["None"]},
                           {"label": "normal", "annotator_id": 2, "target": ["None"]},
                           {"label": "offensive", "annotator_id": 3, "target": ["Other", "Islam"]}],
            "rationales": [],
            "post_tokens": ["hello", "there"]},
          "3_gab": {"post_id": "3_gab",
            "annotators": [{"label": "hatespeech", "annotator_id": 1, "target": ["Jewish"]},
                           {"label": "offensive", "annotator_id": 2, "target": ["Jewish"]},
                           {"label": "normal", "annotator_id": 3, "target": ["None"]}],
            "rationales": [[1,0]],
            "post_tokens": ["x", "y"]},
          "4_gab": {"post_id": "4_gab",
            "annotators": [{"label": "offensive", "annotator_id": 1, "target": ["Other", "Women"]},
                           {"label": "offensive", "annotator_id": 2, "target": ["Other", "Women"]},
                           {"label": "hatespeech", "annotator_id": 3, "target": []}],
            "rationales": [[0,0,1], [0,1,1]],
            "post_tokens": ["a", "b", "c"]}
        }
        """#

    @Test func hateXplainMajorityLabelTargetsAndUndecided() throws {
        let r = try HateXplain.parse(Array(Self.dataset.utf8), name: "dataset.json")
        #expect(r.undecided == 1)  // 3_gab: one vote each
        #expect(r.corpus.posts.map(\.id) == ["24198545_gab", "2_twitter", "4_gab"])
        #expect(r.corpus.posts.map(\.label) == [1, 0, 1])
        #expect(r.corpus.posts[0].targets == ["African"])  // Women has one vote, None is dropped
        #expect(r.corpus.posts[1].targets == [])  // None ×2 and Other are not communities
        #expect(r.corpus.posts[2].targets == ["Women"])
        #expect(r.corpus.posts[0].rationales == [[0, 1, 0, 1], [0, 1, 0, 0], [0, 1, 1, 0]])
        #expect(r.corpus.truth(0, .union) == [0, 1, 1, 1])
        #expect(r.corpus.truth(0, .majority) == [0, 1, 0, 0])
        let three = try HateXplain.parse(Array(Self.dataset.utf8), name: "d", classes: .three)
        #expect(three.corpus.posts.map(\.label) == [2, 0, 1])
        let split = #"{"train": ["2_twitter"], "val": [], "test": ["4_gab", "99_gab", "24198545_gab"]}"#
        let ids = try HateXplain.split(Array(split.utf8), name: "s", part: "test")
        let test = try HateXplain.parse(Array(Self.dataset.utf8), name: "d", order: ids)
        #expect(test.corpus.posts.map(\.id) == ["4_gab", "24198545_gab"] && test.missing == 1)
    }

    @Test func hateXplainBadInput() {
        let bad = Self.dataset.replacingFirst("[0,1,0,1]", with: "[0,1,0]")
        #expect(throws: FjordError.self) { try HateXplain.parse(Array(bad.utf8), name: "d") }
        do {
            _ = try HateXplain.parse(Array(bad.utf8), name: "d")
        } catch {
            #expect(error.message.contains("24198545_gab") && error.message.contains("3 entries for 4 tokens"))
        }
        #expect(throws: FjordError.self) {
            try HateXplain.split(Array(#"{"train": []}"#.utf8), name: "s", part: "test")
        }
    }

    @Test func eraserAnnotationsAndDocuments() throws {
        let annotations = """
            {"annotation_id": "negR_000.txt", "classification": "NEG", "evidences": [[{"docid": "negR_000.txt", \
            "start_token": 1, "end_token": 3, "text": "bad film"}], [{"docid": "negR_000.txt", "start_token": 5, \
            "end_token": 6, "text": "dull"}]], "query": "What is the sentiment of this review?"}
            {"annotation_id": "posR_001.txt", "classification": "POS", "evidences": [], "docids": ["posR_001.txt"]}
            """
        let docs = ["negR_000.txt": "a bad film .\nso very dull", "posR_001.txt": "great fun"]
        let r = try ERASERData.parse(Array(annotations.utf8), name: "test.jsonl") { (d: String) throws(FjordError) in
            guard let t = docs[d] else { throw .noInput("no \(d)") }
            return Array(t.utf8)
        }
        #expect(r.classes == ["NEG", "POS"])
        #expect(r.corpus.posts[0].tokens == ["a", "bad", "film", ".", "so", "very", "dull"])
        #expect(r.corpus.posts[0].rationales == [[0, 1, 1, 0, 0, 1, 0]])
        #expect(r.corpus.posts.map(\.label) == [0, 1] && r.corpus.posts[1].rationales.isEmpty)
        let past = annotations.replacingFirst(#""end_token": 6"#, with: #""end_token": 9"#)
        #expect(throws: FjordError.self) {
            try ERASERData.parse(Array(past.utf8), name: "t") { (d: String) throws(FjordError) in Array(docs[d]!.utf8) }
        }
    }
}

extension String {
    fileprivate func replacingFirst(_ a: String, with b: String) -> String {
        var s = self
        if let r = s.firstRange(of: a) { s.replaceSubrange(r, with: b) }
        return s
    }
}
