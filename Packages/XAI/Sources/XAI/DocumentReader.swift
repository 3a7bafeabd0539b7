import Kernel
import Learn

#if canImport(Glibc)
    import Glibc
#endif

/// A CoExVQA-style reader in miniature over OCR words with boxes (research/xai.md §4; the paper's model reads page
/// images with a vision-language backbone, ours reads the OCR layer PFL-DocVQA ships with every page):
///
///     x = [CLS] + question tokens + page words        (``DocumentEmbedding``: id + segment + 2-D position)
///     e ← e + MHA₀(e)      [CLS] gathers the question, each word its neighbours (its line's key)
///     e ← e + MHA₁(e)      head 0's [CLS] row α over the page words = (1) the question's **evidence**
///     e ← e + MHA₂(e)      head 1's [CLS] row β, whose query is [CLS] after step 1 = (2) the **answer region**:
///                          box = hull of the words with β ≥ ½ max β
///     p_w = softmax(W₂ ReLU(W₁ e_w))₁                  per word: "is part of the answer" (the decoder)
///
/// (3) The **constrained** decoder reads only the words whose centre lies in the box: those it tags (p > ½), or all
/// of them when it tags none, in reading order. The **unconstrained** decoder is the same tagger over the whole page
/// (an extractive black-box DocVQA reader), its box the hull of what it tagged. α and β are trained towards the
/// true evidence and answer words (KL, as SRA's alignment), the tagger by cross-entropy: ``DocumentObjective``.
public final class DocumentReader {
    public struct Shape: Sendable, Equatable {
        public var dim = 48
        public var heads = 4
        public var hidden = 64
        /// Attention layers (≥ 2): the evidence head is in the last but one, the region head in the last.
        public var layers = 3
        public init() {}
    }
    /// sine/cosine frequencies of the position features (multiples of π over the page's width or height).
    static let frequencies: [Double] = [1, 2, 4, 8, 16, 32]
    /// Segment one-hot (3), box centre, width and height (4), sin/cos per frequency of x and y.
    public static let features = 7 + 4 * frequencies.count
    /// Bins of the box centre's x and of its top y (LayoutLM-style coordinate embeddings); bin 0 is kept for
    /// [CLS] and the question.
    public static let bins = 65
    public static let evidenceHead = 0, regionHead = 1
    public var evidenceLayer: Int { shape.layers - 2 }
    public var regionLayer: Int { shape.layers - 1 }

    public let shape: Shape
    public let model: Sequential
    let attention: [MultiHeadAttention]

    public init(_ shape: Shape = Shape(), seed: UInt64 = 0) {
        precondition(shape.heads >= 2 && shape.layers >= 2, "the reader needs two heads and two layers")
        self.shape = shape
        attention = (0..<shape.layers).map { _ in MultiHeadAttention(dim: shape.dim, heads: shape.heads) }
        let embedding = DocumentEmbedding(
            vocabulary: SyntheticDocuments.vocabulary.count, bins: Self.bins, features: Self.features, dim: shape.dim)
        model = Sequential(
            [embedding] + attention.map { Residual($0) }
                + [Linear(shape.dim, shape.hidden), Activation(.relu), Linear(shape.hidden, 2)],
            names: ["embedding"] + attention.indices.map { "attention\($0)" } + ["tagger0", "relu", "tagger1"],
            seed: seed)
    }

    /// A question with the page words the reader may see (all of them, or what an intervention left).
    public struct View: Sendable {
        public var question: DocumentQuestion
        /// Indices into question.words, in reading order.
        public var visible: [Int]
        /// The question's tokens (tokenized once: offsets are asked for per word).
        let tokens: [String]
        public init(_ q: DocumentQuestion, visible: [Int]? = nil) {
            question = q
            self.visible = visible ?? Array(q.words.indices)
            tokens = q.questionTokens
        }
        /// Sequence position of the first page word.
        var offset: Int { 1 + tokens.count }
        var length: Int { offset + visible.count }
    }

    /// The bins and features of one word: x and y bins, then segment 2 (page), centre, size, sin/cos of πk·cx and πk·cy.
    static func geometry(_ b: Box, width: Double, height: Double, into r: UnsafeMutablePointer<Float>) {
        let cx = (b.x0 + b.x1) / 2 / width, cy = (b.y0 + b.y1) / 2 / height
        func bin(_ v: Double) -> Float { Float(1 + min(bins - 2, max(0, Int(v * Double(bins - 1))))) }
        r[0] = bin(cx)
        r[1] = bin(b.y0 / height)
        let g = r + 2
        g[2] = 1
        g[3] = Float(cx)
        g[4] = Float(cy)
        g[5] = Float((b.x1 - b.x0) / width)
        g[6] = Float((b.y1 - b.y0) / height)
        for (k, f) in frequencies.enumerated() {
            g[7 + 4 * k] = Float(sin(.pi * f * cx))
            g[8 + 4 * k] = Float(cos(.pi * f * cx))
            g[9 + 4 * k] = Float(sin(.pi * f * cy))
            g[10 + 4 * k] = Float(cos(.pi * f * cy))
        }
    }

