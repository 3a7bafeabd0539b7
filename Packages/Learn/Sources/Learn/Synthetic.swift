import Kernel

/// Seeded synthetic data sets.
public enum Synthetic {
    /// A mixture of `classes` isotropic Gaussians in d dimensions: class means drawn N(0, separation²·I),
    /// points = mean + N(0, I). Balanced classes, shuffled.
    public static func gaussianMixture(
        samples n: Int, dimension d: Int, classes: Int, separation: Float = 3,
        seed: UInt64
    ) -> Dataset {
        precondition(n > 0 && d > 0 && classes > 1)
        var rng = RNG(seed: seed, stream: 0x6A55)
        let means = rng.tensor([classes, d]).scalars.map { $0 * separation }
        var order = (0..<n).map { Int32($0 % classes) }
        rng.shuffle(&order)
        var x = rng.tensor([n, d])
        x.withUnsafeMutableBufferPointer { p in
            for r in 0..<n { for j in 0..<d { p[r * d + j] += means[Int(order[r]) * d + j] } }
        }
        return valid { () throws(FjordError) in
            try Dataset(name: "gaussian-mixture", features: x, labels: order, classes: classes)
        }
    }

    /// Teacher–student data: x ~ N(0, I_d), labels = argmax of a random teacher MLP d→hidden→classes
    /// (ReLU, He init). Learnable exactly by a student of the teacher's size.
    public static func teacherStudent(
        samples n: Int, dimension d: Int, hidden: Int, classes: Int, seed: UInt64
    ) -> Dataset {
        var rng = RNG(seed: seed, stream: 0x7EAC)
        let teacher = Sequential.mlp([d, hidden, classes], init: .he, seed: seed ^ 0x7EAC_4E12)
        let x = rng.tensor([n, d])
        let y = argmax(teacher.forward(x))
        return valid { () throws(FjordError) in
            try Dataset(name: "teacher-student", features: x, labels: y, classes: classes)
        }
    }
}
