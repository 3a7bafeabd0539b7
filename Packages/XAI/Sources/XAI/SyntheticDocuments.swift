import Kernel

/// A seeded synthetic DocVQA benchmark with known grounding (the CoExVQA pipeline's test bed; PFL-DocVQA's invoices
/// cannot be fetched here). A page is an invoice: a title, 6–10 of ten fields ("total: 412.50 eur", "due date:
/// 2021-03-04", "seller: nordic fish as", …) each on its own line at a random indent with its value tab-aligned, and
/// 2–5 lines of filler text between them. Fields are confusable on purpose: three amounts, two dates, two codes and
/// two company names share their value shapes, so the value must be bound to its key by layout. Each question asks
/// for one present field through one of its paraphrases; the evidence is the field's key and value words, the
/// answer its value words. Words are in reading order; a character is 4 × 6 page units (the 3 × 5 font of
/// ``PagePicture`` plus spacing) and the page is 200 × 220 units.
public struct SyntheticDocuments: Sendable {
    public static let width = 200.0, height = 220.0, advance = 4.0, lineHeight = 9.0, glyphHeight = 5.0

    public var seed: UInt64
    public init(seed: UInt64) { self.seed = seed }

    enum Value { case code(String), date, amount, company, phone }
    struct Field {
        var key: [String]
        var value: Value
        var questions: [String]
    }
    static let fields: [Field] = [
        Field(
            key: ["invoice", "no:"], value: .code("inv"),
            questions: ["what is the invoice number?", "which invoice number is given?"]),
        Field(
            key: ["order", "no:"], value: .code("po"),
            questions: ["what is the order number?", "what is the purchase order number?"]),
        Field(key: ["date:"], value: .date, questions: ["what is the invoice date?", "when was the invoice issued?"]),
        Field(key: ["due", "date:"], value: .date, questions: ["what is the due date?", "when is the payment due?"]),
        Field(
            key: ["subtotal:"], value: .amount, questions: ["what is the subtotal?", "what is the amount before tax?"]),
        Field(key: ["vat:"], value: .amount, questions: ["how much vat is charged?", "what is the vat amount?"]),
        Field(key: ["total:"], value: .amount, questions: ["what is the total amount?", "how much is due in total?"]),
        Field(
            key: ["seller:"], value: .company, questions: ["who is the seller?", "which company issued the invoice?"]),
        Field(key: ["buyer:"], value: .company, questions: ["who is the buyer?", "who is the invoice addressed to?"]),
        Field(
            key: ["phone:"], value: .phone, questions: ["what is the phone number?", "which phone number is listed?"]),
    ]
    static let companyFirst = [
        "nordic", "arctic", "bergen", "oslo", "fjord", "polar", "coastal", "northern", "atlantic",
    ]
    static let companySecond = ["fish", "shipping", "timber", "energy", "foods", "marine", "tech", "trading", "paper"]
    static let companySuffix = ["as", "ltd", "gmbh", "ab", "inc"]
    static let currencies = ["eur", "nok", "usd"]
    static let filler =
        ("thank you for your business payment terms net 30 days bank transfer please quote the reference on all "
        + "correspondence goods remain our property until paid in full late payments incur interest delivery to "
        + "warehouse b questions about this invoice contact accounts department page 1 of 1 item quantity unit price")
        .split(separator: " ").map(String.init)

    /// The shape tokens standing for words outside the lexicon (OCR values: numbers, dates, codes).
    public static let shapes = ["[AMOUNT]", "[DATE]", "[CODE]", "[NUMBER]"]

    /// The model's vocabulary: the reserved tokens, the shapes, then every key, question, filler and name word.
    public static let vocabulary: Vocabulary = {
        var words = shapes + ["invoice"]
        for f in fields { words += f.key + f.questions.flatMap(Tokenizer.tokenize) }
        words += companyFirst + companySecond + companySuffix + currencies + filler
        var seen = Set<String>()
        do {
            return try Vocabulary(words: words.filter { seen.insert($0).inserted })
        } catch {
            preconditionFailure("the document lexicon holds a duplicate or an empty word: \(error)")
        }
    }()

