import Kernel
import Testing

@testable import Learn

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct OptimizerTests {
    /// Runs an optimizer on f(θ) = ½‖θ‖², whose gradient is θ.
    func run(_ opt: inout some Optimizer, start: [Float], steps: Int) -> [[Float]] {
        var p = start
        var trace = [p]
        for _ in 0..<steps {
            let g = p
            p.withUnsafeMutableBufferPointer { pp in g.withUnsafeBufferPointer { opt.step(pp, $0) } }
            trace.append(p)
        }
        return trace
    }

    @Test func sgdIsGeometricOnAQuadratic() {
        var opt = SGD(.constant(0.1))
        let t = run(&opt, start: [1, -2], steps: 5)
        for (k, p) in t.enumerated() {
            let f = Float(pow(0.9, Double(k)))
            #expect(abs(p[0] - f) < 1e-6 && abs(p[1] + 2 * f) < 1e-6)
        }
    }

    @Test func heavyBallMatchesItsRecursion() {
        var opt = SGD(.constant(0.1), momentum: 0.5)
        let t = run(&opt, start: [1], steps: 6).map { Double($0[0]) }
        // θ₁ = θ₀ − αθ₀ ; θ_{k+1} = θ_k − αθ_k + μ(θ_k − θ_{k−1})
        var w = [1.0, 0.9]
        for k in 1..<6 { w.append(w[k] - 0.1 * w[k] + 0.5 * (w[k] - w[k - 1])) }
        #expect(zip(t, w).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test func sgdemDropsMomentumAfterEarlySteps() {
        var em = SGD(.constant(0.1), momentum: 0.9, momentumSteps: 3)
        #expect(em.momentum(at: 2) == 0.9 && em.momentum(at: 3) == 0)
        let t = run(&em, start: [1], steps: 6).map { $0[0] }
        // after step 3 (μ = 0) each step is plain SGD with the velocity reset: θ_{k+1} = 0.9 θ_k
        #expect(abs(t[5] - 0.9 * t[4]) < 1e-6 && abs(t[6] - 0.9 * t[5]) < 1e-6)
        var sgdm = SGD(.constant(0.1), momentum: 0.9)
        let m = run(&sgdm, start: [1], steps: 6).map { $0[0] }
        #expect(Array(m[0...3]) == Array(t[0...3]) && m[5] != t[5])
    }

    @Test func adamFirstStepIsTheRateTimesTheSign() {
        var opt = Adam(.constant(0.01))
        let t = run(&opt, start: [3, -0.5, 1e-3], steps: 1)
        #expect(zip(t[1], [3 - 0.01, -0.5 + 0.01, 1e-3 - 0.01]).allSatisfy { abs($0 - Float($1)) < 1e-5 })
    }

    @Test func weightDecayForms() {
        var l2 = SGD(.constant(0.1), weightDecay: 0.5)
        var p: [Float] = [2]
        p.withUnsafeMutableBufferPointer { pp in [Float(0)].withUnsafeBufferPointer { l2.step(pp, $0) } }
        #expect(abs(p[0] - (2 - 0.1 * 0.5 * 2)) < 1e-6)
        var aw = Adam(.constant(0.1), weightDecay: 0.5, decoupled: true)
        var q: [Float] = [2]
        q.withUnsafeMutableBufferPointer { qp in [Float(1)].withUnsafeBufferPointer { aw.step(qp, $0) } }
        #expect(abs(q[0] - (2 * (1 - 0.05) - 0.1)) < 1e-5)
    }

    @Test func schedules() {
        #expect(abs(Schedule.step(1, gamma: 0.1, every: 10).rate(at: 25) - 0.01) < 1e-7)
        let c = Schedule.cosine(1, total: 100, minimum: 0.1)
        #expect(c.rate(at: 0) == 1 && abs(c.rate(at: 50) - 0.55) < 1e-6 && c.rate(at: 100) == 0.1)
    }
}
