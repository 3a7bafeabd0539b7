import Kernel

/// A federated label-shift set-up as the reference code (`dafl/target_shift.py`, `TargetShift`) states it: per client
/// a train and a test class distribution given by a few specified classes, the rest of the mass shared equally among
/// the unspecified classes. Each class's examples are split across clients in proportion to these probabilities
/// (normalised by the largest column sum), so each client's realised label distribution is its configured one.
///
/// Ratios (``ratios(combined:)``): FITW-ERM weights client k by p_te,k(y)/p_tr,k(y) (its own test over its own train);
/// FTW-ERM by p̄_te(y)/p_tr,k(y), p̄_te the normalised sum of all clients' test distributions (`--combine-testsets`).
public struct ShiftConfiguration: Sendable, Equatable {
    public let name: String
    public let classes: Int
    /// Row k: client k's train distribution over the classes.
    public let train: [[Double]]
    /// Row k: client k's test distribution.
    public let test: [[Double]]

    /// From specified masses per client; unspecified classes share 1 − Σ specified equally.
    public init(
        name: String, classes: Int, train: [[Int: Double]], test: [[Int: Double]]
    ) throws(FjordError) {
        guard classes >= 2, !train.isEmpty, train.count == test.count else {
            throw .usage("\(name): one train and one test specification per client, ≥ 2 classes")
        }
        for spec in train + test {
            let total = spec.values.reduce(0, +)
            guard spec.keys.allSatisfy({ $0 >= 0 && $0 < classes }), spec.values.allSatisfy({ $0 >= 0 }),
                total <= 1 + 1e-12, spec.count < classes || abs(total - 1) < 1e-12
            else { throw .usage("\(name): class masses must be ≥ 0, sum to ≤ 1, name classes in 0..<\(classes)") }
        }
        self.init(name: name, classes: classes, rows: train, test)
    }

    /// From specifications already checked (the built-in set-ups).
    init(name: String, classes: Int, rows train: [[Int: Double]], _ test: [[Int: Double]]) {
        func expand(_ spec: [Int: Double]) -> [Double] {
            let rest = spec.count < classes ? (1 - spec.values.reduce(0, +)) / Double(classes - spec.count) : 0
            return (0..<classes).map { spec[$0] ?? rest }
        }
        self.name = name
        self.classes = classes
        self.train = train.map(expand)
        self.test = test.map(expand)
    }

    public var clients: Int { train.count }

    /// The reference code's `5clients` (10 classes): client k trains on {5 + k: 0.95} and is tested on {k: 0.95}.
    public static func fiveClients() -> ShiftConfiguration {
        ShiftConfiguration(
            name: "5clients", classes: 10, rows: (0..<5).map { [5 + $0: 0.95] }, (0..<5).map { [$0: 0.95] })
    }

    /// `10clients-v2` (10 classes): client i trains on {i: 0.95} and is tested on {9 − i: 0.95}.
    public static func tenClients() -> ShiftConfiguration {
        ShiftConfiguration(
            name: "10clients-v2", classes: 10, rows: (0..<10).map { [$0: 0.95] }, (0..<10).map { [9 - $0: 0.95] })
    }

    /// Per client, the weights w_k(y) = p_te(y)/p_tr,k(y) with p_te its own test distribution (FITW-ERM) or, with
    /// `combined`, the normalised sum of all clients' (FTW-ERM). A class with p_tr,k(y) = 0 gets weight 0.
    public func ratios(combined: Bool) -> [[Double]] {
        var pooled = [Double](repeating: 0, count: classes)
        for t in test { for c in 0..<classes { pooled[c] += t[c] } }
        let s = pooled.reduce(0, +)
        pooled = pooled.map { $0 / s }
        return (0..<clients).map { k in
            (0..<classes).map { c in
                let num = combined ? pooled[c] : test[k][c]
                return train[k][c] > 0 ? num / train[k][c] : 0
            }
        }
    }

    /// The fraction of class c's examples that client k receives: p_tr,k(c) / max_c' Σ_k p_tr,k(c').
    public func share(client k: Int, of c: Int, test useTest: Bool = false) -> Double {
        let rows = useTest ? test : train
        var most = 0.0
        for c2 in 0..<classes { most = max(most, rows.reduce(0) { $0 + $1[c2] }) }
        return rows[k][c] / most
    }
}
