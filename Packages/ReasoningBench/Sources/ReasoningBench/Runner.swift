import Foundation
import Kernel

/// Sends every instance's prompt to a chat-completions server, `samples` times, and appends one result record per
/// (instance, sample) to a JSONL file, resumably.
///
/// - **Resume**: the output file's complete records are kept and, for the same model, their (id, sample) skipped.
///   Records that carry an `error` (retries exhausted) and a last line cut short by an interrupted run are dropped,
///   rewriting the file atomically first, so after a resumed run every (instance, sample) appears exactly once.
/// - **Retries**: timeouts, dropped connections, 408/425/429 and 5xx are retried up to `retries` times with exponential
///   backoff (base · 2^attempt, capped, ±50% jitter) or the server's Retry-After; other statuses (400, 401, 404, …)
///   stop the run, since every later request would fail the same way.
/// - **Overflow**: a refusal because the prompt and budget exceed the model's context (HTTP 400 saying so) is
///   CogniLoad's overflow outcome: recorded with `finish_reason` "overflow" and an empty completion, scored wrong (not
///   completed), and the run goes on.
/// - **Tokens**: the server's usage when it sends one (`tokenizer` "server"); else, with a `tokenizer` of the model's
///   family, its count of the answer and the reasoning text (`tokenizer` its name), else their words (`tokenizer`
///   "words"). `analyze` says when one model's records mix units.
/// - **Concurrency**: `concurrency` threads each hold one request in flight; records are appended as they finish (the
///   file is in completion order; `analyze` does not care).
public final class Runner: @unchecked Sendable {
    public struct Options: Sendable {
        public var request: ChatClient.Request
        public var concurrency = 4
        public var retries = 5
        public var samples = 1
        public var backoff = 1.0
        public var maxBackoff = 60.0
        public var keepPrompt = false
        /// Counts tokens when the server sends no usage (else words are counted).
        public var tokenizer: BPETokenizer?
        /// The tool and version written in every record's provenance.
        public var tool = "reasoning-bench"
        /// Prices in currency units per million prompt and completion tokens (server counts only).
        public var pricePrompt: Double?
        public var priceCompletion: Double?
        public var model: String { request.model }
        public init(request: ChatClient.Request) { self.request = request }
    }

    public struct Summary: Sendable {
        public var skipped = 0, done = 0, failed = 0, retried = 0, dropped = 0, overflow = 0
        public var cost = 0.0
    }

    let client: ChatClient
    let options: Options
    let provenance: [String: JSON]
    let lock = NSLock()
    var summary = Summary()
    var fatal: FjordError?
    var next = 0

    public init(client: ChatClient, options: Options) {
        self.client = client
        self.options = options
        let r = options.request
        var p: [String: JSON] = [
            "endpoint": .string(client.url.absoluteString), "max_tokens": .number(Double(r.maxTokens)),
            "tool": .string(options.tool), "stream": .bool(r.stream),
        ]
        if r.maxTokensField != "max_tokens" { p["max_tokens_field"] = .string(r.maxTokensField) }
        if let t = r.temperature { p["temperature"] = .number(t) }
        if let s = r.seed { p["seed"] = .number(Double(s)) }
        if let s = r.system { p["system"] = .string(s) }
        if !r.extra.isEmpty { p["params"] = .object(r.extra) }
        if let c = options.pricePrompt { p["price_prompt_per_million"] = .number(c) }
        if let c = options.priceCompletion { p["price_completion_per_million"] = .number(c) }
        provenance = p
    }

    static func key(_ model: String?, _ id: String, _ sample: Int) -> String {
        (model ?? "") + "\u{0}" + id + "\u{0}" + String(sample)
    }

    /// The (instance, sample) pairs still to run for `model`, after cleaning `path` for resumption (see the type's
    /// documentation). Records are keyed by (model, id, sample), so one file can hold several models' runs.
    public static func prepareResume(
        instances: [Record], samples: Int = 1, path: String, model: String
    ) throws(FjordError) -> (pending: [Record], kept: Int, dropped: Int) {
        var all: [Record] = []
        for r in instances {
            for s in 0..<samples {
                var x = r
                x.sample = s
                all.append(x)
            }
        }
        guard FileManager.default.fileExists(atPath: path) else { return (all, 0, 0) }
        let bytes = try ByteSource.open(path: path).readAll()
        var tail = 0
        let existing = try RecordFile.parse(bytes, name: path, allowTruncatedLast: true, truncatedTail: &tail)
        var seen = Set<String>(), done = Set<String>(), kept: [Record] = []
        for r in existing where r.error == nil && r.completion != nil {
            let k = key(r.model, r.id, r.sample)
            guard seen.insert(k).inserted else { continue }
            kept.append(r)
            if r.model == model { done.insert(k) }
        }
        let dropped = existing.count - kept.count + (tail > 0 ? 1 : 0)
        if dropped > 0 {
            try AtomicFile.write(RecordFile.jsonl(kept), to: path)
        }
        return (all.filter { !done.contains(key(model, $0.id, $0.sample)) }, done.count, dropped)
    }

