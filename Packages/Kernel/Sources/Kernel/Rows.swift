/// Row operations on (n, d) stacks: one worker's vector per row, as the exchange step and the robust rules
/// see them. Each is one pass of contiguous copies or float adds; shapes are the caller's contract (checked by
/// precondition, since a mismatch is a programming error, not bad data).

/// Copies the (d,) vector `row` into row i of the (n, d) tensor `x`.
public func setRow(_ x: inout Tensor, _ i: Int, to row: Tensor) {
    let d = x.shape[1]
    precondition(
        x.rank == 2 && i >= 0 && i < x.shape[0] && row.count == d, "setRow: row \(i) of \(x.shape) from \(row.shape)")
    x.withUnsafeMutableBufferPointer { m in
        row.withUnsafeBufferPointer { (m.baseAddress! + i * d).update(from: $0.baseAddress!, count: d) }
    }
}

/// The mean of the given rows, (1/|rows|) Σ_{r ∈ rows} x_r: float32 sums in the order of `rows`, then one scaling.
/// A coordinate whose float sum overflows (finite rows near the float limit, whose mean is representable) is summed
/// again in double, so finite rows always give their finite mean.
public func meanOfRows(_ x: Tensor, _ rows: [Int]) -> Tensor {
    let d = x.shape[1]
    var out = Tensor(zeros: [d])
    x.withUnsafeBufferPointer { v in
        out.withUnsafeMutableBufferPointer { o in
            for r in rows { for k in 0..<d { o[k] += v[r * d + k] } }
            let inv = 1 / Float(rows.count)
            for k in 0..<d { o[k] *= inv }
            for k in 0..<d where !o[k].isFinite {
                o[k] = Float(rows.reduce(0.0) { $0 + Double(v[$1 * d + k]) } / Double(rows.count))
            }
        }
    }
    return out
}

/// The given rows (slices along the first axis) of a tensor of any rank ≥ 1, in the given order: shape
/// (|rows|, …) with the trailing axes of `x`.
public func selectRows(_ x: Tensor, _ rows: [Int]) -> Tensor {
    precondition(x.rank >= 1, "selectRows of a 0-d tensor")
    let d = x.shape.dropFirst().reduce(1, *)
    var out = Tensor(uninitializedShape: [rows.count] + x.shape.dropFirst())
    x.withUnsafeBufferPointer { v in
        out.withUnsafeMutableBufferPointer { o in
            for (k, r) in rows.enumerated() {
                precondition(r >= 0 && r < x.shape[0], "selectRows: row \(r) of \(x.shape[0])")
                (o.baseAddress! + k * d).update(from: v.baseAddress! + r * d, count: d)
            }
        }
    }
    return out
}

/// Rows of two stacks, one after the other.
public func stackRows(_ a: Tensor, _ b: Tensor) throws(FjordError) -> Tensor {
    guard a.shape[1] == b.shape[1] else { throw .data("stacks of different widths \(a.shape[1]) and \(b.shape[1])") }
    return Tensor(shape: [a.shape[0] + b.shape[0], a.shape[1]], values: a.scalars + b.scalars)
}