    /// The model input for a batch of views, [B, T, 3 + G], right-padded; sets the attention layers' key lengths.
    public func input(_ views: [View]) -> Tensor {
        let t = views.map(\.length).max() ?? 1
        let c = DocumentEmbedding.columns + Self.features
        var x = Tensor(zeros: [views.count, t, c])
        x.withUnsafeMutableBufferPointer { p in
            for (i, v) in views.enumerated() {
                let row = p.baseAddress! + i * t * c
                row[0] = Float(Vocabulary.cls)
                row[3] = 1
                for (j, w) in v.tokens.enumerated() {
                    row[(1 + j) * c] = Float(SyntheticDocuments.vocabulary.id(w))
                    row[(1 + j) * c + 4] = 1
                }
                for (j, w) in v.visible.enumerated() {
                    let r = row + (v.offset + j) * c
                    let word = v.question.words[w]
                    r[0] = Float(SyntheticDocuments.id(ofPageWord: word.text))
                    Self.geometry(word.box, width: v.question.width, height: v.question.height, into: r + 1)
                }
            }
        }
        for a in attention { a.keyLengths = views.map(\.length) }
        return x
    }

    public func forward(_ views: [View]) -> Tensor { model.forward(input(views)) }

    /// The attention [B, heads, T, T] of `layer` in the last forward pass.
    func weights(layer: Int) -> Tensor { attention[layer].attentionWeights! }
    func setAttentionGradient(_ g: Tensor, layer: Int) { attention[layer].attentionGradient = g }

    /// What the chain produced for one view; word lists are indices into question.words.
    public struct Reading: Sendable {
        /// Per visible word: evidence weight α, answer-region weight β, tagger probability.
        public var evidence: [Float], region: [Float], tagged: [Float]
        public var box: Box?
        public var constrained: [Int]
        public var unconstrained: [Int]
        public var unconstrainedBox: Box?
    }

    /// Reads every view, in batches of `batch`.
    public func read(_ views: [View], batch: Int = 64) -> [Reading] {
        var out: [Reading] = []
        out.reserveCapacity(views.count)
        var s = 0
        while s < views.count {
            let part = Array(views[s..<min(views.count, s + batch)])
            let z = forward(part)
            let a0 = weights(layer: evidenceLayer), a1 = weights(layer: regionLayer)
            let (h, t) = (a0.shape[1], a0.shape[2])
            for (i, v) in part.enumerated() {
                let n = v.visible.count
                var r = Reading(
                    evidence: [], region: [], tagged: [], box: nil, constrained: [], unconstrained: [],
                    unconstrainedBox: nil)
                let e0 = (i * h + Self.evidenceHead) * t * t + v.offset
                let e1 = (i * h + Self.regionHead) * t * t + v.offset
                a0.withUnsafeBufferPointer { p in r.evidence = (0..<n).map { p[e0 + $0] } }
                a1.withUnsafeBufferPointer { p in r.region = (0..<n).map { p[e1 + $0] } }
                z.withUnsafeBufferPointer { p in
                    r.tagged = (0..<n).map { j in
                        let k = (i * t + v.offset + j) * 2
                        return 1 / (1 + expf(p[k] - p[k + 1]))
                    }
                }
                Self.decode(&r, v)
                out.append(r)
            }
            s += batch
        }
        return out
    }

    /// Steps (2) and (3) from the weights: the box, and both decoders' words.
    static func decode(_ r: inout Reading, _ v: View) {
        let n = v.visible.count
        guard n > 0 else { return }
        let words = v.question.words
        let top = r.region.max()!
        r.box = Box.hull((0..<n).filter { r.region[$0] >= top / 2 }.map { words[v.visible[$0]].box })
        let inside = (0..<n).filter { r.box!.containsCentre(of: words[v.visible[$0]].box) }
        let taggedInside = inside.filter { r.tagged[$0] > 0.5 }
        r.constrained = (taggedInside.isEmpty ? inside : taggedInside).map { v.visible[$0] }
        var tagged = (0..<n).filter { r.tagged[$0] > 0.5 }
        if tagged.isEmpty { tagged = [(0..<n).max { r.tagged[$0] < r.tagged[$1] }!] }
        r.unconstrained = tagged.map { v.visible[$0] }
        r.unconstrainedBox = Box.hull(r.unconstrained.map { words[$0].box })
    }

    /// The answer text of a word list: the words joined by spaces, in reading order.
    public static func text(_ words: [Int], of q: DocumentQuestion) -> String {
        words.sorted().map { q.words[$0].text }.joined(separator: " ")
    }
}
