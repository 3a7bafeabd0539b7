import Foundation
import Kernel

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A client for OpenAI-compatible chat-completions servers (vLLM, llama.cpp's server, Ollama, hosted APIs):
/// `POST {endpoint}/chat/completions` with an optional system message and one user message; reads back the text, the
/// reasoning text, the finish reason and token usage, from one JSON answer or from a stream of server-sent events.
public final class ChatClient: @unchecked Sendable {
    /// What every request of a run carries besides the prompt.
    public struct Request: Sendable {
        public var model: String
        public var maxTokens: Int
        /// The name of the token limit field: `max_tokens`, or `max_completion_tokens` for APIs that want it.
        public var maxTokensField = "max_tokens"
        public var temperature: Double?
        public var seed: UInt64?
        public var system: String?
        /// Extra top-level fields (`reasoning_effort`, `top_p`, …), written as given; they override the fields above.
        public var extra: [String: JSON] = [:]
        /// Ask for server-sent events (`stream: true`, with usage in the last event).
        public var stream = false
        public init(model: String, maxTokens: Int) {
            self.model = model
            self.maxTokens = maxTokens
        }
    }

    public struct Response: Sendable {
        public var content: String
        /// Reasoning text returned beside the answer (`reasoning_content` of vLLM/DeepSeek, `reasoning` of Ollama
        /// and OpenRouter).
        public var reasoning: String?
        public var finishReason: String?
        public var promptTokens: Int?
        public var completionTokens: Int?
        /// `usage.completion_tokens_details.reasoning_tokens`.
        public var reasoningTokens: Int?
        public var totalTokens: Int?
    }

    /// A failed request: `retryable` for timeouts, dropped connections, 408/425/429 and 5xx; the rest are final.
    /// `overflow` marks a refusal because the prompt and budget exceed the model's context (HTTP 400 or 413 whose
    /// body says so): CogniLoad's overflow outcome, not a fault of the run.
    public struct Failure: Error, Sendable {
        public var message: String
        public var retryable: Bool
        /// Seconds the server asked us to wait (Retry-After).
        public var retryAfter: Double?
        public var overflow = false
    }

    public let url: URL
    let session: URLSession
    let apiKey: String?

    /// `endpoint` is the API base ("http://localhost:8000/v1") or the full chat-completions URL.
    public init(endpoint: String, apiKey: String? = nil, timeout: Double) throws(FjordError) {
        var e = endpoint
        while e.hasSuffix("/") { e.removeLast() }
        if !e.hasSuffix("/chat/completions") { e += "/chat/completions" }
        guard let u = URL(string: e), let scheme = u.scheme, ["http", "https"].contains(scheme), u.host != nil else {
            throw .usage("--endpoint \"\(endpoint)\" is not an http(s) URL")
        }
        url = u
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = timeout
        config.timeoutIntervalForResource = timeout
        config.httpMaximumConnectionsPerHost = 64
        session = URLSession(configuration: config)
        self.apiKey = apiKey
    }

    /// The request body for `prompt`.
    public static func body(_ r: Request, prompt: String) -> [UInt8] {
        var messages: [JSON] = []
        if let s = r.system { messages.append(.object(["role": .string("system"), "content": .string(s)])) }
        messages.append(.object(["role": .string("user"), "content": .string(prompt)]))
        var o: [String: JSON] = [
            "model": .string(r.model), "messages": .array(messages), r.maxTokensField: .number(Double(r.maxTokens)),
        ]
        if let t = r.temperature { o["temperature"] = .number(t) }
        if let seed = r.seed { o["seed"] = .number(Double(seed)) }
        if r.stream {
            o["stream"] = .bool(true)
            o["stream_options"] = .object(["include_usage": .bool(true)])
        }
        for (k, v) in r.extra { o[k] = v }
        return Array(JSON.object(o).serialized.utf8)
    }

    /// Sends one request and waits for its answer (blocking the calling thread).
    public func complete(body: [UInt8], stream: Bool = false) -> Result<Response, Failure> {
        var req = URLRequest(url: url)
        req.httpMethod = "POST"
        req.httpBody = Data(body)
        req.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if stream { req.setValue("text/event-stream", forHTTPHeaderField: "Accept") }
        if let apiKey { req.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization") }
        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        session.dataTask(with: req) { data, response, error in
            box.result = ChatClient.interpret(data: data, response: response, error: error, stream: stream)
            done.signal()
        }.resume()
        done.wait()
        return box.result!
    }

    private final class ResultBox: @unchecked Sendable { var result: Result<Response, Failure>? }

    /// Phrases of context-length refusals (vLLM, OpenAI, llama.cpp, TGI, Anthropic-compatible gateways).
    static let overflowPhrases = [
        "context length", "context_length", "maximum context", "context size", "context window",
        "too many tokens", "prompt is too long", "exceeds the available context",
    ]

    static func interpret(data: Data?, response: URLResponse?, error: Error?, stream: Bool) -> Result<Response, Failure>
    {
        if let error { return .failure(Failure(message: "transport: \(error.localizedDescription)", retryable: true)) }
        guard let http = response as? HTTPURLResponse else {
            return .failure(Failure(message: "no HTTP response", retryable: true))
        }
        let bytes = data.map { [UInt8]($0) } ?? []
        guard http.statusCode == 200 else {
            let code = http.statusCode
            let retryable = code == 408 || code == 425 || code == 429 || code >= 500
            let text = String(decoding: bytes.prefix(2000), as: UTF8.self)
            let snippet = String(text.prefix(200)).replacingOccurrences(of: "\n", with: " ")
            let after = (http.value(forHTTPHeaderField: "Retry-After")).flatMap(Double.init)
            let lower = text.lowercased()
            let overflow = (code == 400 || code == 413) && overflowPhrases.contains { lower.contains($0) }
            return .failure(
                Failure(
                    message: "HTTP \(code): \(snippet)", retryable: retryable, retryAfter: after, overflow: overflow))
        }
        do {
            if stream || bytes.starts(with: Array("data:".utf8)) { return try .success(events(bytes)) }
            let v = try JSON.parse(bytes, what: "response")
            guard let choice = v["choices"]?.arrayValue?.first, let message = choice["message"] else {
                return .failure(Failure(message: "response has no choices[0].message", retryable: true))
            }
            var r = Response(
                content: message["content"]?.stringValue ?? "",
                reasoning: message["reasoning_content"]?.stringValue ?? message["reasoning"]?.stringValue,
                finishReason: choice["finish_reason"]?.stringValue)
            usage(v["usage"], into: &r)
            return .success(r)
        } catch {
            return .failure(Failure(message: "unreadable response: \(error.message)", retryable: true))
        }
    }

    /// Reads `usage` (when present) into the response.
    static func usage(_ u: JSON?, into r: inout Response) {
        guard let u, case .object = u else { return }
        r.promptTokens = u["prompt_tokens"]?.intValue
        r.completionTokens = u["completion_tokens"]?.intValue
        r.totalTokens = u["total_tokens"]?.intValue
        r.reasoningTokens = u["completion_tokens_details"]?["reasoning_tokens"]?.intValue
    }

    /// A server-sent-event stream: `data: {chunk}` lines until `data: [DONE]`; the text is the concatenation of
    /// `choices[0].delta.content` (and of the reasoning deltas), usage comes in the last chunk that has it.
    static func events(_ bytes: [UInt8]) throws(FjordError) -> Response {
        var content = "", reasoning = "", finish: String?
        var r = Response(content: "")
        var sawChunk = false
        for raw in bytes.split(separator: 0x0A, omittingEmptySubsequences: true) {
            var line = raw[...]
            if line.last == 0x0D { line = line.dropLast() }
            guard line.starts(with: Array("data:".utf8)) else { continue }
            var payload = line.dropFirst(5)
            while payload.first == 0x20 { payload = payload.dropFirst() }
            if payload.elementsEqual(Array("[DONE]".utf8)) { break }
            let v = try JSON.parse(Array(payload), what: "stream event")
            if let e = v["error"], e != .null { throw .data("stream error: \(e.serialized.prefix(200))") }
            sawChunk = true
            if let choice = v["choices"]?.arrayValue?.first {
                let delta = choice["delta"] ?? choice["message"]
                if let c = delta?["content"]?.stringValue { content += c }
                if let t = delta?["reasoning_content"]?.stringValue ?? delta?["reasoning"]?.stringValue {
                    reasoning += t
                }
                if let f = choice["finish_reason"]?.stringValue { finish = f }
            }
            usage(v["usage"], into: &r)
        }
        guard sawChunk else { throw .data("the stream has no data events") }
        r.content = content
        r.reasoning = reasoning.isEmpty ? nil : reasoning
        r.finishReason = finish
        return r
    }
}
