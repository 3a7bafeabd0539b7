import FjordTestSupport
import Foundation
import Testing

/// `vi-opt` as a user runs it: a trajectory through a pipe, Q-GenX with a codec, and bad input.
@Suite struct VIOptCLITests {
    @Test func trajectoryIsATensorStream() throws {
        let r = try Shell.run(
            """
            set -e -o pipefail
            vi-opt solve --problem kelly --method dual-x --lr 2 --iterations 6000 --every 2000 -o k.npy
            python3 -c "
            import numpy as np
            t = np.load('k.npy'); assert t.shape == (3, 6), t.shape
            assert list(t[:, 0]) == [2000, 4000, 6000] and t[-1, 1] < 0.1 and t[-1, 4] == 0, t
            print('kelly ok', t[-1, 1])"
            vi-opt solve --problem quadratic --dimension 300 --lambda 0.5 --method dual-x --adaptive --lr 1 \\
              --iterations 300 --every 300 --workers 4 --scheme nuq --bits 4 | python3 -c "
            import numpy as np, sys, io
            t = np.load(io.BytesIO(sys.stdin.buffer.read())); print('qgenx bytes', int(t[-1, 4]), 'distance', t[-1, 1])"
            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("kelly ok"), "\(r.text)")
        // 4-bit NUQ messages are far below float32's 2 × 300 iterations × 1200 bytes
        let bytes = r.text.split(separator: "\n").first { $0.hasPrefix("qgenx bytes") }
            .flatMap { Int($0.split(separator: " ")[2]) }
        #expect(bytes != nil && bytes! < 2 * 300 * 1200 / 3, "\(r.text)")
    }

    /// Rock–paper–scissors from the CLI starts away from its equilibrium (the uniform strategies are the
    /// equilibrium): mirror-prox reaches it, entropic GDA does not.
    @Test func matrixGameStartsAwayFromItsEquilibrium() throws {
        let r = try Shell.run(
            """
            for m in eg gda; do
              vi-opt solve --problem rps --method $m --lr 0.5 --iterations 3000 --every 3000 | tensor to-csv
            done
            """)
        #expect(r.status == 0, "\(r.stderr)")
        let gaps = r.text.split(separator: "\n").compactMap { Double($0.split(separator: ",").last!) }
        #expect(gaps.count == 2 && gaps[0] < 1e-3 && gaps[1] > 0.1, "\(r.text)")
    }

    /// `vi-opt gan`: samples through a pipe, a PNG of them, the metrics rows; 2 quantized workers send bytes.
    @Test func ganWritesSamplesPictureAndMetrics() throws {
        let r = try Shell.run(
            #"""
            set -e -o pipefail
            vi-opt gan --iterations 20 --critic-steps 2 --batch 32 --hidden 16 --every 10 --samples 64 \
              --png g.png --metrics m.npy | tensor info
            vi-opt gan --iterations 4 --critic-steps 1 --batch 16 --hidden 8 --every 4 --samples 16 --workers 2 \
              --scheme qsgd --bits 4 --method extra-adam --metrics q.npy -o s.npy
            python3 -c "
            import numpy as np
            m, q, s = np.load('m.npy'), np.load('q.npy'), np.load('s.npy')
            assert m.shape == (3, 7) and list(m[:, 0]) == [0, 10, 20] and (m[:, 5] == 0).all(), m
            assert s.shape == (16, 2) and q[-1, 5] > 0, q
            assert open('g.png', 'rb').read(8) == b'\x89PNG\r\n\x1a\n'
            print('gan ok')"
            """#)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("gan ok") && r.text.contains("(64, 2)"), "\(r.text)")
        #expect(r.stderr.contains("modes covered") && r.stderr.contains("two real samples"), "\(r.stderr)")
    }

    @Test func badInputIsAOneLineError() throws {
        try Shell.expectFailures(
            [
                ("vi-opt solve --lr 0 -o o.npy", 64, "--lr must be a finite number > 0"),
                ("vi-opt solve --lr=-1 -o o.npy", 64, "--lr must be a finite number > 0"),
                ("vi-opt solve --scheme nuq --bits 40 --workers 2 -o o.npy", 64, "--bits must be between 2 and 16"),
                (
                    "python3 -c \"import numpy as np; np.save('m.npy', np.ones((3, 4), np.float32))\"; vi-opt solve --problem quadratic --matrix m.npy -o o.npy",
                    65, "m.npy: M must be a square matrix, not of shape [3, 4]"
                ),
                (
                    "python3 -c \"import numpy as np; np.save('a.npy', np.eye(3, dtype=np.float32))\"; vi-opt solve --problem bilinear --matrix a.npy --require-solution -o o.npy",
                    65, "has no known solution"
                ),
                ("vi-opt solve --problem bilinear --matrix missing.npy -o o.npy", 66, "missing.npy"),
                (
                    "python3 -c \"import numpy as np; np.save('a.npy', np.ones((1, 1), np.float32))\"; vi-opt solve --problem bilinear --matrix a.npy --lambda 0.1 --method eg --lr 10 --iterations 1000 -o o.npy",
                    65, "diverged"
                ),
            ], prefix: "vi-opt solve: ")
        try Shell.expectFailures(
            [
                ("vi-opt gan --critic-lr 0 -o o.npy", 64, "--critic-lr must be a finite number > 0"),
                ("vi-opt gan --hidden 0 -o o.npy", 64, "--hidden must be in 1…4096"),
                (
                    "vi-opt gan --iterations 1 --every 1 --samples 4 --png /nonexistent/g.png -o o.npy", 73,
                    "/nonexistent"
                ),
            ], prefix: "vi-opt gan: ")
    }
}

/// `vi-opt reproduce` on a short run: its figures and tables are written, and the relative-noise slope is near −1.
@Suite struct VIOptReproduceTests {
    @Test func reproduceWritesFiguresAndSlopes() throws {
        let r = try Shell.run("vi-opt reproduce --seeds 2 --iterations 20000 --bits-iterations 40 --out rep && ls rep")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("rates.svg") && r.text.contains("bits.svg") && r.text.contains("tables.html"))
        let line = r.text.split(separator: "\n").first { $0.hasPrefix("relative") }
        let slope = line.flatMap { Double($0.split(separator: " ").filter { !$0.isEmpty }[4]) }
        #expect(slope != nil && slope! < -0.6 && slope! > -1.3, "\(r.text)")
        #expect(r.text.contains("optimistic dual (QODA's exchange) float32"))
    }
}

/// `vi-opt momentum` on a short run: the stability table's SGDM distance exceeds SGDEM's once the early phase ends.
@Suite struct VIOptMomentumTests {
    @Test func sgdmDriftsFurtherThanSgdemOnNeighbouringData() throws {
        let r = try Shell.run("vi-opt momentum --seeds 2 --epochs 10 --early 2 --out m && ls m")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("stability.svg") && r.text.contains("momentum-gap.svg"))
        func last(_ name: String) -> Double? {
            r.text.split(separator: "\n").last { $0.hasPrefix(name + " ") }
                .flatMap { Double($0.split(separator: " ").filter { !$0.isEmpty }.last!) }
        }
        let sgdm = try #require(last("SGDM")), sgdem = try #require(last("SGDEM (early 2 epochs)"))
        #expect(sgdm > 1.3 * sgdem, "SGDM \(sgdm), SGDEM \(sgdem)")
    }
}

/// `vi-opt overparam` on a tiny grid: the wider student fits its teacher's labels better in the same steps, and a
/// run above the work cap is reported as skipped.
@Suite struct VIOptOverparamTests {
    @Test func widerStudentsFitBetter() throws {
        let r = try Shell.run("vi-opt overparam --n 64 --exponents 0.5,1.5,2 --steps 200 --max-work 40000")
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.text.split(separator: "\n").filter { $0.hasPrefix("64 ") }.map {
            $0.split(separator: " ").filter { !$0.isEmpty }
        }
        #expect(rows.count == 3, "\(r.text)")
        let narrow = Double(rows[0][4]), wide = Double(rows[1][4])
        #expect(narrow != nil && wide != nil && wide! < narrow!, "\(r.text)")
        #expect(rows[2].contains("skipped"))
    }
}
