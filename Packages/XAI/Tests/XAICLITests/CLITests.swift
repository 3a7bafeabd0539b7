import FjordTestSupport
import Testing

/// `xai` as a user runs it: generate → train → explain | metrics in files and pipes, ANLS golden pairs, the
/// reproduce run at toy size, bad input.
@Suite struct XAICLITests {
    @Test func generateTrainExplainMetrics() throws {
        let r = try Shell.run(
            #"""
            set -e -o pipefail
            xai generate --posts 300 --seed 1 -o train.jsonl
            xai generate --posts 300 --seed 1 | cmp - train.jsonl
            xai generate --posts 100 --seed 2 --rho 0.5 -o test.jsonl
            opts="--epochs 2 --batch 16 --quiet --seed 3"
            xai train train.jsonl $opts --lambda 1 --align mse --save a.st --test test.jsonl --truth planted --json a.json
            xai train train.jsonl $opts --lambda 1 --align mse --save b.st
            cmp a.st b.st && echo same-model
            xai explain a.st test.jsonl --head 0 --png att.png --html att.html | xai metrics --truth planted > m.json
            xai explain a.st - --head 0 < test.jsonl -o rec.jsonl
            xai metrics rec.jsonl --truth planted | cmp - m.json
            python3 -c "
            import json
            m = json.load(open('m.json')); t = json.load(open('a.json'))
            assert m['conventions']['truth'] == 'planted' and m['conventions']['hard_rationale'] == 'top-5', m
            for k in ['token_f1', 'iou_f1', 'auprc', 'comprehensiveness', 'sufficiency', 'gmb_bpsn']:
                assert 0 <= m[k] <= 1 or k == 'comprehensiveness', (k, m[k])
            assert abs(m['token_f1'] - t['test']['token_f1']) < 1e-9, (m['token_f1'], t['test'])
            recs = [json.loads(l) for l in open('rec.jsonl')]
            assert len(recs) == 100 and all(len(r['probabilities']) == 2 for r in recs)
            assert all(len(r['scores']) == len(r['tokens']) for r in recs if r['label'] == 1)
            print('records', len(recs), 'ok')"
            head -c 8 att.png | od -An -c | tr -d ' '
            grep -c '<span' att.html
            """#)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("same-model"), "\(r.text)")
        #expect(r.text.contains("records 100 ok"), "\(r.text)")
        #expect(r.text.contains("PNG"), "\(r.text)")
    }

    /// The three pairs of research/xai.md where the conventions disagree or agree, through the CLI.
    @Test func anlsGoldenPairs() throws {
        let r = try Shell.run(
            #"""
            set -e
            for l in '{"prediction":"ab","answers":["a"]}' '{"prediction":"new  york","answers":["new york"]}' \
                     '{"prediction":"kitten","answers":["sitting"]}'; do
              echo "$l" | xai anls | python3 -c "
            import json, sys; o = json.load(sys.stdin); print(round(o['anls_strict'], 4), round(o['anls_mp-docvqa'], 4))"
            done
            echo '{"prediction":"x","answers":["x"],"box":[0,0,4,4],"gold_box":[0,0,4,2],"page":[8,8]}' | xai anls
            """#)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.text.split(separator: "\n").map(String.init)
        #expect(lines.prefix(3) == ["0 0.5", "1 0.8889", "0.5714 0.5714"], "\(r.text)")
        #expect(r.text.contains(#""mean_iou":0.5"#) && r.text.contains(#""mean_area_ratio":0.25"#), "\(r.text)")
    }

    @Test func reproduceAtToySize() throws {
        let r = try Shell.run(
            """
            set -e
            xai reproduce --seeds 2 --posts 200 --test-posts 60 --epochs 1 --dim 8 --quiet --out rep
            ls rep
            """)
        #expect(r.status == 0, "\(r.stderr)")
        for s in [
            "plain (λ = 0)", "SRA λ = 10", "random rationale", "token F1", "GMB BPSN", "tables.html",
            "attention-sra.png", "sra-arms.svg",
        ] {
            #expect(r.text.contains(s), "\(s): \(r.text)")
        }
    }

    /// The CoExVQA chain at toy size: tables, pictures, and a prediction file that `xai anls` scores to the table's
    /// numbers (seed 0 is the only seed, so the table is seed 0's).
    @Test func coexvqaAtToySize() throws {
        let r = try Shell.run(
            """
            set -e
            xai coexvqa --seeds 1 --questions 40 --test-questions 20 --epochs 1 --dim 8 --quiet --out co \
              --predictions p.jsonl > t.txt
            cat t.txt
            ls co
            head -c 8 co/pages.png | od -An -c | tr -d ' '
            xai anls p.jsonl | python3 -c "
            import json, sys
            o = json.load(sys.stdin)
            row = [l for l in open('t.txt') if l.startswith('constrained to the box')][0].split()
            anls, iou, area = float(row[4]), float(row[7]), float(row[9])
            assert o['questions'] == 20 and abs(o['anls'] - anls) < 6e-4, (o, row)
            assert abs(o['mean_iou'] - iou) < 6e-4 and abs(o['mean_area_ratio'] - area) < 6e-4, (o, row)
            print('anls agrees')"
            xai coexvqa --seeds 0 2>&1 | head -1; echo "status ${PIPESTATUS[0]}"
            """)
        #expect(r.status == 0, "\(r.stderr)")
        for s in [
            "constrained to the box", "unconstrained (whole page)", "box's words", "acc@IoU≥0.5", "tables.html",
            "pages.png", "deletions.svg", "PNG", "anls agrees", "status 64",
        ] {
            #expect(r.text.contains(s), "\(s): \(r.text)")
        }
    }

    @Test func badInputIsOneLineAndExit65() throws {
        let ok = #"{"id":"a","tokens":["x","y"],"scores":[0.1,0.9],"rationale":[0,1],"label":1}"#
        let cases: [(String, String, Int32, String)] = [
            (#"{"id":"a","tokens":["x","y"],"scores":[0.1,0.9],"rationale":[0,1,1]}"#, "metrics", 65, "3 entries"),
            (#"{"id":"a","tokens":["x","y"],"scores":[0.1],"rationale":[0,1]}"#, "metrics", 65, "1 scores for 2"),
            (#"{"id":"a","tokens":["x","y"],"scores":[0.1,0.9],"rationale":[0,-1]}"#, "metrics", 65, "not 0 or 1"),
            (
                #"{"id":"a","tokens":["x","y"],"scores":[0.1,0.9],"rationale":[0,0],"label":1}"#, "metrics", 65,
                "no token"
            ),
            (
                #"{"id":"a","tokens":["x","y"],"scores":[0.1,0.9],"label":1,"probabilities":[1.2,-0.2]}"#, "metrics",
                65, "[0, 1]"
            ),
            (ok + #"\nnot json"#, "metrics", 65, "line 2"),
            (
                #"{"prediction":"a","answers":["a"],"box":[0,0,10,10],"gold_box":[0,0,2,2],"page":[8,8]}"#, "anls", 65,
                "outside"
            ),
            (#"{"prediction":"a"}"#, "anls", 65, "answers"),
            (#"{"id":"p","tokens":["a"],"label":"x"}"#, "train --epochs 1 --quiet", 65, "label"),
            ("", "metrics", 65, "no records"),
        ]
        var script = "set +e\n"
        for (input, command, _, _) in cases {
            script += "printf '%b\\n' '\(input)' > in.jsonl; out=$(xai \(command) in.jsonl 2>&1 >/dev/null); "
            script += "echo \"$?|$(echo \"$out\" | wc -l)|$out\"\n"
        }
        // --skip-bad processes the rest and reports the bad line on stderr
        script +=
            "printf '%s\\nnot json\\n' '\(ok)' | xai metrics --skip-bad 2>err >/dev/null; echo \"skip $?\"; cat err\n"
        let r = try Shell.run(script)
        let lines = r.text.split(separator: "\n").map(String.init)
        #expect(lines.count >= cases.count + 2, "\(r.text) \(r.stderr)")
        for (line, c) in zip(lines, cases) {
            let parts = line.split(separator: "|", maxSplits: 2).map(String.init)
            #expect(parts.count == 3 && parts[0] == String(c.2) && parts[1] == "1", "\(c.1) \(c.0): \(line)")
            #expect(parts.count == 3 && parts[2].contains(c.3) && !parts[2].contains("Fatal"), "\(c.0): \(line)")
        }
        #expect(r.text.contains("skip 0") && r.text.contains("line 2"), "\(r.text)")
    }
}
