import FjordTestSupport
import Testing

/// `neural-op` as a user runs it: simulate → train → rollout → eval in files and pipes, an exact resume, bad input.
@Suite struct NeuralOpCLITests {
    @Test func simulateTrainRolloutEval() throws {
        let r = try Shell.run(
            #"""
            set -e -o pipefail
            neural-op simulate --system linear-shallow-water --grid 16 --samples 6 --frames 12 --seed 1 -o swe.npy
            neural-op simulate --system linear-shallow-water --grid 16 --samples 6 --frames 12 --seed 1 --threads 1 | cmp - swe.npy
            tensor info swe.npy
            for arch in fno fnotd; do
              if [ $arch = fno ]; then tin=2; m="--frames-in 2 --frames-out 1 --modes 4"
              else tin=3; m="--frames-in 3 --frames-out 3 --modes 4,4,2 --padding 2"; fi
              neural-op train swe.npy --arch $arch $m --width 6 --layers 2 --projection 8 --steps 8 --batch 4 \
                --fft estimate --save $arch.st --json $arch.json --quiet
              neural-op rollout $arch.st swe.npy --frames 6 --fft estimate --quiet -o $arch-pred.npy
              tensor info $arch-pred.npy
              neural-op eval --truth swe.npy --prediction $arch-pred.npy --from $tin --system linear-shallow-water \
                --grid 16 --figures fig-$arch > $arch-eval.json
              python3 -c "
            import json, numpy as np
            r = json.load(open('$arch-eval.json')); t = json.load(open('$arch.json'))
            p = np.load('$arch-pred.npy'); y = np.load('swe.npy')
            assert p.shape == (6, $tin + 6, 3, 16, 16), p.shape
            assert np.array_equal(p[:, :$tin], y[:, :$tin])
            assert len(r['relative_l2']) == 6, r.keys()
            assert 0 <= r['dispersion']['on_shell_truth'] <= 1
            print('$arch', t['steps'], t['parameters'], round(r['relative_l2'][0], 3), 'ok')"
              ls fig-$arch
            done
            """#)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("(6, 12, 3, 16, 16)"), "\(r.text)")
        #expect(r.text.contains("fno 8 ") && r.text.contains("fnotd 8 "), "\(r.text)")
        #expect(r.text.contains("dispersion-truth.png") && r.text.contains("frames.png"), "\(r.text)")
    }

    /// A run stopped after 5 of 12 steps and resumed gives the same checkpoint, byte for byte, as one run of 12.
    @Test func resumeIsExact() throws {
        let r = try Shell.run(
            """
            set -e
            neural-op simulate --system burgers --grid 32 --samples 4 --frames 8 -o b.npy
            opts="--frames-in 2 --modes 6 --width 4 --layers 2 --projection 8 --steps 12 --batch 3 --fft estimate --quiet"
            neural-op train b.npy $opts --save full.st
            neural-op train b.npy $opts --stop-after 5 --save part.st
            neural-op train b.npy --resume part.st --fft estimate --quiet --save resumed.st
            cmp full.st resumed.st && echo same
            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("same"), "\(r.text)")
    }

    @Test func badInputIsOneLineAndTheRightExitCode() throws {
        let cases: [(String, Int32, String)] = [
            ("neural-op train d.npy --modes 9 --frames-in 2 --steps 1 --fft estimate", 64, "Nyquist"),
            ("neural-op train d.npy --arch fnotd --frames-in 2 --frames-out 3 --steps 1 --fft estimate", 64, "fnotd"),
            ("neural-op train nan.npy --modes 3 --frames-in 2 --steps 1 --fft estimate", 65, "finite"),
            (
                "neural-op simulate --system navier-stokes --grid 16 --dt 0.3 --samples 1 --frames 2 -o x.npy", 64,
                "whole number"
            ),
            (
                "neural-op simulate --system shallow-water --grid 16 --dt 3000 --interval 6000 --samples 1 --frames 2 -o x.npy",
                64, "unstable"
            ),
            (
                "neural-op simulate --system navier-stokes --grid 16 --dt 0.25 --amplitude 100 --samples 1 --frames 3 -o x.npy",
                65, "unstable"
            ),
            ("neural-op rollout m.st small.npy --frames 2 --fft estimate -o x.npy", 65, "cannot run on the grid"),
            ("neural-op rollout m.st two.npy --frames 2 --fft estimate -o x.npy", 65, "fields"),
            ("neural-op rollout d.npy d.npy --frames 2 --fft estimate -o x.npy", 65, "d.npy"),
        ]
        var script = #"""
            set -e
            neural-op simulate --system navier-stokes --grid 16 --samples 3 --frames 5 --dt 0.01 -o d.npy
            neural-op simulate --system navier-stokes --grid 8 --samples 1 --frames 5 --dt 0.01 -o small.npy
            neural-op simulate --system linear-shallow-water --grid 16 --samples 1 --frames 5 -o two.npy
            python3 -c "
            import numpy as np; a = np.load('d.npy'); a[0, 1, 0, 2, 2] = np.nan; np.save('nan.npy', a)"
            neural-op train d.npy --frames-in 2 --modes 5 --width 4 --layers 1 --steps 2 --batch 2 --fft estimate --quiet \
              --save m.st
            set +e

            """#
        for (command, _, _) in cases {
            script += "out=$(\(command) 2>&1 >/dev/null); echo \"$?|$out\"; test ! -e x.npy\n"
        }
        let r = try Shell.run(script)
        let lines = r.text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        #expect(lines.count == cases.count, "\(r.text) \(r.stderr)")
        for (line, c) in zip(lines, cases) {
            let parts = line.split(separator: "|", maxSplits: 1).map(String.init)
            #expect(parts.count == 2 && parts[0] == String(c.1), "\(c.0): \(line)")
            #expect(parts.count == 2 && parts[1].contains(c.2) && !parts[1].contains("Fatal"), "\(c.0): \(line)")
        }
    }
}
