import FjordTestSupport
import Testing

/// `shift-adapt` as a user runs it: the federated ratios through a pipe, calibrate then estimate on files, bad input.
@Suite struct ShiftAdaptCLITests {
    @Test func simulateWritesTheReferenceRatios() throws {
        let r = try Shell.run(
            """
            set -e -o pipefail
            shift-adapt simulate --config 5clients --ratios fitw | tensor to-csv | head -1
            shift-adapt simulate --config 5clients --ratios ftw | tensor to-csv | head -1
            shift-adapt simulate --dirichlet 0.5 --classes 4 --draws 3 --seed 1 | tensor info
            """)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.text.split(separator: "\n")
        #expect(lines.count >= 2 && lines[0].hasPrefix("171.0,1.0,1.0,1.0,1.0,0.00584"), "\(r.text)")
        #expect(lines[1].hasPrefix("35.0,35.0,35.0,35.0,35.0,0.00584"), "\(r.text)")
        #expect(r.text.contains("(3, 4)"), "\(r.text)")
    }

    /// Over-confident logits of a 3-class model, a target with prior (0.6, 0.3, 0.1): BCTS, then MLLS and BBSE
    /// estimate weights near the truth (0.6, 0.3, 0.1)/(1/3) and name their source prior.
    @Test func calibrateThenEstimate() throws {
        let r = try Shell.run(
            #"""
            set -e -o pipefail
            python3 -c "
            import numpy as np
            rng = np.random.default_rng(0)
            def draw(n, p):
                y = rng.choice(3, size=n, p=p); z = rng.normal(size=(n, 3)); z[np.arange(n), y] += 2
                return (4 * z).astype(np.float32), y.astype(np.float32)
            zh, yh = draw(3000, [1/3] * 3); zt, yt = draw(3000, [0.6, 0.3, 0.1])
            np.save('zh.npy', zh); np.save('yh.npy', yh); np.save('zt.npy', zt)
            np.save('truth.npy', (np.bincount(yt.astype(int), minlength=3) / 3000 / (np.bincount(yh.astype(int), minlength=3) / 3000)).astype(np.float32))"
            shift-adapt calibrate --method bcts --logits zh.npy --labels yh.npy -o ph.npy
            shift-adapt calibrate --method bcts --logits zh.npy --labels yh.npy --apply zt.npy -o pt.npy
            for m in mlls bbse bbse-soft rlls; do
              shift-adapt estimate --method $m --holdout ph.npy --labels yh.npy --target pt.npy --truth truth.npy \
                --prior holdout-labels -o w-$m.npy --json $m.json
              python3 -c "import json; d = json.load(open('$m.json')); print('$m', d['source_prior'], d['mse'])"
            done
            """#)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("T = "), "\(r.stderr)")
        for line in r.text.split(separator: "\n") {
            let f = line.split(separator: " ")
            #expect(f.count == 3 && f[1] == "holdout-labels" && Double(f[2])! < 0.01, "\(line)")
        }
        #expect(r.text.split(separator: "\n").count == 4, "\(r.text)")
    }

    /// `reproduce` on a short run: the tables for each ζ, MLLS far below no adaptation, accuracy columns.
    @Test func reproduceWritesTables() throws {
        let r = try Shell.run(
            "shift-adapt reproduce --alphas 0.5 --entropy 0,0.1 --trials 3 --steps 400 --federated 5clients,colored-digits --federated-seeds 1 --federated-steps 30 --colored-steps 30 --out rep && ls rep"
        )
        #expect(r.status == 0, "\(r.stderr)")
        // one federated table per set-up, FedAvg once and every weighting under both ratios
        #expect(r.text.contains("5clients: FedSGD 30 steps") && r.text.contains("colored-digits: FedSGD 30 steps"))
        #expect(r.text.split(separator: "\n").filter { $0.hasPrefix("vrls ") }.count == 2, "\(r.text)")
        #expect(r.text.split(separator: "\n").filter { $0.hasPrefix("nnbd ") }.count == 2, "\(r.text)")
        #expect(r.text.contains("mlls is MLLS") && r.text.contains("mlls is VRLS") && r.text.contains("tables.html"))
        let row = r.text.split(separator: "\n").first { $0.hasPrefix("0.5 ") }.map { $0.split(separator: " ") }
        // columns: α, none (mean ± ci), bbse, bbse-soft, rlls, mlls
        let none = row.flatMap { Double($0[1]) }, mlls = row.flatMap { Double($0[13]) }
        #expect(none != nil && mlls != nil && mlls! < none! / 20, "\(r.text)")
    }

    /// uLSIF from the CLI: a test sample shifted right gets larger weights on the right of the train sample.
    @Test func ulsifWeightsFollowTheShift() throws {
        let r = try Shell.run(
            #"""
            set -e -o pipefail
            python3 -c "
            import numpy as np
            rng = np.random.default_rng(0)
            np.save('tr.npy', rng.normal(0, 1, (200, 1)).astype(np.float32))
            np.save('te.npy', rng.normal(1, 1, (100, 1)).astype(np.float32))
            np.save('at.npy', np.array([[-1.0], [0.0], [1.0]], np.float32))"
            shift-adapt estimate --method ulsif --train tr.npy --test te.npy --at at.npy --sigma 0.5,1,2 --lambda 0.01,0.1 \
              --json u.json | tensor to-csv
            python3 -c "import json; d = json.load(open('u.json')); print(d['ratio'], d['evaluated_at'])"
            """#)
        #expect(r.status == 0, "\(r.stderr)")
        let w = r.text.split(separator: "\n").compactMap { Double($0) }  // a vector: one value per line
        #expect(w.count == 3 && w[0] < w[1] && w[1] < w[2], "\(r.text)")
        #expect(r.text.contains("p_test(x)/p_train(x) at.npy"), "\(r.text)")
    }

    @Test func badInputIsAOneLineError() throws {
        try Shell.expectFailures(
            [
                (
                    "python3 -c \"import numpy as np; np.save('p.npy', np.full((2, 3), 0.5, np.float32)); np.save('y.npy', np.zeros(2, np.float32))\"; shift-adapt estimate --holdout p.npy --labels y.npy --target p.npy -o w.npy",
                    65, "p.npy: row 0 sums to 1.5, not 1 (logits? use --logits)"
                ),
                (
                    "python3 -c \"import numpy as np; np.save('p.npy', np.full((2, 2), 0.5, np.float32)); np.save('y.npy', np.array([0, 2], np.float32))\"; shift-adapt estimate --holdout p.npy --labels y.npy --target p.npy -o w.npy",
                    65, "y.npy: label 1 is 2.0, not a class in 0..<2"
                ),
                (
                    "shift-adapt estimate --holdout missing.npy --labels y.npy --target t.npy -o w.npy", 66,
                    "missing.npy"
                ),
                (
                    "python3 -c \"import numpy as np; h = np.zeros((4, 3), np.float32); h[:, 0] = 1; np.save('h.npy', h); np.save('y.npy', np.array([0, 1, 2, 0], np.float32)); np.save('t.npy', np.full((4, 3), 1 / 3, np.float32))\"; shift-adapt estimate --method bbse --holdout h.npy --labels y.npy --target t.npy -o w.npy",
                    65, "bbse: the confusion matrix is singular"
                ),
                (
                    "python3 -c \"import numpy as np; p = np.full((4, 3), 1 / 3, np.float32); p[1, 1] = np.nan; np.save('p.npy', p); np.save('y.npy', np.zeros(3, np.float32))\"; shift-adapt estimate --holdout p.npy --labels y.npy --target p.npy -o w.npy",
                    65, "p.npy: row 1 has a negative or non-finite probability nan"
                ),
            ], prefix: "shift-adapt estimate: ")
        try Shell.expectFailures(
            [
                ("shift-adapt simulate -o o.npy", 64, "give exactly one of --config, --dirichlet and --tweak-one"),
                (
                    "shift-adapt simulate --dirichlet 0 -o o.npy", 64,
                    "the Dirichlet α must be a finite number > 0, not 0.0"
                ),
            ], prefix: "shift-adapt simulate: ")
        try Shell.expectFailures(
            [
                ("shift-adapt train --weights given -o p.npy", 64, "--ratios goes with --weights given"),
                (
                    "shift-adapt simulate --config 10clients-v2 -o r.npy; shift-adapt train --weights given --ratios r.npy -o p.npy",
                    65, "r.npy: shape [10, 10], expected [5, 10]"
                ),
            ], prefix: "shift-adapt train: ")
    }

    /// The simulator's FTW ratios piped into `train --weights given` train the same parameters as `--weights true`,
    /// and the summary names the ratio's convention.
    @Test func trainWithSimulatedRatiosIsTrainWithTrueRatios() throws {
        let r = try Shell.run(
            """
            set -e -o pipefail
            opts="--train-rows 100 --test-rows 50 --steps 50 --hidden 16 --batch 16"
            shift-adapt simulate --config 5clients --ratios ftw -o r.npy
            shift-adapt train $opts --weights given --ratios r.npy -o a.npy --json a.json
            shift-adapt train $opts --weights true -o b.npy --json b.json
            shift-adapt train $opts --weights true --scheme nuq --bits 4 -o c.npy --json c.json
            cmp a.npy b.npy && echo same
            cat b.json; echo; cat c.json
            """)
        #expect(r.status == 0, "\(r.stderr)")
        // 4-bit NUQ sends under a fifth of float32's gradient bytes
        let bytes = r.text.split(separator: "\n").compactMap { line in
            line.split(separator: "\"gradient_bytes_per_client\":").last?.split(separator: ",").first.flatMap {
                Int($0)
            }
        }
        #expect(bytes.count == 2 && bytes[1] * 5 < bytes[0], "\(bytes)")
        #expect(r.text.contains("same"), "\(r.text)")
        #expect(r.text.contains("\"ratio\":\"ftw: pooled test / client train\""), "\(r.text)")
        #expect(r.text.contains("\"accuracy_min\""), "\(r.text)")
    }
}
