import Kernel

/// One JSON Lines record: a puzzle instance, and once a model has answered it, the response and its score.
///
/// `generate` writes the instance fields; `run` and `simulate` add the response fields; `score` adds the verdict fields.
/// The schema is documented in the package README. Keys are written sorted, so equal records are equal bytes.
public struct Record: Sendable, Equatable {
    // Instance.
    public var id: String
    public var parameters: PuzzleParameters
    public var seed: UInt64
    public var needles: Int
    public var needleOperations: Int
    public var needlePositions: [Int]
    public var category: Category
    public var person: String
    public var gold: String
    public var prompt: String?
    /// The wording of the prompt (records without one predate it and are `fjord`).
    public var text: TextStyle
    /// Where the instance comes from: nil for this generator (regenerable from params and seed), else the importer's
    /// name ("cogniload-official"); such a record carries its prompt.
    public var source: String?

    // Response.
    public var model: String?
    /// Which of several samples of the same instance this is (0 when only one was asked for).
    public var sample: Int
    /// How the response was obtained: endpoint, max_tokens, temperature, extra parameters, system prompt, tool version.
    public var provenance: [String: JSON]?
    public var completion: String?
    public var reasoning: String?
    public var finishReason: String?
    public var promptTokens: Int?
    public var completionTokens: Int?
    /// Of the completion tokens, those the server reports as reasoning (`completion_tokens_details.reasoning_tokens`).
    public var reasoningTokens: Int?
    public var totalTokens: Int?
    /// How tokens were counted: the server's tokenizer ("server"), or words of the answer and the reasoning text
    /// ("words"; "whitespace" in older records, the same rule), or a tokenizer file's name ("tekken_240911").
    public var tokenizer: String?
    /// What the response cost, from the per-token prices given to `run`.
    public var cost: Double?
    public var latencyMs: Double?
    public var attempts: Int?
    /// Set when the request failed for good; such a record has no completion and is retried on resume.
    public var error: String?

    // Verdict.
    public var extracted: String?
    public var completed: Bool?
    public var correct: Bool?
    public var ambiguous: Bool?

    /// The instance record of a generated puzzle.
    public init(puzzle p: Puzzle, index: Int, includePrompt: Bool = true) {
        id = p.parameters.id(index: index)
        parameters = p.parameters
        seed = p.seed
        needles = p.parameters.needles
        needleOperations = p.needleOperations
        needlePositions = p.needlePositions
        category = p.askedCategory
        person = p.people[p.poi]
        gold = p.gold
        prompt = includePrompt ? p.prompt() : nil
        text = p.style
        sample = 0
    }

    /// An instance record read from another generator's files: everything comes from the prompt and the given fields.
    public init(
        id: String, parameters: PuzzleParameters, seed: UInt64, prompt: String, gold: String, source: String,
        reading: Solver.Reading? = nil
    ) throws(FjordError) {
        let r: Solver.Reading
        if let reading { r = reading } else { r = try Solver.read(prompt) }
        self.id = id
        self.parameters = parameters
        self.seed = seed
        needles = r.needlePositions.count
        needleOperations = r.needleOperations
        needlePositions = r.needlePositions
        category = r.solution.category
        person = r.solution.person
        self.gold = gold
        self.prompt = prompt
        text = r.solution.style
        self.source = source
        sample = 0
    }

    /// Regenerates this record's puzzle from its parameters and seed.
    /// A record whose gold or person differs from the regenerated puzzle's was made by another generator: an error.
    public func puzzle() throws(FjordError) -> Puzzle {
        if let source {
            throw .data("\(id): an instance from \(source) cannot be regenerated; it must carry its prompt")
        }
        let p = try Generator.generate(parameters, seed: seed, style: text)
        guard p.gold == gold, person.isEmpty || p.people[p.poi] == person else {
            throw .data(
                "\(id): the puzzle regenerated from its params and seed has another answer; was it made by another generator version?"
            )
        }
        return p
    }

    /// The record's prompt, regenerated when the file does not carry it.
    public func promptText() throws(FjordError) -> String {
        if let prompt { return prompt }
        return try puzzle().prompt()
    }

    /// Work units W_poi: the needle count (statements the answer depends on).
    public var workload: Double { Double(needles) }

    /// The asked category's possible values as the puzzle writes them (see ``Solver/Reading/answerValues``): read from
    /// the prompt, else from the regenerated puzzle, else (neither readable) our vocabulary.
    public func answerValues() -> [String] {
        if let prompt, let r = try? Solver.read(prompt) { return r.answerValues }
        if let p = try? puzzle() {
            var out: [String] = []
            for (s, c) in p.categories.enumerated() where c == category || (category.isColour && c.isColour) {
                out += p.domains[s]
            }
            return out
        }
        return category.values
    }

