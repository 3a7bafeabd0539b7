import Exchange
import Kernel

/// Multi-node VRLS's aggregation (Wu et al., ICLR 2025; the reference code's `--ours` path): every node estimates its
/// own target label distribution q̂_k (an m-vector, e.g. by MLLS on its unlabelled test data) and sends only that;
/// node k then weights class y by
///
///     r_k(y) = Q(y) / p̂_tr,k(y),   Q = Σ_j q̂_j (the reference code, `sum`)  or  (1/K) Σ_j q̂_j (`mean`)
///
/// with p̂_tr,k its own training label frequencies. `mean` is FTW-ERM's ratio of the pooled test distribution over the
/// node's train; `sum` is K times it (harmless under Adam, as research/shift-adapt.md notes, not under SGD). A class a
/// node never trained on gets weight 0. The q̂ travel as float32 through one allreduce (4m bytes per node, counted by
/// the communicator).
public enum MultiNodeLabelShift {
    public enum Pooling: String, CaseIterable, Sendable {
        case sum
        case mean
    }

    /// This node's weights (SPMD: every node of `comm` calls it with its own q̂ and training frequencies).
    public static func weights(
        _ comm: any Communicator, target q: [Double], trainFrequencies p: [Double], pooling: Pooling = .mean
    ) throws(FjordError) -> [Double] {
        guard q.count == p.count, !q.isEmpty else {
            throw .data("multi-node label shift: q̂ has \(q.count) classes, the training frequencies \(p.count)")
        }
        guard q.allSatisfy({ $0 >= 0 && $0.isFinite }), p.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw .data("multi-node label shift: distributions must be finite and ≥ 0")
        }
        var pooled = q.map(Float.init)
        pooled.withUnsafeMutableBufferPointer { comm.allreduceSum($0) }
        let scale = pooling == .mean ? 1 / Double(comm.size) : 1
        return zip(pooled, p).map { p0, pk in pk > 0 ? Double(p0) * scale / pk : 0 }
    }
}
