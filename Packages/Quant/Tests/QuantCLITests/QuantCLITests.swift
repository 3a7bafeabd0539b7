import FjordTestSupport
import Foundation
import Testing

/// The `quant` executable as a user runs it.
@Suite struct QuantCLITests {
    @Test func pipeEndToEnd() throws {
        let r = try Shell.run(
            """
            set -o pipefail
            tensor rand --shape 16,100000 --seed 2 | quant encode --scheme nuq --bits 4 --verbose | quant decode | tensor info --json
            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("\"shape\":[16,100000]"))
        #expect(r.stderr.contains("bits/coordinate"))
    }

    @Test func decodeEqualsDequantizeAndSeedsAreReproducible() throws {
        let r = try Shell.run(
            """
            tensor rand --shape 3,5000 --count 2 --seed 1 > v.npy
            quant encode --scheme qsgd --bits 3 --bucket 512 --seed 9 v.npy > a.fjq
            quant encode --scheme qsgd --bits 3 --bucket 512 --seed 9 v.npy > b.fjq
            cmp a.fjq b.fjq && echo same-bytes
            quant encode --scheme qsgd --bits 3 --bucket 512 --seed 10 v.npy | cmp -s - a.fjq || echo other-seed-differs
            quant decode a.fjq | tensor info --json
            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("same-bytes") && r.text.contains("other-seed-differs"))
        #expect(r.text.components(separatedBy: "\"shape\":[3,5000]").count == 3)
    }

    /// Sign and top-k messages through a pipe: decode gives what numpy computes from the definition, streams of
    /// both kinds mix with quantized messages, and a corrupted frame is exit 65.
    @Test func signAndTopKMessages() throws {
        let r = try Shell.run(
            """
            set -o pipefail
            tensor rand --shape 3,1000 --seed 4 > v.npy
            quant encode --codec sign v.npy > s.fjq
            quant encode --codec topk --topk 0.05 v.npy > k.fjq
            quant encode --scheme qsgd --bits 4 v.npy > q.fjq
            quant decode s.fjq > s.npy && quant decode k.fjq > k.npy
            cat s.fjq k.fjq q.fjq | quant decode | tensor info --json | grep -c '"shape":\\[3,1000\\]'
            python3 -c "
            import numpy as np
            v = np.load('v.npy'); s = np.load('s.npy'); k = np.load('k.npy')
            scale = np.float32(np.abs(v.astype(np.float64)).sum() / v.size)
            assert np.array_equal(s, np.where(v < 0, -scale, scale).astype(np.float32)), 'sign'
            keep = np.argsort(-np.abs(v.ravel()), kind='stable')[:150]
            want = np.zeros(v.size, np.float32); want[keep] = v.ravel()[keep]
            assert np.array_equal(k.ravel(), want), 'topk'
            print('numpy-agrees', s.shape, k.shape)
            "
            wc -c < s.fjq; wc -c < k.fjq
            python3 -c "b=bytearray(open('k.fjq','rb').read()); b[40]^=4; open('bad.fjq','wb').write(b)"
            quant decode bad.fjq > /dev/null; echo "corrupt=$?"
            head -c 30 s.fjq | quant decode > /dev/null; echo "truncated=$?"
            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("numpy-agrees (3, 1000) (3, 1000)"), "\(r.text) \(r.stderr)")
        let lines = r.text.split(separator: "\n")
        #expect(lines.first == "3")
        // sign: a 36-byte frame (rank 2), a 16-byte header and 3000 sign bits
        #expect(lines.contains("427"), "\(lines)")
        #expect(r.text.contains("corrupt=65") && r.text.contains("truncated=65"))
        #expect(r.stderr.contains("checksum mismatch") && r.stderr.contains("truncated"))
    }

    /// `reproduce --quick`: variance tables and figures (against the budget and against the bits sent), the MNIST-1D
    /// accuracy table with a ± interval over seeds and the bits actually sent, the learned levels.
    @Test func reproduceQuick() throws {
        let r = try Shell.run("quant reproduce --quick --quiet --out rep && ls rep")
        #expect(r.status == 0, "\(r.stderr)")
        for f in ["variance-bits-real.svg", "variance-sent-real.svg", "accuracy-bits-4.svg", "tables.html"] {
            #expect(r.text.contains(f), "\(f) missing")
        }
        #expect(r.text.contains("Test accuracy on MNIST-1D"))
        #expect(r.text.contains(" ± ") && r.text.contains(" b)"), "\(r.text)")
        #expect(r.text.contains("Learned 3-bit levels"))
    }

    @Test func badInput() throws {
        let cases: [(String, Int32, String)] = [
            (
                "python3 -c \"import numpy as np,sys; np.save(sys.stdout.buffer, np.array([1, np.nan], 'f4'))\" | quant encode > /dev/null",
                65, "NaN"
            ),
            ("tensor rand --shape 1000 | quant encode | head -c 100 | quant decode > /dev/null", 65, "truncated"),
            (
                "python3 -c \"import numpy as np,sys; np.save(sys.stdout.buffer, np.array([1, np.nan], 'f4'))\" | quant variance",
                65, "NaN or infinite"
            ),
            ("printf 'FJQGjunkjunkjunkjunkjunkjunk' | quant decode > /dev/null", 65, "byte"),
            ("quant decode < /dev/null > /dev/null", 66, "empty"),
            (
                "python3 -c \"import numpy as np,sys; np.save(sys.stdout.buffer, np.full((4, 1000), 1e38, 'f4'))\" | quant encode > /dev/null",
                65, "norm exceeds float32's range"
            ),
            (
                "python3 -c \"import numpy as np,sys; np.save(sys.stdout.buffer, np.full(1000, 1e38, 'f4'))\" | quant variance --bits 3 > /dev/null",
                65, "norm exceeds float32's range"
            ),
            // decompression bombs: a bucket of zeros costs 34 bits whatever its size
            (
                "python3 -c \"import numpy as np,sys; np.save(sys.stdout.buffer, np.zeros(1000000, 'f4'))\" | quant encode --bucket 1000000 | quant decode --max-elements 1000 > /dev/null",
                65, "claims 1000000 coordinates"
            ),
            (
                "python3 -c \"import numpy as np,sys; np.save(sys.stdout.buffer, np.zeros(1000000, 'f4'))\" | quant encode --bucket 1000000 > z.fjq; python3 -c \"import struct; b=bytearray(open('z.fjq','rb').read()); b[12:16]=struct.pack('<I', 1<<26); b[24:32]=struct.pack('<Q', 1<<30); open('bomb.fjq','wb').write(b)\"; quant decode bomb.fjq -o out.npy; s=$?; test -e out.npy && echo partial; exit $s",
                65, "above the limit of 134217728"
            ),
            ("tensor rand --shape 10 | quant encode --scheme nuq --bits 12 > /dev/null", 64, "at most 8 bits"),
            ("tensor rand --shape 10 | quant encode --scheme foo > /dev/null", 64, "--scheme"),
            ("quant reproduce --seeds 0", 64, "--seeds"),
            (
                "python3 -c \"import numpy as np; np.save('l.npy', np.array([0, .5, .4, 1], 'f4'))\"; tensor rand --shape 10 | quant encode --levels l.npy > /dev/null",
                65, "increase strictly"
            ),
        ]
        try Shell.expectFailures(cases)
    }

    @Test func varianceTableMatchesTheFormula() throws {
        let r = try Shell.run("tensor rand --shape 8192 --seed 3 | quant variance --bits 4 --draws 300 --json")
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(rows.count == 3)
        for row in rows {
            let sampled = row["sampled"] as! Double, exact = row["exact"] as! Double
            #expect(abs(sampled - exact) / exact < 0.05, "\(row)")
            if let bound = row["bound"] as? Double { #expect(exact <= bound) }
        }
    }

    /// The claim: 4 workers at 4 bits within 1 point of full precision on digits, at ≤ 1/6 of the bytes.
    @Test func fourBitTrainingMatchesFullPrecision() throws {
        let r = try Shell.run(
            """
            common="--data digits --workers 4 --optimizer sgd --lr 0.1 --momentum 0.9 --epochs 30 --quiet"
            quant train $common --scheme none --report full.json
            quant train $common --scheme nuq --bits 4 --report nuq.json
            quant train $common --scheme qsgdinf --bits 4 --report qinf.json
            quant train $common --scheme alq --bits 4 --report alq.json
            python3 - <<'PY'
            import json
            full = json.load(open('full.json'))
            for name in ['nuq', 'qinf', 'alq']:
                q = json.load(open(name + '.json'))
                gap = full['test_accuracy'] - q['test_accuracy']
                ratio = q['gradient_bytes_sent'][0] / full['gradient_bytes_sent'][0]
                print(name, round(gap, 4), round(ratio, 4), q['bits_per_coordinate'])
                assert gap <= 0.01, (name, gap)
                assert ratio <= 1 / 6, (name, ratio)
            print('claims hold')
            PY
            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("claims hold"), "\(r.text)")
    }

