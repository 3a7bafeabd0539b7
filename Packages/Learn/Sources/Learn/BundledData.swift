import CLearnData
import Kernel

/// The real data sets compiled into the library (UCI, CC BY 4.0; copies as shipped by scikit-learn 1.9.1).
///
/// | name | n × d | classes | features |
/// |---|---|---|---|
/// | digits | 1797 × 64 | 10 | 8×8 pixel ink 0…16, scaled here to [0, 1] |
/// | breast-cancer | 569 × 30 | 2 | Wisconsin diagnostic measurements (raw; standardise before training) |
/// | wine | 178 × 13 | 3 | chemical analysis (raw) |
/// | iris | 150 × 4 | 3 | sepal/petal sizes in cm |
public enum BundledData: String, CaseIterable, Sendable {
    case digits
    case breastCancer = "breast-cancer"
    case wine
    case iris

    var fileStem: String { self == .breastCancer ? "breast_cancer" : rawValue }

    static func bytes(_ name: String) -> [UInt8] {
        var size = 0
        guard let p = fj_learn_data(name, &size) else { fatalError("bundled data \(name) is missing from the build") }
        return Array(UnsafeBufferPointer(start: p, count: size))
    }

    /// The whole data set (digits scaled by 1/16).
    public func load() -> Dataset {
        do {
            let x = try NpyReader(ByteSource(bytes: BundledData.bytes(fileStem + "_x"), name: rawValue)).next()!
            let y = try NpyReader(ByteSource(bytes: BundledData.bytes(fileStem + "_y"), name: rawValue)).next()!
            let d = try Dataset(name: rawValue, features: x.tensor(), labels: y.doubles().map { Int32($0) })
            return self == .digits ? d.scaled(by: 1.0 / 16) : d
        } catch {
            fatalError("bundled data \(rawValue) is corrupt: \(error)")
        }
    }
}
