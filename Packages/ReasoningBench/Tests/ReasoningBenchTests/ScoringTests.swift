import Testing

@testable import ReasoningBench

/// Answer extraction: final sentence, whole words, the substring traps of the vocabulary, truncation.
@Suite struct ScoringTests {
    func verdict(_ text: String, _ c: Category, _ gold: String, finish: String? = "stop") -> Scoring.Verdict {
        Scoring.score(completion: text, finishReason: finish, category: c, gold: gold)
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

    @Test func onlyTheFinalSentenceCountsAndTwoValuesAreAmbiguous() {
        let v = verdict(
            "Ana moved to the park. Then the beach.\nSo Ana went from the park to the beach.", .location, "beach")
        #expect(v.ambiguous && !v.correct && v.candidates == ["park", "beach"])
        #expect(verdict("Earlier she was at the park.\nAna is located at the beach.", .location, "beach").correct)
        #expect(!verdict("Ana is located at the beach.\nI am not sure though", .location, "beach").correct)
        #expect(verdict("<think>maybe the park.</think>\nAna is located at the beach.\n\n", .location, "beach").correct)
        #expect(!verdict("<think>Ana is located at the beach.</think>", .location, "beach").correct)
    }

    @Test func truncatedIsIncompleteWhateverItSays() {
        let v = verdict("Ana is located at the beach.", .location, "beach", finish: "length")
        #expect(!v.completed && !v.correct && !v.ambiguous)
    }

    @Test func everyVocabularyValueIsOneWholeWord() {
        for c in Category.allCases {
            #expect(Set(c.values).count == c.values.count)
            for v in c.values { #expect(Scoring.words(Substring(v)) == [Substring(v)], "\(v)") }
        }
        #expect(Vocabulary.names.count == 159 && Set(Vocabulary.names).count == 159)
    }
}
