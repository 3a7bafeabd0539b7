import ArgumentParser
import FjordCLI
import Kernel
import ReasoningBench

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score result records: extract the answer from the final sentence, check it, flag truncation.",
        discussion: """
            The answer is the value of the asked category named, as a whole word, in the last sentence of the completion \
            (after </think> if present). Two or more such values: ambiguous, wrong. finish_reason "length": incomplete, \
            wrong. Writes the records with extracted, completed, correct, ambiguous; a summary goes to stderr.
            Example: reasoning-bench score results.jsonl -o scored.jsonl
            """)

    @OptionGroup var input: RecordInput
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runTool("reasoning-bench score") {
            var records = try input.read()
            var correct = 0, answered = 0, truncated = 0, ambiguous = 0
            for i in records.indices where records[i].completion != nil {
                records[i].score()
                answered += 1
                if records[i].correct == true { correct += 1 }
                if records[i].completed == false { truncated += 1 }
                if records[i].ambiguous == true { ambiguous += 1 }
            }
            try writeRecords(records, to: output)
            printError(
                "reasoning-bench score: \(answered) answered, \(correct) correct, \(truncated) truncated, \(ambiguous) ambiguous, \(records.count - answered) without a completion"
            )
        }
    }
}