    /// A page word's id: its own when it is in the lexicon, else its shape's (digits with a decimal point: amount;
    /// dddd-dd-dd: date; letters and digits mixed: code; digits and '+': number; anything else: [UNK]).
    public static func id(ofPageWord w: String) -> Int32 {
        let v = vocabulary.id(w)
        if v != Vocabulary.unknown { return v }
        let digits = w.filter(\.isNumber).count
        guard digits > 0 else { return Vocabulary.unknown }
        let shape: String
        if w.contains("."), w.allSatisfy({ $0.isNumber || $0 == "." }) {
            shape = "[AMOUNT]"
        } else if w.count == 10, w.split(separator: "-").map(\.count) == [4, 2, 2] {
            shape = "[DATE]"
        } else if w.contains(where: \.isLetter) {
            shape = "[CODE]"
        } else {
            shape = "[NUMBER]"
        }
        return vocabulary.id(shape)
    }

    /// Question `index` of this seed's benchmark (a page of its own; the same index gives the same bytes).
    public func question(_ index: Int) -> DocumentQuestion {
        var rng = RNG(seed: seed, stream: UInt64(index))
        func pick<T>(_ a: [T]) -> T { a[rng.int(below: a.count)] }
        func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + rng.int(below: r.count) }
        func digits(_ n: Int) -> String { String((0..<n).map { _ in Character("\(int(0...9))") }) }
        func value(_ v: Value) -> [String] {
            switch v {
            case .code(let p): return ["\(p)-\(int(1...9))\(digits(int(3...4)))"]
            case .date: return ["20\(int(18...26))-\(String(format2: int(1...12)))-\(String(format2: int(1...28)))"]
            case .amount: return ["\(int(1...9))\(digits(int(0...3))).\(digits(2))", pick(Self.currencies)]
            case .company:
                return [pick(Self.companyFirst), pick(Self.companySecond)]
                    + (int(0...1) == 1 ? [pick(Self.companySuffix)] : [])
            case .phone: return ["+47", digits(4), digits(4)]
            }
        }
        let order = rng.permutation(Self.fields.count)
        let present = Array(order.prefix(int(6...10)))
        let asked = present[int(0...(present.count - 1))]
        var words: [PageWord] = []
        var y = 4.0
        /// One line of words from x0 on (a value from the tab stop `tab` after the first `keys` words); words that
        /// would run off the page are dropped (filler only: fields always fit).
        func line(_ texts: [String], at x0: Double, keys: Int = 0, tab: Double = 0) -> [Int] {
            var x = x0
            var out: [Int] = []
            for (i, t) in texts.enumerated() {
                if i == keys { x = max(x, tab) }
                let w = Double(t.count) * Self.advance - 1
                if x + w > Self.width - 2 { break }
                out.append(words.count)
                words.append(PageWord(t, Box(x, y, x + w, y + Self.glyphHeight)))
                x += w + 1 + Self.advance
            }
            y += Self.lineHeight
            return out
        }
        _ = line(["invoice"], at: Double(int(60...100)))
        y += Self.lineHeight
        var evidence: [Int] = [], answer: [Int] = []
        let fillerAfter = Set((0..<int(2...5)).map { _ in int(0...(present.count - 1)) })
        for (k, f) in present.enumerated() {
            let field = Self.fields[f]
            let v = value(field.value)
            let indent = Double(4 * int(1...8))
            let tab = indent + Double(4 * int(14...18))
            let placed = line(field.key + v, at: indent, keys: field.key.count, tab: tab)
            if f == asked {
                evidence = placed
                answer = Array(placed.suffix(v.count))
            }
            if fillerAfter.contains(k), y + Self.lineHeight < Self.height - 4 {
                let n = int(3...7)
                let start = int(0...(Self.filler.count - n))
                _ = line(Array(Self.filler[start..<(start + n)]), at: Double(4 * int(1...4)))
            }
        }
        let field = Self.fields[asked]
        return DocumentQuestion(
            id: "doc\(seed)-\(index)", width: Self.width, height: Self.height, words: words,
            question: pick(field.questions), answers: [answer.map { words[$0].text }.joined(separator: " ")],
            evidence: evidence, answerWords: answer)
    }

    public func questions(_ range: Range<Int>) -> [DocumentQuestion] { range.map(question) }
}

extension String {
    /// Two digits, zero-padded.
    init(format2 v: Int) { self = v < 10 ? "0\(v)" : "\(v)" }
}
