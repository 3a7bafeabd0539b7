import FjordTestSupport
import Foundation
import Testing

/// The `robust-agg` executable as a user runs it, and its rules against numpy definitions.
@Suite struct RobustAggCLITests {
    @Test func pipeAttackThenAggregate() throws {
        let r = try Shell.run(
            """
            set -o pipefail
            tensor rand --shape 10,1000 --seed 1 | robust-agg attack --kind ipm --eps 10 -f 2 | robust-agg aggregate --rule mixtailor -f 2 --verbose | tensor info --json
            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("\"shape\":[1000]") && r.stderr.contains("drew #"))
    }

    /// `reproduce --quick`: the digits table, then the MNIST-1D one with a ± interval over seeds.
    @Test func reproduceQuick() throws {
        let r = try Shell.run("robust-agg reproduce --quick --quiet --out rep && ls rep")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("MNIST-1D, iid: final test accuracy") && r.text.contains("2 seeds"), "\(r.text)")
        #expect(r.text.contains(" ± ") && r.text.contains("min-max") && r.text.contains("tables.html"))
    }

    /// Median, trimmed mean and Krum (Blanchard: n−f−2 neighbours, squared distances) against numpy written
    /// from the definitions (the same as Flower's `aggregate_median`, `aggregate_trimmed_avg`, `aggregate_krum`);
    /// MDA and SMEA by enumerating the subsets in numpy, SMEA's eigenvalue from an SVD of the centred rows; Bulyan
    /// by its rounds.
    @Test func rulesMatchNumpyDefinitions() throws {
        let r = try Shell.run(
            """
            tensor rand --shape 12,3001 --seed 4 --dist laplace -o x.npy
            robust-agg aggregate --rule median x.npy -o med.npy
            robust-agg aggregate --rule trimmed-mean --trim 2 x.npy -o tm.npy
            robust-agg aggregate --rule krum -f 2 x.npy -o krum.npy
            robust-agg aggregate --rule multi-krum -f 2 --m 4 x.npy -o mk.npy
            robust-agg aggregate --rule mda -f 2 x.npy -o mda.npy
            robust-agg aggregate --rule smea -f 2 x.npy -o smea.npy
            robust-agg aggregate --rule bulyan -f 2 x.npy -o bulyan.npy
            python3 - <<'PY'
            import itertools
            import numpy as np
            x = np.load('x.npy').astype(np.float64)
            n, f = x.shape[0], 2
            assert np.allclose(np.load('med.npy'), np.median(x, axis=0), atol=1e-6)
            s = np.sort(x, axis=0)
            assert np.allclose(np.load('tm.npy'), s[2:n-2].mean(axis=0), atol=1e-5)
            d = ((x[:, None, :] - x[None, :, :]) ** 2).sum(-1)
            scores = np.array([np.sort(np.delete(d[i], i))[: n - f - 2].sum() for i in range(n)])
            order = np.argsort(scores, kind='stable')
            assert np.allclose(np.load('krum.npy'), x[order[0]], atol=1e-6)
            assert np.allclose(np.load('mk.npy'), x[order[:4]].mean(axis=0), atol=1e-5)
            subsets = [list(S) for S in itertools.combinations(range(n), n - f)]
            diameter = [max(d[i, j] for i in S for j in S) for S in subsets]
            assert np.allclose(np.load('mda.npy'), x[subsets[int(np.argmin(diameter))]].mean(axis=0), atol=1e-5)
            # the covariance's largest eigenvalue from an SVD of the centred rows (not the Gram route we take)
            lam = [np.linalg.svd(x[S] - x[S].mean(axis=0), compute_uv=False)[0] ** 2 / len(S) for S in subsets]
            assert np.allclose(np.load('smea.npy'), x[subsets[int(np.argmin(lam))]].mean(axis=0), atol=1e-5)
            # Bulyan: θ = n − 2f rounds of Krum on the remaining rows (k = max(1, m − f − 2) as the set shrinks), then per
            # coordinate the mean of the β = θ − 2f selected values closest to their median
            remaining, chosen = list(range(n)), []
            while len(chosen) < n - 2 * f:
                k = min(len(remaining) - 1, max(1, len(remaining) - f - 2))
                sc = [sum(sorted(d[i, j] for j in remaining if j != i)[:k]) for i in remaining]
                chosen.append(remaining.pop(int(np.argmin(sc))))
            sel = x[chosen]
            near = np.argsort(np.abs(sel - np.median(sel, axis=0)), axis=0, kind='stable')[: n - 4 * f]
            assert np.allclose(np.load('bulyan.npy'), np.take_along_axis(sel, near, axis=0).mean(axis=0), atol=1e-5)
            print('numpy agrees')
            PY
            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("numpy agrees"))
    }

