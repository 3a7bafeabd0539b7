import Foundation
import Kernel

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A client for OpenAI-compatible chat-completions servers (vLLM, llama.cpp's server, Ollama, hosted APIs):
/// `POST {endpoint}/chat/completions` with one user message, read back the text, the finish reason and token usage.
public final class ChatClient: @unchecked Sendable {
    public struct Response: Sendable {
        public var content: String
        /// Reasoning text returned beside the answer (`reasoning_content` of vLLM/DeepSeek, `reasoning` of Ollama).
        public var reasoning: String?
        public var finishReason: String?
        public var promptTokens: Int?
        public var completionTokens: Int?
    }

    /// A failed request: `retryable` for timeouts, dropped connections, 408/425/429 and 5xx; the rest are final.
    public struct Failure: Error, Sendable {
        public var message: String
        public var retryable: Bool
        /// Seconds the server asked us to wait (Retry-After).
        public var retryAfter: Double?
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

    /// The request body: one user message, the token budget, temperature and an optional seed.
    public static func body(
        model: String, prompt: String, maxTokens: Int, temperature: Double, seed: UInt64?
    ) -> [UInt8] {
        var o: [String: JSON] = [
            "model": .string(model),
            "messages": .array([.object(["role": .string("user"), "content": .string(prompt)])]),
            "max_tokens": .number(Double(maxTokens)),
            "temperature": .number(temperature),
        ]
        if let seed { o["seed"] = .number(Double(seed)) }
        return Array(JSON.object(o).serialized.utf8)
    }

    /// Sends one request and waits for its answer (blocking the calling thread).
    public func complete(body: [UInt8]) -> Result<Response, Failure> {
        var req = URLRequest(url: url)
        req.httpMethod = "POST"
        req.httpBody = Data(body)
        req.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let apiKey { req.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization") }
        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        session.dataTask(with: req) { data, response, error in
            box.result = ChatClient.interpret(data: data, response: response, error: error)
            done.signal()
        }.resume()
        done.wait()
        return box.result!
    }

    private final class ResultBox: @unchecked Sendable { var result: Result<Response, Failure>? }

    static func interpret(data: Data?, response: URLResponse?, error: Error?) -> Result<Response, Failure> {
        if let error { return .failure(Failure(message: "transport: \(error.localizedDescription)", retryable: true)) }
        guard let http = response as? HTTPURLResponse else {
            return .failure(Failure(message: "no HTTP response", retryable: true))
        }
        let bytes = data.map { [UInt8]($0) } ?? []
        guard http.statusCode == 200 else {
            let code = http.statusCode
            let retryable = code == 408 || code == 425 || code == 429 || code >= 500
            let snippet = String(decoding: bytes.prefix(200), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
            let after = (http.value(forHTTPHeaderField: "Retry-After")).flatMap(Double.init)
            return .failure(Failure(message: "HTTP \(code): \(snippet)", retryable: retryable, retryAfter: after))
        }
        do {
            let v = try JSON.parse(bytes, what: "response")
            guard let choice = v["choices"]?.arrayValue?.first, let message = choice["message"] else {
                return .failure(Failure(message: "response has no choices[0].message", retryable: true))
            }
            let usage = v["usage"]
            return .success(
                Response(
                    content: message["content"]?.stringValue ?? "",
                    reasoning: message["reasoning_content"]?.stringValue ?? message["reasoning"]?.stringValue,
                    finishReason: choice["finish_reason"]?.stringValue,
                    promptTokens: usage?["prompt_tokens"]?.intValue,
                    completionTokens: usage?["completion_tokens"]?.intValue))
        } catch {
            return .failure(Failure(message: "unreadable response: \(error.message)", retryable: true))
        }
    }
}
