import Kernel
import Learn

/// Appends the grid coordinates as d extra channels, x ∈ ℝ^{B × C × n₁ × … × n_d} ↦ [x, x₁, …, x_d] with
/// x_a = i/n_a, i = 0 … n_a − 1 (periodic: the point 1 is the point 0, as neuraloperator's grid embedding; the
/// original scripts use linspace(0, 1, n), which includes 1). No parameters; backward drops the coordinate channels.
public final class GridCoordinates: Layer {
    public let axes: Int
    var channels = 0

    public init(axes: Int) {
        precondition((1...3).contains(axes))
        self.axes = axes
    }

    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank == axes + 2, "GridCoordinates(\(axes)) got input of shape \(x.shape)")
        let b = x.shape[0], c = x.shape[1], grid = Array(x.shape.dropFirst(2)), n = grid.reduce(1, *)
        channels = c
        var y = Tensor(uninitializedShape: [b, c + axes] + grid)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                for s in 0..<b {
                    let dst = yp.baseAddress! + s * (c + axes) * n
                    dst.update(from: xp.baseAddress! + s * c * n, count: c * n)
                    for a in 0..<axes {
                        let plane = dst + (c + a) * n
                        let inner = grid[(a + 1)...].reduce(1, *), size = grid[a]
                        for i in 0..<n { plane[i] = Float((i / inner) % size) / Float(size) }
                    }
                }
            }
        }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let b = dy.shape[0], grid = Array(dy.shape.dropFirst(2)), n = grid.reduce(1, *), c = channels
        var dx = Tensor(uninitializedShape: [b, c] + grid)
        dy.withUnsafeBufferPointer { g in
            dx.withUnsafeMutableBufferPointer { d in
                for s in 0..<b {
                    (d.baseAddress! + s * c * n).update(from: g.baseAddress! + s * (c + axes) * n, count: c * n)
                }
            }
        }
        return dx
    }

    public var summary: String { "GridCoordinates(+\(axes))" }
}
