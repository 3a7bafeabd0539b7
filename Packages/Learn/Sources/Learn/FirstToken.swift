import Kernel

/// The first position of each sequence: [B, T, D] → [B, D] (BERT's [CLS] pooling). Backward puts ∂L/∂y at
/// position 0 and zero elsewhere.
public final class FirstToken: Layer {
    var inputShape: [Int] = []

    public init() {}

    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank == 3 && x.shape[1] >= 1, "FirstToken needs [B, T, D], got \(x.shape)")
        inputShape = x.shape
        let (b, t, d) = (x.shape[0], x.shape[1], x.shape[2])
        var y = Tensor(uninitializedShape: [b, d])
        y.withUnsafeMutableBufferPointer { yp in
            x.withUnsafeBufferPointer { xp in
                for i in 0..<b { (yp.baseAddress! + i * d).update(from: xp.baseAddress! + i * t * d, count: d) }
            }
        }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let (b, t, d) = (inputShape[0], inputShape[1], inputShape[2])
        var dx = Tensor(zeros: inputShape)
        dx.withUnsafeMutableBufferPointer { xp in
            dy.withUnsafeBufferPointer { yp in
                for i in 0..<b { (xp.baseAddress! + i * t * d).update(from: yp.baseAddress! + i * d, count: d) }
            }
        }
        return dx
    }

    public var summary: String { "FirstToken" }
}
