import ArgumentParser
import FjordCLI
import Foundation
import Kernel
import ReasoningBench

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send every instance to OpenAI-compatible chat-completions servers; append result records.",
        discussion: """
            Works with vLLM, llama.cpp's server, Ollama and hosted APIs (key from --api-key-env, default OPENAI_API_KEY). \
            Give --model (and --endpoint) more than once to run several models: one endpoint serves every model, or \
            endpoints and models pair up in order. The output file is appended to as answers arrive, so an interrupted \
            run keeps what it got; run the same command again to resume: complete records are kept, failed ones and a \
            cut-off last line are dropped and redone, and no (instance, sample) is duplicated or lost. Timeouts, dropped \
            connections, 408/425/429 and 5xx are retried with exponential backoff (or Retry-After); a refusal because \
            the context is exceeded is recorded as finish_reason "overflow" (scored wrong) and the run goes on; other \
            HTTP errors stop the run (exit 74). Tokens are the server's usage; without one, the --tokenizer's count \
            (a tokenizer of the model's family), else words of the answer and the reasoning text (tokenizer "words"). \
            Every record carries its provenance: endpoint, model, token limit, \
            temperature, extra parameters, system prompt, tool version.
            Example: reasoning-bench run --endpoint http://localhost:8000/v1 --model Qwen/Qwen3-8B puzzles.jsonl -o results.jsonl
            Example: reasoning-bench run --endpoint https://api.openai.com/v1 --model o4-mini --max-tokens-field max_completion_tokens \
            --param reasoning_effort=high --no-temperature --price-prompt 1.1 --price-completion 4.4 p.jsonl -o r.jsonl
            """)

    @OptionGroup var input: RecordInput
    @Option(help: "API base URL (…/v1) or the full chat-completions URL; repeat to pair with --model.")
    var endpoint: [String]
    @Option(help: "Model name sent to the server and written in the records; repeat for several models.")
    var model: [String]
    @Option(
        name: .shortAndLong, help: ArgumentHelp("Results file (appended to; required for resuming).", valueName: "FILE")
    )
    var output: String
    @Option(help: "Requests in flight.") var concurrency = 4
    @Option(help: "Retries per instance after the first attempt.") var retries = 5
    @Option(help: "Seconds before a request times out.") var timeout = 600.0
    @Option(help: "Token budget.") var maxTokens = 32768
    @Option(help: "Name of the token budget field (max_tokens, or max_completion_tokens for reasoning APIs).")
    var maxTokensField = "max_tokens"
    @Option(help: "Sampling temperature.") var temperature = 0.0
    @Flag(help: "Send no temperature (for APIs that refuse one).") var noTemperature = false
    @Option(help: "Seed sent to the server (if it honours one); sample k is sent seed + k.") var seed: UInt64?
    @Option(help: "Samples per instance (records carry \"sample\": 0…K−1).") var samples = 1
    @Option(help: ArgumentHelp("System prompt text.", valueName: "TEXT")) var system: String?
    @Option(
        help: ArgumentHelp(
            "Extra request field, KEY=VALUE (VALUE read as JSON if it parses, else as a string); repeatable.",
            valueName: "KEY=VALUE"))
    var param: [String] = []
    @Flag(help: "Ask for a server-sent-event stream (stream: true) instead of one JSON answer.") var stream = false
    @Option(
        help: ArgumentHelp(
            "Tokenizer of the model's family for servers that send no usage (a tekken file or name, e.g. tekken_240911 for Mistral NeMo and Small 3).",
            valueName: "NAME"))
    var tokenizer: String?
    @Option(help: "Price per million prompt tokens (adds \"cost\" to each record).") var pricePrompt: Double?
    @Option(help: "Price per million completion tokens.") var priceCompletion: Double?
    @Option(help: "First backoff in seconds (doubles per retry, ±50% jitter).") var backoff = 1.0
    @Option(help: "Environment variable holding the API key.") var apiKeyEnv = "OPENAI_API_KEY"
    @Option(help: "Run at most this many instances of the input (the first ones).") var limit: Int?
    @Flag(help: "Keep the prompt text in the result records (imported records always keep it).") var keepPrompt = false
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
        if samples < 1 || samples > 1000 { throw ValidationError("--samples must be between 1 and 1000") }
        for p in [pricePrompt, priceCompletion] {
            if let p, !(p >= 0 && p.isFinite) { throw ValidationError("prices must be finite numbers ≥ 0") }
        }
        if endpoint.isEmpty || model.isEmpty { throw ValidationError("give --endpoint and --model") }
        if endpoint.count > 1 && endpoint.count != model.count {
            throw ValidationError(
                "give one --endpoint for every --model, or one for all (\(endpoint.count) endpoints, \(model.count) models)"
            )
        }
        if maxTokensField.isEmpty { throw ValidationError("--max-tokens-field must not be empty") }
        _ = try extraFields()
    }

    /// The --param fields.
    func extraFields() throws -> [String: JSON] {
        var out: [String: JSON] = [:]
        for p in param {
            guard let eq = p.firstIndex(of: "="), eq != p.startIndex else {
                throw ValidationError("--param \"\(p)\" is not KEY=VALUE")
            }
            let k = String(p[..<eq]), v = String(p[p.index(after: eq)...])
            out[k] = (try? JSON.parse(Array(v.utf8), what: "--param")) ?? .string(v)
        }
        return out
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
            let extra = try extraFields()
            let counter = try tokenizer.map { name throws(FjordError) in try BPETokenizer.load(name) }
            var failed = 0
            for (i, m) in model.enumerated() {
                let e = endpoint.count == 1 ? endpoint[0] : endpoint[i]
                let client = try ChatClient(endpoint: e, apiKey: key, timeout: timeout)
                var request = ChatClient.Request(model: m, maxTokens: maxTokens)
                request.maxTokensField = maxTokensField
                request.temperature = noTemperature ? nil : temperature
                request.seed = seed
                request.system = system
                request.extra = extra
                request.stream = stream
                var o = Runner.Options(request: request)
                o.concurrency = concurrency
                o.retries = retries
                o.samples = samples
                o.backoff = backoff
                o.keepPrompt = keepPrompt
                o.tool = "reasoning-bench \(fjordVersion)"
                o.tokenizer = counter
                o.pricePrompt = pricePrompt
                o.priceCompletion = priceCompletion
                let show = !quiet && isatty(2) == 1
                let s = try Runner(client: client, options: o).run(instances: instances, path: output) { s, total in
                    if show {
                        writeStderr(
                            "\r\(m): \(s.skipped + s.done + s.failed)/\(total) answered, \(s.failed) failed, \(s.retried) retries"
                        )
                    }
                }
                if show { writeStderr("\n") }
                let cost = pricePrompt != nil || priceCompletion != nil ? ", cost \(NumberFormat.fixed(s.cost, 4))" : ""
                printError(
                    "reasoning-bench run: \(m): \(s.done) answered (\(s.overflow) over the context), \(s.failed) failed after \(retries) retries, \(s.skipped) kept from an earlier run, \(s.dropped) earlier records redone, \(s.retried) retries\(cost)"
                )
                failed += s.failed
            }
            if failed > 0 {
                throw FjordError.io("\(failed) requests failed; run the same command again to retry them")
            }
        }
    }
}