    /// Finite values near the float limit: their bucket norm overflows float32 but the fit is defined (it trapped);
    /// and `quant gradients` streams, so a reader that stops early gets its bytes at once (it collected all first).
    @Test func largeValuesAndStreaming() throws {
        let r = try Shell.run(
            """
            set -o pipefail
            python3 -c "import numpy as np,sys; np.save(sys.stdout.buffer, np.clip(np.random.default_rng(0).standard_normal(1000)*1e38, -3e38, 3e38).astype('f4'))" \\
              | quant fit-levels --bits 3 | tensor info --json
            set +o pipefail  # quant gradients ends with SIGPIPE (141) when head has its bytes, as cat does
            quant gradients --samples 1000000000 | head -c 100 | wc -c
            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("\"shape\":[4]"), "\(r.text)")
        #expect(r.text.hasSuffix("100\n"), "\(r.text)")
    }
}

/// The bad-input matrix (FjordTestSupport's BadInput) over every quant subcommand that reads a tensor stream.
@Suite struct QuantBadInputMatrix {
    @Test(arguments: ["quant encode IN", "quant variance IN", "quant fit-levels --bits 3 IN"])
    func streamReaders(command: String) throws {
        // NaN and ±inf cannot be quantized; 3e38 rows have a bucket norm float32 cannot carry
        let expect: [BadInput: Int32] = [.nan: 65, .infinity: 65, .nearFloatMax: command.contains("fit") ? 0 : 65]
        try Shell.expectBadInputHandled(command, expect: expect, output: command.contains("variance") ? nil : "-o")
    }
}
