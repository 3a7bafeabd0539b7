import Kernel
import Learn

/// Zero padding at the end of the trailing grid axes (`remove: false`), or the crop that undoes it (`remove: true`):
/// for a non-periodic axis, such as the time axis of FNO-3D and FNOtD (the original `fourier_3d.py` pads time by 6),
/// so the FFT's wrap-around does not join the window's last frame to its first. Channel-first input
/// [B, C, n₁, …, n_d]; `amounts` has one entry per grid axis (0: untouched). Backward is the opposite map.
public final class EndPadding: Layer {
    public let amounts: [Int]
    public let remove: Bool

    public init(_ amounts: [Int], remove: Bool = false) {
        precondition((1...3).contains(amounts.count) && amounts.allSatisfy { $0 >= 0 })
        self.amounts = amounts
        self.remove = remove
    }

    public func forward(_ x: Tensor) -> Tensor { remove ? EndPadding.crop(x, amounts) : EndPadding.pad(x, amounts) }
    public func backward(_ dy: Tensor) -> Tensor { remove ? EndPadding.pad(dy, amounts) : EndPadding.crop(dy, amounts) }

    static func planes(_ x: Tensor, _ amounts: [Int]) -> Int { x.shape.dropLast(amounts.count).reduce(1, *) }

    static func pad(_ x: Tensor, _ amounts: [Int]) -> Tensor {
        let small = Array(x.shape.suffix(amounts.count))
        let large = zip(small, amounts).map { $0 + $1 }
        var y = Tensor(zeros: Array(x.shape.dropLast(amounts.count)) + large)
        x.withUnsafeBufferPointer { s in
            y.withUnsafeMutableBufferPointer {
                copy(s.baseAddress!, small, $0.baseAddress!, large, small, planes: planes(x, amounts))
            }
        }
        return y
    }

    static func crop(_ x: Tensor, _ amounts: [Int]) -> Tensor {
        let large = Array(x.shape.suffix(amounts.count))
        let small = zip(large, amounts).map { $0 - $1 }
        precondition(small.allSatisfy { $0 > 0 }, "EndPadding: cannot crop \(amounts) from \(x.shape)")
        var y = Tensor(uninitializedShape: Array(x.shape.dropLast(amounts.count)) + small)
        x.withUnsafeBufferPointer { s in
            y.withUnsafeMutableBufferPointer {
                copy(s.baseAddress!, large, $0.baseAddress!, small, small, planes: planes(x, amounts))
            }
        }
        return y
    }

    /// Copies the leading `extent` block of each of `planes` grids shaped `from` into grids shaped `to` (up to 3-D).
    static func copy(
        _ src: UnsafePointer<Float>, _ from: [Int], _ dst: UnsafeMutablePointer<Float>, _ to: [Int], _ extent: [Int],
        planes: Int
    ) {
        let f = [Int](repeating: 1, count: 3 - from.count) + from, t = [Int](repeating: 1, count: 3 - to.count) + to
        let e = [Int](repeating: 1, count: 3 - extent.count) + extent
        let (fPlane, tPlane) = (f.reduce(1, *), t.reduce(1, *))
        for p in 0..<planes {
            for i in 0..<e[0] {
                for j in 0..<e[1] {
                    (dst + p * tPlane + (i * t[1] + j) * t[2]).update(
                        from: src + p * fPlane + (i * f[1] + j) * f[2], count: e[2])
                }
            }
        }
    }

    public var summary: String {
        (remove ? "Crop" : "EndPadding") + "(\(amounts.map(String.init).joined(separator: ",")))"
    }
}