    /// Scores the completion (sets extracted, completed, correct, ambiguous) against `values`, the asked category's
    /// values (default: ``answerValues()``; pass them when the prompt was just read). A record without a completion
    /// is left alone.
    public mutating func score(values: [String]? = nil) {
        guard let c = completion else { return }
        let v = Scoring.score(
            completion: c, finishReason: finishReason, category: category, gold: gold,
            values: values ?? answerValues())
        extracted = v.extracted
        completed = v.completed
        correct = v.correct
        ambiguous = v.ambiguous
    }

    public var json: JSON {
        var o: [String: JSON] = [
            "id": .string(id),
            "params": .object([
                "N": .number(Double(parameters.N)), "d": .number(Double(parameters.d)),
                "rho": .number(parameters.rho), "rounding": .string(parameters.rounding.rawValue),
            ]),
            "text": .string(text.rawValue),
            "seed": .number(Double(seed)),
            "needles": .number(Double(needles)),
            "needle_ops": .number(Double(needleOperations)),
            "needle_positions": .array(needlePositions.map { .number(Double($0)) }),
            "category": .string(category.name),
            "person": .string(person),
            "gold": .string(gold),
        ]
        func put(_ k: String, _ v: String?) { if let v { o[k] = .string(v) } }
        func put(_ k: String, _ v: Bool?) { if let v { o[k] = .bool(v) } }
        func put(_ k: String, _ v: Double?) { if let v { o[k] = .number(v) } }
        put("prompt", prompt)
        put("source", source)
        put("model", model)
        if sample != 0 { o["sample"] = .number(Double(sample)) }
        if let provenance { o["provenance"] = .object(provenance) }
        put("cost", cost)
        put("completion", completion)
        put("reasoning", reasoning)
        put("finish_reason", finishReason)
        put("tokenizer", tokenizer)
        put("latency_ms", latencyMs)
        put("attempts", attempts.map(Double.init))
        put("error", error)
        put("extracted", extracted)
        put("completed", completed)
        put("correct", correct)
        put("ambiguous", ambiguous)
        if promptTokens != nil || completionTokens != nil || totalTokens != nil {
            var u: [String: JSON] = [:]
            if let p = promptTokens { u["prompt_tokens"] = .number(Double(p)) }
            if let c = completionTokens { u["completion_tokens"] = .number(Double(c)) }
            if let r = reasoningTokens {
                u["completion_tokens_details"] = .object(["reasoning_tokens": .number(Double(r))])
            }
            if let t = totalTokens { u["total_tokens"] = .number(Double(t)) }
            o["usage"] = .object(u)
        }
        return .object(o)
    }

    /// One JSONL line (no newline).
    public var line: String { json.serialized }

    /// Reads a record from a parsed JSON object; `at` names the line in errors ("results.jsonl line 7").
    public init(json v: JSON, at: String) throws(FjordError) {
        func need<T>(_ k: String, _ get: (JSON) -> T?) throws(FjordError) -> T {
            guard let x = v[k], let t = get(x) else { throw .data("\(at): missing or mistyped field \"\(k)\"") }
            return t
        }
        func opt<T>(_ k: String, _ get: (JSON) -> T?) throws(FjordError) -> T? {
            guard let x = v[k], x != .null else { return nil }
            guard let t = get(x) else { throw .data("\(at): mistyped field \"\(k)\"") }
            return t
        }
        guard case .object = v else { throw .data("\(at): a record must be a JSON object") }
        id = try need("id") { $0.stringValue }
        let p = try need("params") { $0.objectValue }
        guard let n = p["N"]?.intValue, let d = p["d"]?.intValue, let r = p["rho"]?.doubleValue else {
            throw .data("\(at): \"params\" needs integer N and d and a number rho")
        }
        // Records written before the rounding was recorded used halves away from zero.
        let roundingName = p["rounding"]?.stringValue ?? NeedleRounding.halfAway.rawValue
        guard let rounding = NeedleRounding(rawValue: roundingName) else {
            throw .data("\(at): unknown params.rounding \"\(roundingName)\" (official or half-away)")
        }
        do { parameters = try PuzzleParameters(N: n, d: d, rho: r, rounding: rounding) } catch {
            throw .data("\(at): \(error.message)")
        }
        let textName = try opt("text") { $0.stringValue } ?? TextStyle.fjord.rawValue
        guard let style = TextStyle(rawValue: textName) else {
            throw .data("\(at): unknown text style \"\(textName)\" (official or fjord)")
        }
        text = style
        source = try opt("source") { $0.stringValue }
        sample = try opt("sample") { $0.intValue } ?? 0
        provenance = try opt("provenance") { $0.objectValue }
        cost = try opt("cost") { $0.doubleValue }
        seed = UInt64(try need("seed") { $0.intValue })
        needles = try opt("needles") { $0.intValue } ?? parameters.needles
        needleOperations = try opt("needle_ops") { $0.intValue } ?? 0
        needlePositions = try opt("needle_positions") { $0.arrayValue?.compactMap(\.intValue) } ?? []
        let cname = try need("category") { $0.stringValue }
        guard let c = Category(name: cname) else { throw .data("\(at): unknown category \"\(cname)\"") }
        category = c
        person = try opt("person") { $0.stringValue } ?? ""
        gold = try need("gold") { $0.stringValue }
        prompt = try opt("prompt") { $0.stringValue }
        model = try opt("model") { $0.stringValue }
        completion = try opt("completion") { $0.stringValue }
        reasoning = try opt("reasoning") { $0.stringValue }
        finishReason = try opt("finish_reason") { $0.stringValue }
        tokenizer = try opt("tokenizer") { $0.stringValue }
        latencyMs = try opt("latency_ms") { $0.doubleValue }
        attempts = try opt("attempts") { $0.intValue }
        error = try opt("error") { $0.stringValue }
        extracted = try opt("extracted") { $0.stringValue }
        completed = try opt("completed") { if case .bool(let b) = $0 { b } else { nil } }
        correct = try opt("correct") { if case .bool(let b) = $0 { b } else { nil } }
        ambiguous = try opt("ambiguous") { if case .bool(let b) = $0 { b } else { nil } }
        if let u = try opt("usage", { $0.objectValue }) {
            promptTokens = u["prompt_tokens"]?.intValue
            completionTokens = u["completion_tokens"]?.intValue
            reasoningTokens = u["completion_tokens_details"]?["reasoning_tokens"]?.intValue
            totalTokens = u["total_tokens"]?.intValue
        }
    }
}

