import Testing

@testable import ReasoningBench

/// Answer extraction on hand-written completions: the answer sentence, whole words, the substring traps of the
/// vocabulary, former values, other garments, trailing sentences, open reasoning, truncation.
@Suite struct ScoringTests {
    /// The values of a puzzle: our vocabulary for the category plus the official words our lists lack.
    static let extra = ["retreat", "adventure", "toast", "electronic", "thriller", "egg", "sci-fi"]

    func verdict(_ text: String, _ c: Category, _ gold: String, finish: String? = "stop") -> Scoring.Verdict {
        Scoring.score(completion: text, finishReason: finish, category: c, gold: gold, values: c.values + Self.extra)
    }

    @Test func substringTrapsAreNotMatches() {
        #expect(!verdict("So Ana last listened to blues music.", .listen, "blue").correct)  // blue is no music value
        #expect(verdict("Ana last listened to blues music.", .listen, "blues").correct)
        #expect(!verdict("Ana last read a non-fiction book.", .read, "fiction").correct)
        #expect(verdict("Ana last read a non-fiction book.", .read, "non-fiction").correct)
        #expect(!verdict("Ana is located at the waterpark.", .location, "park").correct)
        #expect(!verdict("Ana is located at the airport.", .location, "port").correct)
        #expect(!verdict("Ana is located at the bridge.", .location, "ridge").correct)
        #expect(verdict("Ana is located at the Bridge!", .location, "bridge").correct)
    }

    /// Values outside our word lists score when the puzzle's prompt has them.
    @Test func anyVocabularyScores() {
        #expect(verdict("Raymond is located at the retreat.", .location, "retreat").correct)
        #expect(verdict("Raymond last watched a adventure movie.", .watch, "adventure").correct)
        #expect(verdict("Raymond last ate a toast.", .eat, "toast").correct)
        #expect(verdict("Raymond last listened to electronic music.", .listen, "electronic").correct)
        #expect(verdict("Raymond last read a sci-fi book.", .read, "sci-fi").correct)
    }

    @Test func twoValuesAreAmbiguousAndEarlierSentencesDoNotCount() {
        let v = verdict(
            "Ana moved to the park. Then the beach.\nSo Ana is at the park or the beach.", .location, "beach")
        #expect(v.ambiguous && !v.correct && v.candidates == ["park", "beach"])
        #expect(verdict("Earlier she was at the park.\nAna is located at the beach.", .location, "beach").correct)
        #expect(
            !verdict("Ana is located at the beach.\nNo wait, Ana is located at the park.", .location, "beach").correct)
    }

    /// A trailing sentence that names no value of the asked category is passed over.
    @Test func trailingSentencesWithoutAValueArePassedOver() {
        for tail in [
            " Hope this helps!", " ✓", "\n\n---\n*Final answer above.*", " Let me re-check… it's fine.",
            "\n\n**Answer complete.**", " I am fairly confident.",
        ] {
            #expect(verdict("Ana is located at the beach." + tail, .location, "beach").correct, "\(tail)")
        }
    }

    /// "from X to Y", "no longer X; … Y", "Y (changed from X)": the final value is the answer.
    @Test func formerValuesDoNotCount() {
        #expect(verdict("Ana's shirt went from blue to red.", .shirt, "red").correct)
        #expect(verdict("Ana's shirt is no longer blue; after statement 9 it is red.", .shirt, "red").correct)
        #expect(verdict("Ana is wearing a red shirt (changed from blue).", .shirt, "red").correct)
        #expect(verdict("So Ana went from the park to the beach.", .location, "beach").correct)
        #expect(verdict("Ana is at the beach, not the park.", .location, "beach").correct)
        let none = verdict("Ana is no longer at the park.", .location, "beach")
        #expect(none.extracted == nil && !none.ambiguous && !none.correct)
    }

    /// A sentence naming the asked garment's colour and another garment's colour is not ambiguous.
    @Test func otherGarmentsColoursDoNotCount() {
        #expect(verdict("Ana is wearing a red pant and blue socks.", .pant, "red").correct)
        #expect(verdict("Ana is wearing a red pant and blue socks.", .socks, "blue").correct)
        #expect(verdict("Ana's pant is red and her socks are blue.", .pant, "red").correct)
        #expect(verdict("Ana has green colored hair and a black hat.", .hair, "green").correct)
        #expect(verdict("Ana's hair is green, and she wears a black hat.", .hat, "black").correct)
        #expect(verdict("Ana is wearing a red pant or a blue pant.", .pant, "red").ambiguous)
    }

    /// An unclosed `<think>` has no final answer, whatever it says; a closed one is skipped.
    @Test func openReasoningHasNoAnswer() {
        #expect(verdict("<think>maybe the park.</think>\nAna is located at the beach.\n\n", .location, "beach").correct)
        #expect(!verdict("<think>Ana is located at the beach.</think>", .location, "beach").correct)
        let open = verdict("<think>Let me see. Ana is located at the beach.", .location, "beach")
        #expect(open.extracted == nil && !open.correct)
        let reopened = verdict(
            "<think>a</think>Ana is at the park. <think>Ana is located at the beach.", .location, "beach")
        #expect(reopened.extracted == nil)
    }

    @Test func truncatedOrOverflowIsIncompleteWhateverItSays() {
        for finish in ["length", "overflow"] {
            let v = verdict("Ana is located at the beach.", .location, "beach", finish: finish)
            #expect(!v.completed && !v.correct && !v.ambiguous)
        }
    }

    @Test func everyVocabularyValueIsOneWholeWord() {
        for c in Category.allCases {
            #expect(Set(c.values).count == c.values.count)
            for v in c.values { #expect(Scoring.words(Substring(v)) == [Substring(v)], "\(v)") }
        }
        #expect(Vocabulary.names.count == 159 && Set(Vocabulary.names).count == 159)
        #expect(Vocabulary.places.count == 152)
    }

    /// A record scores against the values its own prompt writes.
    @Test func recordsScoreAgainstTheirPromptsValues() throws {
        let p = try Generator.generate(try PuzzleParameters(N: 20, d: 3, rho: 50), baseSeed: 1, index: 0)
        var r = Record(puzzle: p, index: 0)
        r.completion = "Thinking.\n" + p.answerSentence + " Done!"
        r.finishReason = "stop"
        r.score()
        #expect(r.correct == true)
        #expect(Set(r.answerValues()).isSuperset(of: p.domains[p.questionSlot]))
    }
}