    /// Runs `instances` into `path` (appending). Returns what happened; throws on a final server error.
    public func run(
        instances all: [Record], path: String, progress: (@Sendable (Summary, Int) -> Void)? = nil
    ) throws(FjordError) -> Summary {
        let (pending, kept, dropped) = try Runner.prepareResume(
            instances: all, samples: options.samples, path: path, model: options.model)
        summary.skipped = kept
        summary.dropped = dropped
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { throw .io("\(path): cannot open for appending") }
        defer { close(fd) }
        let group = DispatchGroup()
        for _ in 0..<max(1, min(options.concurrency, pending.count)) {
            group.enter()
            let t = Thread { [self] in
                work(pending, fd: fd, total: all.count * options.samples, progress: progress)
                group.leave()
            }
            t.stackSize = 1 << 20
            t.start()
        }
        group.wait()
        if let fatal { throw fatal }
        return summary
    }

    private func work(_ pending: [Record], fd: Int32, total: Int, progress: (@Sendable (Summary, Int) -> Void)?) {
        while true {
            lock.lock()
            if fatal != nil || next >= pending.count {
                lock.unlock()
                return
            }
            let instance = pending[next]
            next += 1
            lock.unlock()
            let record: Record
            do { record = try answer(instance) } catch {
                lock.lock()
                if fatal == nil { fatal = error }
                lock.unlock()
                return
            }
            let line = Array((record.line + "\n").utf8)
            lock.lock()
            let ok = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == line.count
            if !ok && fatal == nil { fatal = .io("cannot append to the output file") }
            if record.error == nil { summary.done += 1 } else { summary.failed += 1 }
            if record.finishReason == "overflow" { summary.overflow += 1 }
            summary.cost += record.cost ?? 0
            let s = summary
            lock.unlock()
            progress?(s, total)
        }
    }

    /// Words of `s` (runs of non-space characters).
    static func words(_ s: String?) -> Int {
        guard let s else { return 0 }
        return s.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).count
    }

    /// One (instance, sample), with retries: a result record (with `error` set if every attempt failed retryably).
    func answer(_ instance: Record) throws(FjordError) -> Record {
        let prompt = try instance.promptText()
        var request = options.request
        if let s = request.seed { request.seed = s &+ UInt64(instance.sample) }
        let body = ChatClient.body(request, prompt: prompt)
        var rec = instance
        rec.prompt = options.keepPrompt || instance.source != nil ? prompt : nil
        rec.model = options.model
        rec.provenance = provenance
        var rng = SplitMix64(seed: instance.seed ^ 0xBAC0FF ^ UInt64(instance.sample))
        var lastError = ""
        for attempt in 0...options.retries {
            let start = DispatchTime.now().uptimeNanoseconds
            switch client.complete(body: body, stream: request.stream) {
            case .success(let r):
                rec.completion = r.content
                rec.reasoning = r.reasoning
                rec.finishReason = r.finishReason
                rec.promptTokens = r.promptTokens
                rec.completionTokens = r.completionTokens
                rec.reasoningTokens = r.reasoningTokens
                rec.totalTokens = r.totalTokens
                if r.completionTokens == nil, let t = options.tokenizer {
                    rec.completionTokens = t.count(r.content) + t.count(r.reasoning ?? "")
                    rec.promptTokens = r.promptTokens ?? t.count(prompt)
                    rec.tokenizer = t.name
                } else if r.completionTokens == nil {
                    rec.completionTokens = Runner.words(r.content) + Runner.words(r.reasoning)
                    rec.tokenizer = "words"
                } else {
                    rec.tokenizer = "server"
                    rec.cost = cost(prompt: r.promptTokens, completion: r.completionTokens)
                }
                rec.latencyMs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
                rec.attempts = attempt + 1
                if rec.finishReason == nil, let t = r.completionTokens, t >= request.maxTokens {
                    rec.finishReason = "length"
                }
                rec.score()
                return rec
            case .failure(let f) where f.overflow:
                rec.completion = ""
                rec.finishReason = "overflow"
                rec.completionTokens = 0  // nothing generated, in any unit
                rec.latencyMs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
                rec.attempts = attempt + 1
                rec.provenance?["overflow_message"] = .string(f.message)
                rec.score()
                return rec
            case .failure(let f):
                lastError = f.message
                guard f.retryable else { throw .io("\(client.url): \(f.message) (not retried)") }
                if attempt == options.retries { break }
                lock.lock()
                summary.retried += 1
                lock.unlock()
                let wait =
                    f.retryAfter ?? min(options.maxBackoff, options.backoff * Double(1 << min(attempt, 20)))
                    * (0.5 + rng.uniform())
                Thread.sleep(forTimeInterval: wait)
            }
        }
        rec.error = lastError
        rec.attempts = options.retries + 1
        return rec
    }

    func cost(prompt: Int?, completion: Int?) -> Double? {
        guard options.pricePrompt != nil || options.priceCompletion != nil else { return nil }
        return Double(prompt ?? 0) * (options.pricePrompt ?? 0) / 1e6
            + Double(completion ?? 0) * (options.priceCompletion ?? 0) / 1e6
    }
}
