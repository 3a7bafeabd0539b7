import Kernel
import Learn

/// The input layer of a layout-aware reader (a miniature of LayoutLM's word + 2-D position embedding): per
/// position, a token id, the bins of its box's x and y (LayoutLM embeds each coordinate's bin) and G continuous
/// geometric features,
///
///     input [B, T, 3 + G] = (id, x bin, y bin, g₁ … g_G)   →   y = E[id] + X[x bin] + Y[y bin] + W g
///
/// ([B, T, dim]; W has no bias). Learned bin embeddings let attention test "on the same line" as an equality of
/// y bins, which is how a value is bound to its key; the continuous features carry order and size.
public final class DocumentEmbedding: Layer {
    public let features: Int
    public let bins: Int
    let embedding: Embedding, xBins: Embedding, yBins: Embedding
    let geometry: Linear
    var inputShape: [Int] = []
    /// The three tables, one after the other in the model's parameters.
    var tables: UnsafeMutablePointer<Float>!
    static let columns = 3

    public init(vocabulary: Int, bins: Int, features: Int, dim: Int) {
        self.features = features
        self.bins = bins
        embedding = Embedding(vocabulary, dim)
        xBins = Embedding(bins, dim)
        yBins = Embedding(bins, dim)
        geometry = Linear(features, dim, bias: false, init: .normal(std: 0.1))
    }

    public var parameterSpecs: [ParameterSpec] {
        let d = embedding.dim
        return [
            ParameterSpec("weight", [embedding.vocabulary, d]), ParameterSpec("x_bins", [bins, d]),
            ParameterSpec("y_bins", [bins, d]), ParameterSpec("geometry", [d, features]),
        ]
    }

    public func bind(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>) {
        tables = parameters
        var o = 0
        for e in [embedding, xBins, yBins] {
            e.bind(parameters: parameters + o, gradients: gradients + o)
            o += e.vocabulary * e.dim
        }
        geometry.bind(parameters: parameters + o, gradients: gradients + o)
    }

    /// N(0, 0.2²) tables (N(0, 1), PyTorch's default, saturates the first softmax), N(0, 0.1²) geometry weights.
    public func initialize(_ rng: inout RNG) {
        let n = (embedding.vocabulary + 2 * bins) * embedding.dim
        var r = rng.substream(0)
        r.fill(UnsafeMutableBufferPointer(start: tables, count: n), .normal)
        for i in 0..<n { tables[i] *= 0.2 }
        var b = rng.substream(1)
        geometry.initialize(&b)
    }

    public func forward(_ x: Tensor) -> Tensor {
        let c = Self.columns + features
        precondition(x.rank == 3 && x.shape[2] == c, "DocumentEmbedding needs [B, T, \(c)], got \(x.shape)")
        inputShape = x.shape
        let (b, t) = (x.shape[0], x.shape[1])
        var ids = (0..<Self.columns).map { _ in Tensor(uninitializedShape: [b, t]) }
        var g = Tensor(uninitializedShape: [b, t, features])
        x.withUnsafeBufferPointer { xp in
            for k in 0..<Self.columns {
                ids[k].withUnsafeMutableBufferPointer { ip in for r in 0..<(b * t) { ip[r] = xp[r * c + k] } }
            }
            g.withUnsafeMutableBufferPointer { gp in
                for r in 0..<(b * t) {
                    for f in 0..<features { gp[r * features + f] = xp[r * c + Self.columns + f] }
                }
            }
        }
        var y = embedding.forward(ids[0])
        for part in [xBins.forward(ids[1]), yBins.forward(ids[2]), geometry.forward(g)] {
            y.withUnsafeMutableBufferPointer { yp in
                part.withUnsafeBufferPointer { pp in for i in 0..<yp.count { yp[i] += pp[i] } }
            }
        }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        for e in [embedding, xBins, yBins] { _ = e.backward(dy) }
        geometry.backwardParameters(dy)
        return Tensor(zeros: inputShape)
    }

    public var summary: String {
        "DocumentEmbedding(\(embedding.vocabulary)×\(embedding.dim) + geometry \(features)→\(embedding.dim))"
    }
}
