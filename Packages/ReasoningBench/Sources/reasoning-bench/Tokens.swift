import ArgumentParser
import FjordCLI
import Kernel
import ReasoningBench

struct Tokens: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Count tokens with a real tokenizer where a server sent no usage.",
        discussion: """
            --tokenizer is a Mistral tekken vocabulary (a path, or a name in $FJORD_DATA/tokenizers or \
            ~/.cache/fjord/tokenizers; Tools/bootstrap fetches tekken_240911 from the mistral-common package on PyPI). \
            For every result record whose tokens were counted as words, the completion and reasoning text are counted \
            (and the prompt, when the record has it or can regenerate it); tokenizer becomes the file's name. Records \
            with the server's usage are left alone. With --strings, each input line is a JSON string and its count is \
            printed instead.
            Example: reasoning-bench tokens --tokenizer tekken_240911 results.jsonl -o counted.jsonl
            """)

    @OptionGroup var input: RecordInput
    @Option(help: "Tokenizer file or name.") var tokenizer = "tekken_240911"
    @Flag(help: "Input lines are JSON strings: print each one's token count.") var strings = false
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runTool("reasoning-bench tokens") {
            let t = try BPETokenizer.load(tokenizer)
            if strings {
                let src = try ByteSource.open(path: input.input)
                let bytes = try src.readAll()
                let name = input.input == "-" ? "stdin" : input.input
                var out = ""
                for (n, line) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated()
                where !line.isEmpty {
                    let v = try JSON.parse(Array(line), what: "\(name) line \(n + 1)")
                    guard let s = v.stringValue else {
                        throw FjordError.data("\(name) line \(n + 1): not a JSON string")
                    }
                    out += "\(t.count(s))\n"
                }
                try writeStdout(out)
                return
            }
            var records = try input.read()
            var counted = 0
            for i in records.indices where records[i].completion != nil && records[i].tokenizer != "server" {
                guard records[i].finishReason != "overflow" else { continue }
                records[i].completionTokens =
                    t.count(records[i].completion ?? "") + t.count(records[i].reasoning ?? "")
                if let p = try? records[i].promptText() { records[i].promptTokens = t.count(p) }
                records[i].tokenizer = t.name
                counted += 1
            }
            try writeRecords(records, to: output)
            printError("reasoning-bench tokens: \(counted) of \(records.count) records counted with \(t.name)")
        }
    }
}
