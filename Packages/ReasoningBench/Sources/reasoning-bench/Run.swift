import ArgumentParser
import FjordCLI
import Foundation
import Kernel
import ReasoningBench

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send every instance to an OpenAI-compatible chat-completions server; append result records.",
        discussion: """
            Works with vLLM, llama.cpp's server, Ollama and hosted APIs (key from --api-key-env, default OPENAI_API_KEY). \
            The output file is appended to as answers arrive, so an interrupted run keeps what it got; run the same command \
            again to resume: complete records are kept, failed ones and a cut-off last line are dropped and redone, and no \
            instance is duplicated or lost. Timeouts, dropped connections, 408/425/429 and 5xx are retried with exponential \
            backoff (or Retry-After); other HTTP errors stop the run (exit 74).
            Example: reasoning-bench run --endpoint http://localhost:8000/v1 --model Qwen/Qwen3-8B puzzles.jsonl -o results.jsonl
            """)

    @OptionGroup var input: RecordInput
    @Option(help: "API base URL (…/v1) or the full chat-completions URL.") var endpoint: String
    @Option(help: "Model name sent to the server and written in the records.") var model: String
    @Option(
        name: .shortAndLong, help: ArgumentHelp("Results file (appended to; required for resuming).", valueName: "FILE")
    )
    var output: String
    @Option(help: "Requests in flight.") var concurrency = 4
    @Option(help: "Retries per instance after the first attempt.") var retries = 5
    @Option(help: "Seconds before a request times out.") var timeout = 600.0
    @Option(help: "Token budget (max_tokens).") var maxTokens = 32768
    @Option(help: "Sampling temperature.") var temperature = 0.0
    @Option(help: "Seed sent to the server (if it honours one).") var seed: UInt64?
    @Option(help: "First backoff in seconds (doubles per retry, ±50% jitter).") var backoff = 1.0
    @Option(help: "Environment variable holding the API key.") var apiKeyEnv = "OPENAI_API_KEY"
    @Option(help: "Run at most this many instances of the input (the first ones).") var limit: Int?
    @Flag(help: "Keep the prompt text in the result records.") var keepPrompt = false
    @Flag(help: "No progress line on stderr.") var quiet = false

    func validate() throws {
        // every number that reaches the request or the schedule is finite and in its range (JSON has no NaN:
        // a NaN temperature was sent as null)
        if concurrency < 1 || concurrency > 1024 { throw ValidationError("--concurrency must be between 1 and 1024") }
        if retries < 0 || retries > 100 { throw ValidationError("--retries must be between 0 and 100") }
        if !(timeout > 0 && timeout.isFinite) { throw ValidationError("--timeout must be a finite number > 0") }
        if maxTokens < 1 { throw ValidationError("--max-tokens must be ≥ 1") }
        if !(temperature >= 0 && temperature <= 2) {
            throw ValidationError("--temperature must be between 0 and 2 (OpenAI's range), not \(temperature)")
        }
        if !(backoff >= 0 && backoff <= 3600) { throw ValidationError("--backoff must be between 0 and 3600 seconds") }
        if let limit, limit < 1 { throw ValidationError("--limit must be ≥ 1") }
    }

    func run() throws {
        try runTool("reasoning-bench run") {
            var instances = try input.read()
            if let limit { instances = Array(instances.prefix(limit)) }
            var seen = Set<String>()
            for r in instances where !seen.insert(r.id).inserted {
                throw FjordError.data("\(input.input): instance id \(r.id) appears twice")
            }
            let key = ProcessInfo.processInfo.environment[apiKeyEnv]
            let client = try ChatClient(endpoint: endpoint, apiKey: key, timeout: timeout)
            var o = Runner.Options(model: model)
            o.concurrency = concurrency
            o.retries = retries
            o.maxTokens = maxTokens
            o.temperature = temperature
            o.seed = seed
            o.backoff = backoff
            o.keepPrompt = keepPrompt
            let show = !quiet && isatty(2) == 1
            let s = try Runner(client: client, options: o).run(instances: instances, path: output) { s, total in
                if show {
                    writeStderr(
                        "\r\(s.skipped + s.done + s.failed)/\(total) answered, \(s.failed) failed, \(s.retried) retries"
                    )
                }
            }
            if show { writeStderr("\n") }
            printError(
                "reasoning-bench run: \(s.done) answered, \(s.failed) failed after \(retries) retries, \(s.skipped) kept from an earlier run, \(s.dropped) earlier records redone, \(s.retried) retries"
            )
            if s.failed > 0 {
                throw FjordError.io("\(s.failed) instances failed; run the same command again to retry them")
            }
        }
    }
}