    @Test func invalidConfigurationsNameTheirBound() throws {
        let cases: [(String, Int32, String)] = [
            ("tensor rand --shape 6,10 | robust-agg aggregate --rule krum -f 2", 64, "n > 2f + 2"),
            ("tensor rand --shape 10,10 | robust-agg aggregate --rule bulyan -f 2", 64, "n ≥ 4f + 3"),
            ("tensor rand --shape 4,10 | robust-agg aggregate --rule trimmed-mean --trim 2", 64, "2b < n"),
            ("tensor rand --shape 4,10 | robust-agg aggregate --rule smea -f 2", 64, "2f < n"),
            ("tensor rand --shape 64,3 | robust-agg aggregate --rule mda -f 20", 64, "C(n, f)"),
            (
                "python3 -c \"import numpy as np,sys; a=np.ones((3,4),'f4'); a[1,2]=np.nan; np.save(sys.stdout.buffer,a)\" | robust-agg aggregate",
                65, "NaN"
            ),
            ("tensor rand --shape 10 | robust-agg aggregate", 65, "(n, d) stack"),
            ("tensor rand --shape 10,10 | robust-agg aggregate --rule foo", 64, "--rule"),
            // the review's crashes: a 1-D stack under the mean, NaN under the mean, ALIE with s ≤ 0, negative steps
            ("tensor rand --shape 10 | robust-agg aggregate --rule mean", 65, "(n, d) stack"),
            (
                "python3 -c \"import numpy as np,sys; a=np.ones((3,4),'f4'); a[1,2]=np.inf; np.save(sys.stdout.buffer,a)\" | robust-agg aggregate --rule mean",
                65, "NaN or infinite"
            ),
            ("tensor rand --shape 5,4 | robust-agg attack --kind alie -f 7", 64, "s = ⌊n/2 + 1⌋ − f"),
            ("tensor rand --shape 5,4 | robust-agg attack --kind alie-variant -f 7", 64, "alie"),
            ("robust-agg reproduce --steps=-1", 64, "--steps"),
            ("robust-agg reproduce --seeds 0", 64, "--seeds"),
            ("tensor rand --shape 5,4 | robust-agg attack --kind sign-flip -f 1000000000", 64, "would need"),
            ("robust-agg train --workers 4 -f 4 --steps 1", 64, "below the number of workers"),
        ]
        try Shell.expectFailures(cases)
    }

    @Test func trainingUnderAttack() throws {
        let r = try Shell.run(
            """
            opt="--optimizer sgd --lr 0.05 --momentum 0.9 --steps 60 --quiet"
            robust-agg train --data digits --workers 12 -f 2 --rule mean --attack ipm-mixtailor --eps 10 $opt --report mean.json; echo "mean=$?"
            robust-agg train --data digits --workers 12 -f 2 --rule median --attack ipm-mixtailor --eps 10 $opt --report med.json
            robust-agg train --data digits --workers 12 -f 2 --rule mixtailor-small --attack label-flip $opt --report mt.json
            python3 - <<'PY'
            import json, os
            acc = lambda f: json.load(open(f))['test_accuracy'] if os.path.exists(f) else 0.0  # a diverged run (exit 65) writes no report
            mean, med, mt = acc('mean.json'), acc('med.json'), acc('mt.json')
            print('mean', mean, 'median', med, 'mixtailor', mt)
            assert mean < 0.2, mean      # the mean is broken by ε-reverse 10 (chance level or diverged)
            assert med > 0.85 and mt > 0.85, (med, mt)
            print('robust')
            PY
            """)
        #expect(r.text.contains("robust"), "\(r.text) \(r.stderr)")
    }

    /// Finite rows near the float limit: the mean (1.67e38) is representable and is returned, not inf.
    @Test func meanOfLargeFiniteRowsIsRepresentable() throws {
        let r = try Shell.run(
            """
            set -o pipefail
            python3 -c "import numpy as np,sys; np.save(sys.stdout.buffer, np.array([[3e38, 1], [2e38, 1], [0, 1]], 'f4'))" \\
              | robust-agg aggregate --rule mean | python3 -c "import numpy as np,sys,io; print(np.load(io.BytesIO(sys.stdin.buffer.read())).tolist())"
            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("1.666666") && r.text.contains("1.0"), "\(r.text)")
    }
}

/// The bad-input matrix (FjordTestSupport's BadInput) over the robust-agg subcommands that read a stack, with
/// every rule: NaN and ±inf are refused, a stack must be 2-D, finite rows near the float limit aggregate.
@Suite struct RobustAggBadInputMatrix {
    @Test(arguments: [
        "mean", "median", "trimmed-mean", "krum", "multi-krum", "geomed", "bulyan", "centered-clipping", "mda", "smea",
        "sign-majority", "mixtailor-small",
    ])
    func aggregate(rule: String) throws {
        let expect: [BadInput: Int32] = [.scalar: 65, .rank3: 65, .nan: 65, .infinity: 65]
        let f = rule == "bulyan" ? "-f 0" : "-f 1"
        try Shell.expectBadInputHandled("robust-agg aggregate --rule \(rule) \(f) IN", expect: expect)
    }

    @Test(arguments: ["alie", "ipm", "sign-flip", "gaussian", "mimic", "fang-krum", "fang-trmean", "tailored"])
    func attack(kind: String) throws {
        let expect: [BadInput: Int32] = [.scalar: 65, .rank3: 65, .nan: 65, .infinity: 65]
        try Shell.expectBadInputHandled("robust-agg attack --kind \(kind) -f 1 IN", expect: expect)
    }
}
