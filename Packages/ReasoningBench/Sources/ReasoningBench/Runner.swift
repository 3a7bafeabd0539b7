import Foundation
import Kernel

/// Sends every instance's prompt to a chat-completions server and appends one result record per instance to a JSONL
/// file, resumably.
///
/// - **Resume**: the output file's complete records are kept and, for the same model, their ids skipped. Records that carry an `error`
///   (retries exhausted) and a last line cut short by an interrupted run are dropped, rewriting the file atomically
///   first, so after a resumed run every instance appears exactly once.
/// - **Retries**: timeouts, dropped connections, 408/425/429 and 5xx are retried up to `retries` times with exponential
///   backoff (base · 2^attempt, capped, ±50% jitter) or the server's Retry-After; other statuses (400, 401, 404, …)
///   stop the run, since every later request would fail the same way.
/// - **Concurrency**: `concurrency` threads each hold one request in flight; records are appended as they finish (the
///   file is in completion order; `analyze` does not care).
public final class Runner: @unchecked Sendable {
    public struct Options: Sendable {
        public var model: String
        public var concurrency = 4
        public var retries = 5
        public var maxTokens = 4096
        public var temperature = 0.0
        public var seed: UInt64?
        public var backoff = 1.0
        public var maxBackoff = 60.0
        public var keepPrompt = false
        public init(model: String) { self.model = model }
    }

    public struct Summary: Sendable {
        public var skipped = 0, done = 0, failed = 0, retried = 0, dropped = 0
    }

    let client: ChatClient
    let options: Options
    let lock = NSLock()
    var summary = Summary()
    var fatal: FjordError?
    var next = 0

    public init(client: ChatClient, options: Options) {
        self.client = client
        self.options = options
    }

    /// The instances still to run for `model`, after cleaning `path` for resumption (see the type's documentation).
    /// Records are keyed by (model, id), so one file can hold several models' runs: another model's records are
    /// kept and do not count as done.
    public static func prepareResume(
        instances: [Record], path: String, model: String
    ) throws(FjordError)
        -> (pending: [Record], kept: Int, dropped: Int)
    {
        guard FileManager.default.fileExists(atPath: path) else { return (instances, 0, 0) }
        let bytes = try ByteSource.open(path: path).readAll()
        var tail = 0
        let existing = try RecordFile.parse(bytes, name: path, allowTruncatedLast: true, truncatedTail: &tail)
        var seen = Set<String>(), done = Set<String>(), kept: [Record] = []
        for r in existing where r.error == nil && r.completion != nil {
            let key = (r.model ?? "") + "\u{0}" + r.id
            guard seen.insert(key).inserted else { continue }
            kept.append(r)
            if r.model == model { done.insert(r.id) }
        }
        let dropped = existing.count - kept.count + (tail > 0 ? 1 : 0)
        if dropped > 0 {
            try AtomicFile.write(RecordFile.jsonl(kept), to: path)
        }
        return (instances.filter { !done.contains($0.id) }, done.count, dropped)
    }

    /// Runs `instances` into `path` (appending). Returns what happened; throws on a final server error.
    public func run(
        instances all: [Record], path: String, progress: (@Sendable (Summary, Int) -> Void)? = nil
    ) throws(FjordError) -> Summary {
        let (pending, kept, dropped) = try Runner.prepareResume(instances: all, path: path, model: options.model)
        summary.skipped = kept
        summary.dropped = dropped
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { throw .io("\(path): cannot open for appending") }
        defer { close(fd) }
        let group = DispatchGroup()
        for _ in 0..<max(1, min(options.concurrency, pending.count)) {
            group.enter()
            let t = Thread { [self] in
                work(pending, fd: fd, total: all.count, progress: progress)
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
            let s = summary
            lock.unlock()
            progress?(s, total)
        }
    }

    /// One instance, with retries: a result record (with `error` set if every attempt failed retryably).
    func answer(_ instance: Record) throws(FjordError) -> Record {
        let prompt = try instance.promptText()
        let body = ChatClient.body(
            model: options.model, prompt: prompt, maxTokens: options.maxTokens,
            temperature: options.temperature, seed: options.seed)
        var rec = instance
        rec.prompt = options.keepPrompt ? prompt : nil
        rec.model = options.model
        var rng = SplitMix64(seed: instance.seed ^ 0xBAC0FF)
        var lastError = ""
        for attempt in 0...options.retries {
            let start = DispatchTime.now().uptimeNanoseconds
            switch client.complete(body: body) {
            case .success(let r):
                rec.completion = r.content
                rec.reasoning = r.reasoning
                rec.finishReason = r.finishReason
                rec.promptTokens = r.promptTokens
                rec.completionTokens = r.completionTokens
                rec.tokenizer = r.completionTokens == nil ? "whitespace" : "server"
                rec.latencyMs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
                rec.attempts = attempt + 1
                if rec.finishReason == nil, let t = r.completionTokens, t >= options.maxTokens {
                    rec.finishReason = "length"
                }
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
}