/// Reading and writing JSON Lines files of records.
public enum RecordFile {
    /// Every record in `bytes` (the contents of `name`). Blank lines are skipped; a malformed line is an error naming
    /// its line number. `allowTruncatedLast` accepts a last line without its newline that does not parse (an interrupted
    /// writer) and reports it through `truncatedTail` instead.
    public static func parse(
        _ bytes: [UInt8], name: String, allowTruncatedLast: Bool = false,
        truncatedTail: UnsafeMutablePointer<Int>? = nil
    ) throws(FjordError) -> [Record] {
        var out: [Record] = []
        for line in JSONLines(bytes) {
            let at = "\(name) line \(line.number)"
            do {
                let v = try JSON.parse(line.bytes, what: at)
                out.append(try Record(json: v, at: at))
            } catch {
                if allowTruncatedLast && line.isLast {
                    truncatedTail?.pointee = line.bytes.count
                    return out
                }
                throw error
            }
        }
        return out
    }

    /// Records as JSON Lines bytes (one line each, newline-terminated).
    public static func jsonl(_ records: [Record]) -> [UInt8] {
        var out: [UInt8] = []
        for r in records {
            out += r.json.serializedBytes
            out.append(0x0A)
        }
        return out
    }

    /// Reads a file (or stdin for "-").
    public static func read(path: String) throws(FjordError) -> [Record] {
        let src = try ByteSource.open(path: path)
        let name = path == "-" ? "stdin" : path
        return try parse(try src.readAll(), name: name)
    }
}

/// Writes records as JSON Lines to a sink, in chunks of about 1 MiB (one write per chunk, not per record).
public struct RecordWriter {
    let sink: ByteSink
    var chunk: [UInt8] = []

    public init(_ sink: ByteSink) { self.sink = sink }

    public mutating func write(_ r: Record) throws(FjordError) {
        chunk += r.json.serializedBytes
        chunk.append(0x0A)
        if chunk.count >= 1 << 20 { try flush() }
    }

    /// Writes what is buffered; call once at the end.
    public mutating func flush() throws(FjordError) {
        try sink.write(chunk)
        chunk.removeAll(keepingCapacity: true)
    }
}

/// The non-blank lines of a JSON Lines file with their 1-based numbers (blank: only spaces, tabs and carriage
/// returns), and whether a line is the last, unterminated one (an interrupted writer's).
public struct JSONLines: Sequence, IteratorProtocol {
    let data: [UInt8]
    var start = 0, number = 0

    public init(_ data: [UInt8]) { self.data = data }

    public mutating func next() -> (number: Int, bytes: [UInt8], isLast: Bool)? {
        while start < data.count {
            number += 1
            var end = start
            while end < data.count && data[end] != 0x0A { end += 1 }
            let slice = Array(data[start..<end])
            start = end + 1
            if slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            return (number, slice, end == data.count)
        }
        return nil
    }
}
