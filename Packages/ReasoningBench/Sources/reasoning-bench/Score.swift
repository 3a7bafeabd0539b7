import ArgumentParser
import FjordCLI
import Kernel
import ReasoningBench

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score result records: extract the answer from the answer sentence, check it, flag truncation.",
        discussion: """
            The candidates are the asked category's values as the puzzle's prompt writes them (any vocabulary). The \
            answer sentence is the last sentence naming one of them, after </think> (trailing sentences naming none are \
            passed over; an unclosed <think> has no answer). Former values ("from X to Y", "no longer X", "changed from \
            X") and other garments' colours do not count; two or more values left: ambiguous, wrong. finish_reason \
            "length" or "overflow": incomplete, wrong. Writes the records with extracted, completed, correct, \
            ambiguous; a summary goes to stderr.
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
