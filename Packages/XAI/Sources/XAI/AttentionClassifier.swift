import Kernel
import Learn

#if canImport(Glibc)
    import Glibc
#endif

/// The shape of an ``AttentionClassifier``.
public struct ClassifierShape: Sendable, Equatable {
    public var vocabulary: Int
    public var classes: Int
    public var dim = 32
    public var heads = 2
    /// 1: the classifying attention layer only (faithful by construction); 2: a full self-attention layer (with a
    /// residual connection) below it, which mixes tokens before the classifying layer sees them.
    public var layers = 1

    public init(vocabulary: Int, classes: Int) {
        self.vocabulary = vocabulary
        self.classes = classes
    }

    public var metadata: [String: String] {
        [
            "xai.vocabulary": "\(vocabulary)", "xai.classes": "\(classes)", "xai.dim": "\(dim)",
            "xai.heads": "\(heads)",
            "xai.layers": "\(layers)",
        ]
    }

    public init(metadata m: [String: String], name: String) throws(FjordError) {
        func int(_ k: String) throws(FjordError) -> Int {
            guard let s = m["xai.\(k)"], let v = Int(s), v > 0 else {
                throw .data("\(name): not an xai model (metadata xai.\(k) missing or not a positive integer)")
            }
            return v
        }
        vocabulary = try int("vocabulary")
        classes = try int("classes")
        dim = try int("dim")
        heads = try int("heads")
        layers = try int("layers")
        guard layers <= 2, dim % heads == 0 else {
            throw .data("\(name): \(layers) layers, dim \(dim), \(heads) heads")
        }
    }
}

/// An attention classifier whose decision depends on the other tokens **only through the attention weights** of its
/// last layer (the model of research §8, a miniature of the BERT classifiers SRA supervises):
///
///     e_t = E[x_t]          (x₀ = [CLS], then the post's tokens; padding is masked out of every softmax)
///     (layers = 2: e ← e + MHA₀(e), full self-attention)
///     h = MHA₁(e)[CLS] = W_o concat_h( Σ_t α_{h,t} W_v,h e_t ) + b_o,   α_h = softmax_t(q_h(e_CLS) · k_h(e_t) / √d_h)
///     logits = W h + b
///
/// With one layer, e_t is token t's embedding alone, so α is a faithful account of what the decision used.
/// Every layer's weights [B, heads, T, T] are exposed (``attention(layer:)``).
public final class AttentionClassifier {
    public let shape: ClassifierShape
    public let model: Sequential
    /// The attention layers, bottom first.
    public let attentionLayers: [MultiHeadAttention]

    public init(_ shape: ClassifierShape, seed: UInt64 = 0) {
        self.shape = shape
        var layers: [any Layer] = [Embedding(shape.vocabulary, shape.dim)]
        var names = ["embedding"]
        var att: [MultiHeadAttention] = []
        if shape.layers == 2 {
            let a = MultiHeadAttention(dim: shape.dim, heads: shape.heads)
            att.append(a)
            layers.append(Residual(a))
            names.append("attention0")
        }
        let top = MultiHeadAttention(dim: shape.dim, heads: shape.heads)
        att.append(top)
        layers += [top, FirstToken(), Linear(shape.dim, shape.classes)]
        names += ["attention\(att.count - 1)", "cls", "classifier"]
        attentionLayers = att
        model = Sequential(layers, names: names, seed: seed)
        // N(0, 1) embeddings make the first softmax saturate: scale them as BERT's N(0, 0.02²)… ×10
        for v in model.views where v.name == "embedding.weight" {
            for i in v.offset..<(v.offset + v.count) { model.parameterBuffer[i] *= 0.2 }
        }
    }

    /// The model input for token-id rows: [B, 1 + max length] ids as floats, [CLS] first, right-padded, and the
    /// key lengths set on every attention layer.
    public func input(_ rows: [[Int32]]) -> Tensor {
        let t = 1 + (rows.map(\.count).max() ?? 0)
        var x = Tensor(zeros: [rows.count, t])
        x.withUnsafeMutableBufferPointer { p in
            for (i, r) in rows.enumerated() {
                p[i * t] = Float(Vocabulary.cls)
                for (j, id) in r.enumerated() { p[i * t + 1 + j] = Float(id) }
            }
        }
        let lengths = rows.map { $0.count + 1 }
        for a in attentionLayers { a.keyLengths = lengths }
        return x
    }

    public func logits(_ rows: [[Int32]]) -> Tensor { model.forward(input(rows)) }

    /// Class probabilities for every row, in batches of `batch`.
    public func probabilities(_ rows: [[Int32]], batch: Int = 256) -> [[Double]] {
        var out: [[Double]] = []
        out.reserveCapacity(rows.count)
        var s = 0
        while s < rows.count {
            let part = Array(rows[s..<min(rows.count, s + batch)])
            let z = logits(part)
            let c = shape.classes
            for i in 0..<part.count {
                var row = (0..<c).map { Double(z[i, $0]) }
                let m = row.max()!
                row = row.map { exp($0 - m) }
                let sum = row.reduce(0, +)
                out.append(row.map { $0 / sum })
            }
            s += batch
        }
        return out
    }

    /// The last forward pass's attention weights of `layer` (0 = bottom), [B, heads, T, T].
    public func attention(layer: Int) -> Tensor { attentionLayers[layer].attentionWeights! }

    /// Per row, the [CLS] row of the attention of `layer`, over the post's tokens (position 0, [CLS] itself, left
    /// out): head `head`'s, or the mean over heads when nil (HateXplain's soft rationale is the mean over the last
    /// layer's heads). In batches of `batch`.
    public func clsAttention(_ rows: [[Int32]], layer: Int, head: Int?, batch: Int = 256) -> [[Float]] {
        var out: [[Float]] = []
        var s = 0
        while s < rows.count {
            let part = Array(rows[s..<min(rows.count, s + batch)])
            _ = logits(part)
            let a = attention(layer: layer)
            let (h, t) = (a.shape[1], a.shape[2])
            a.withUnsafeBufferPointer { p in
                for (i, r) in part.enumerated() {
                    var v = [Float](repeating: 0, count: r.count)
                    let heads = head.map { [$0] } ?? Array(0..<h)
                    for hh in heads {
                        let base = (i * h + hh) * t * t
                        for j in 0..<r.count { v[j] += p[base + 1 + j] }
                    }
                    if heads.count > 1 { v = v.map { $0 / Float(heads.count) } }
                    out.append(v)
                }
            }
            s += batch
        }
        return out
    }
}
