import Kernel

/// One OCR word on a page: its text and its box in page units.
public struct PageWord: Sendable, Equatable {
    public var text: String
    public var box: Box
    public init(_ text: String, _ box: Box) {
        self.text = text
        self.box = box
    }
}

/// A document question in the shape of PFL-DocVQA's records (question, answers, OCR tokens with boxes), with the
/// truth a self-explaining reader is judged by: the question-relevant evidence words (the field's key and value)
/// and the answer words, whose hull is the answer box.
public struct DocumentQuestion: Sendable, Equatable {
    public var id: String
    public var width: Double
    public var height: Double
    /// In reading order (top to bottom, left to right).
    public var words: [PageWord]
    public var question: String
    public var answers: [String]
    /// Indices into `words`.
    public var evidence: [Int]
    public var answerWords: [Int]

    public var answerBox: Box { Box.hull(answerWords.map { words[$0].box })! }
    public var pageArea: Double { width * height }
    public var questionTokens: [String] { Tokenizer.tokenize(question) }

    /// Checks every box is ordered and on the page and every index is a word; throws `.data` naming the record.
    public func validate() throws(FjordError) {
        guard width > 0, height > 0 else { throw .data("\(id): page \(width)×\(height) is empty") }
        for (i, w) in words.enumerated() { try w.box.validate(width: width, height: height, name: "\(id) word \(i)") }
        for i in evidence + answerWords where i < 0 || i >= words.count {
            throw .data("\(id): word index \(i) outside 0..<\(words.count)")
        }
        guard !answerWords.isEmpty, !answers.isEmpty else { throw .data("\(id): no answer") }
    }
}
