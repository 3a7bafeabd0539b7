import Foundation
import Kernel
import Testing

@testable import ReasoningBench

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The server-sent-event reader on a hand-written stream in the shapes vLLM and OpenAI send.
@Suite struct ChatClientTests {
    @Test func streamsAreReadIntoOneResponse() throws {
        let stream = """
            data: {"choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":"Let me "},"finish_reason":null}],"error":null}

            data: {"choices":[{"index":0,"delta":{"reasoning_content":"think."},"finish_reason":null}]}

            data: {"choices":[{"index":0,"delta":{"content":"Ana is at"},"finish_reason":null}]}

            data: {"choices":[{"index":0,"delta":{"content":" the park."},"finish_reason":"stop"}]}

            data: {"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19,"completion_tokens_details":{"reasoning_tokens":3}}}

            data: [DONE]

            """
        let r = try ChatClient.events(Array(stream.utf8))
        #expect(r.content == "Ana is at the park." && r.reasoning == "Let me think." && r.finishReason == "stop")
        #expect(r.promptTokens == 12 && r.completionTokens == 7 && r.totalTokens == 19 && r.reasoningTokens == 3)
        #expect(throws: FjordError.self) {
            try ChatClient.events(Array("data: {\"error\":{\"message\":\"x\"}}\n".utf8))
        }
        #expect(throws: FjordError.self) { try ChatClient.events(Array(": keep-alive\n\n".utf8)) }
    }

    /// A 400 whose body says the context is exceeded is an overflow, not a fault; another 400 is final.
    @Test func contextRefusalsAreOverflows() throws {
        let url = URL(string: "http://localhost/v1/chat/completions")!
        let http = HTTPURLResponse(url: url, statusCode: 400, httpVersion: nil, headerFields: nil)
        let overflow = ChatClient.interpret(
            data: Data("{\"error\":{\"message\":\"This model's maximum context length is 32768 tokens.\"}}".utf8),
            response: http, error: nil, stream: false)
        guard case .failure(let f) = overflow else {
            Issue.record("expected a failure")
            return
        }
        #expect(f.overflow && !f.retryable)
        let other = ChatClient.interpret(
            data: Data("{\"error\":{\"message\":\"unknown model\"}}".utf8), response: http, error: nil, stream: false)
        guard case .failure(let g) = other else {
            Issue.record("expected a failure")
            return
        }
        #expect(!g.overflow && !g.retryable)
    }
}
