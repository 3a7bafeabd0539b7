import FjordTestSupport
import Foundation
import Testing

/// The `reasoning-bench` executable as a user runs it: pipes, bad input, and the runner against a faulty server.
@Suite struct ReasoningBenchCLITests {
    static let server = Shell.repoRoot + "/Packages/ReasoningBench/Tests/fixtures/fake-chat-server.py"

    @Test func pipeGenerateSimulateAnalyze() throws {
        let r = try Shell.run(
            """
            set -o pipefail
            reasoning-bench generate --N 20,50 --d 1,5 --rho 10,50,90 --count 10 | reasoning-bench simulate --preset all | reasoning-bench analyze --resamples 50 --fit-resamples 20 --json report.json --figures figs
            ls figs | sort | tr '\\n' ' '
            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("model sim-careful: 120 answered"))
        #expect(r.text.contains("Spearman correlation"))
        #expect(
            r.text.contains("heatmaps-sim-careful.svg") && r.text.contains("tokens-workload.svg")
                && r.text.contains("u-shape.svg"))
    }

    @Test func solveIsExactAndGenerateIsDeterministic() throws {
        let r = try Shell.run(
            """
            set -o pipefail
            reasoning-bench generate --grid paper --count 2 --seed 9 > a.jsonl
            reasoning-bench generate --grid paper --count 2 --seed 9 > b.jsonl
            cmp a.jsonl b.jsonl && echo identical
            reasoning-bench solve a.jsonl | reasoning-bench score > /dev/null
            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("identical"))
        #expect(r.stderr.contains("280/280 correct (100.0%)"))
        #expect(r.stderr.contains("280 answered, 280 correct, 0 truncated, 0 ambiguous"))
    }

    @Test func badInputIsReportedWithLineNumbersAndRanges() throws {
        try Shell.expectFailures(
            [
                ("reasoning-bench generate --d 13", 64, "d = 13 is out of range: allowed 1…12"),
                ("reasoning-bench generate --rho 120", 64, "allowed 0…100"),
                ("reasoning-bench generate --N 0", 64, "N = 0 is out of range: allowed 1…100000"),
                ("reasoning-bench generate --N 2.5", 64, "--N values must be integers"),
                (
                    "reasoning-bench generate --count 1 > a.jsonl; (head -1 a.jsonl; echo '{\"id\": 3}'; echo 'not json') | reasoning-bench score",
                    65, "stdin line 2: missing or mistyped field \"id\""
                ),
                (
                    "reasoning-bench generate --count 1 > a.jsonl; (cat a.jsonl; echo; echo '{\"id\":') | reasoning-bench analyze",
                    65, "stdin line 3: byte 6: malformed JSON"
                ),
                ("printf '' | reasoning-bench analyze", 66, "stdin: no records"),
                ("reasoning-bench analyze missing.jsonl", 66, "missing.jsonl: cannot open"),
                ("reasoning-bench generate --count 1 | reasoning-bench analyze", 65, "no record has a completion"),
                ("reasoning-bench simulate --preset nobody < /dev/null", 64, "--preset must be one of"),
                ("reasoning-bench import nowhere", 66, "nowhere: no such file or folder"),
                ("mkdir -p e; reasoning-bench import e", 66, "e: no puzzle files"),
                ("reasoning-bench describe missing.jsonl", 66, "missing.jsonl"),
                ("echo '[1]' | reasoning-bench tokens --strings", 65, "stdin line 1: not a JSON string"),
                (
                    "echo '\"a\"' | reasoning-bench tokens --tokenizer nosuch --strings", 66,
                    "tokenizer \"nosuch\": no such file"
                ),
                (
                    "reasoning-bench generate --count 1 | reasoning-bench simulate --noise 1000", 64,
                    "--noise must be in"
                ),
                (
                    "reasoning-bench generate --count 2 | reasoning-bench simulate | reasoning-bench analyze --resamples 10 > /dev/full",
                    74, "write error"
                ),
            ], prefix: "reasoning-bench ")
        // request options are validated before any request: no NaN reaches the JSON body (it was sent as null)
        try Shell.expectFailures(
            ["nan", "inf", "-1", "3"].map { t in
                (
                    "reasoning-bench run --endpoint http://127.0.0.1:9 --model m --temperature=\(t) -o r.jsonl < /dev/null",
                    64,
                    "--temperature must be between 0 and 2"
                )
            })
    }

    /// The runner against a server that rate-limits, fails, drops connections and stalls past the timeout on the
    /// first request of each prompt: every instance ends with exactly one record. Then a resume from a file cut in
    /// the middle of a line, with a failed record in it, neither duplicates nor loses an instance.
    @Test(.timeLimit(.minutes(2))) func runnerSurvivesFaultsAndResumesWithoutDuplicates() throws {
        let r = try Shell.run(
            """
            set -e
            python3 '\(Self.server)' --slow 3 --log server.log > port.txt & server=$!
            trap 'kill -9 $server 2>/dev/null' EXIT
            for i in $(seq 50); do [ -s port.txt ] && break; sleep 0.1; done
            url=http://127.0.0.1:$(cat port.txt)/v1
            reasoning-bench generate --N 20 --d 3 --rho 25,75 --count 12 --no-prompt > puzzles.jsonl
            reasoning-bench run --endpoint $url --model fake --timeout 1 --backoff 0.05 --retries 6 --concurrency 6 puzzles.jsonl -o results.jsonl
            echo "full: $(wc -l < results.jsonl) lines, $(python3 -c "import json;print(len({json.loads(l)['id'] for l in open('results.jsonl')}))") ids"
            echo "faults: $(grep -c -v ' ok$' server.log)"
            # A crash: keep 10 complete records, mark one failed, and cut the next line in half.
            head -9 results.jsonl > partial.jsonl
            sed -n 10p results.jsonl | python3 -c "import json,sys; r=json.loads(sys.stdin.read()); r.pop('completion'); r['error']='HTTP 500'; print(json.dumps(r))" >> partial.jsonl
            sed -n 11p results.jsonl | head -c 40 >> partial.jsonl
            reasoning-bench run --endpoint $url --model fake --timeout 1 --backoff 0.05 --retries 6 puzzles.jsonl -o partial.jsonl
            python3 - <<'PY'
            import json
            ids = [json.loads(l)['id'] for l in open('partial.jsonl')]
            want = {json.loads(l)['id'] for l in open('puzzles.jsonl')}
            assert len(ids) == len(set(ids)) == len(want) == 24 and set(ids) == want, (len(ids), len(set(ids)))
            assert all('completion' in json.loads(l) and 'error' not in json.loads(l) for l in open('partial.jsonl'))
            print('resume: exactly once')
            PY
            # A second model into the same file: its own 24 records; the first model's stay as they are.
            reasoning-bench run --endpoint $url --model fake2 --timeout 1 --backoff 0.05 --retries 6 puzzles.jsonl -o partial.jsonl
            python3 -c "import json,collections; c=collections.Counter((json.loads(l)['model'], json.loads(l)['id']) for l in open('partial.jsonl')); m=collections.Counter(k[0] for k in c); assert max(c.values()) == 1 and m == {'fake': 24, 'fake2': 24}, m; print('two models: 24 each')"
            """)
        #expect(r.status == 0, "\(r.text)\n\(r.stderr)")
        #expect(r.text.contains("full: 24 lines, 24 ids"))
        #expect(!r.text.contains("faults: 0"))
        #expect(r.text.contains("resume: exactly once") && r.text.contains("two models: 24 each"))
        #expect(r.stderr.contains("9 kept from an earlier run, 2 earlier records redone"))
    }

    @Test(.timeLimit(.minutes(1))) func runnerStopsOnAFinalHTTPError() throws {
        let r = try Shell.run(
            """
            python3 '\(Self.server)' --status 401 > port.txt & server=$!
            trap 'kill -9 $server 2>/dev/null' EXIT
            for i in $(seq 50); do [ -s port.txt ] && break; sleep 0.1; done
            reasoning-bench generate --count 3 > p.jsonl
            reasoning-bench run --endpoint http://127.0.0.1:$(cat port.txt)/v1 --model m p.jsonl -o r.jsonl
            echo "status $?"
            """)
        #expect(r.text.contains("status 74"), "\(r.stderr)")
        #expect(r.stderr.contains("HTTP 401") && r.stderr.contains("not retried"))
    }

    /// Official-format input end to end: an output folder laid out as the official generator writes it (the prompts
    /// are ours in the official wording; `Tools/check-cogniload` runs the official generator itself) → `import` →
    /// `run` against a server that streams, sends no usage and refuses long prompts as over its context → `score` →
    /// `analyze`. Then a second model, without streaming, whose server reports usage with reasoning tokens.
    @Test(.timeLimit(.minutes(2))) func officialFolderImportRunScoreAnalyze() throws {
        let r = try Shell.run(
            """
            set -e
            reasoning-bench generate --N 20,50 --d 1,3 --rho 10,90 --count 3 --seed 5 > ours.jsonl
            python3 - <<'PY'
            import json, os
            os.makedirs('off/exp/cogniload', exist_ok=True); os.makedirs('off/meta/cogniload', exist_ok=True)
            with open('answers.jsonl', 'w') as answers:
                for line in open('ours.jsonl'):
                    r = json.loads(line)
                    p = r['params']
                    stem = f"{p['N']}_{p['d']}_{r['needles']}_{100000 + r['seed'] % 900000}_{r['gold']}"
                    open(f'off/exp/cogniload/{stem}.txt', 'w').write(r['prompt'])
                    state = {'poi': r['person'], 'num_statements': p['N'], 'difficulty': p['d'],
                             'history': {r['person']: [{r['category']: r['gold']}]}}
                    json.dump(state, open(f'off/meta/cogniload/{stem}_state.json', 'w'))
                    text = 'Working through the statements in order.\\nThe answer is ' + r['gold'] + '. Hope this helps!'
                    answers.write(json.dumps({'prompt': r['prompt'], 'answer': text}) + '\\n')
            PY
            reasoning-bench import off -o puzzles.jsonl
            python3 '\(Self.server)' --no-faults --answers answers.jsonl --context 700 --no-usage > port.txt & s1=$!
            python3 '\(Self.server)' --no-faults --answers answers.jsonl --reasoning > port2.txt & s2=$!
            trap 'kill -9 $s1 $s2 2>/dev/null' EXIT
            for i in $(seq 50); do [ -s port.txt ] && [ -s port2.txt ] && break; sleep 0.1; done
            reasoning-bench run --endpoint http://127.0.0.1:$(cat port.txt)/v1 --model streamer --stream --samples 2 \\
              --system "Be careful." --param top_p=0.9 --param reasoning_effort=high --max-tokens-field max_completion_tokens \\
              --tokenizer tekken_240911 puzzles.jsonl -o results.jsonl
            reasoning-bench run --endpoint http://127.0.0.1:$(cat port2.txt)/v1 --model reasoner --price-prompt 2 \\
              --price-completion 8 puzzles.jsonl -o results.jsonl
            reasoning-bench score results.jsonl -o scored.jsonl
            reasoning-bench analyze scored.jsonl --resamples 50 --fit-resamples 20
            python3 - <<'PY'
            import json, collections
            rs = [json.loads(l) for l in open('scored.jsonl')]
            by = collections.Counter(r['model'] for r in rs)
            assert by == {'streamer': 48, 'reasoner': 24}, by
            for r in rs:
                assert r['source'] == 'cogniload-official' and r['prompt'] and r['text'] == 'official', r['id']
                assert r['provenance']['endpoint'].endswith('/chat/completions') and r['provenance']['tool'].startswith('reasoning-bench')
                long = len(r['prompt'].split()) > 700
                if r['model'] == 'streamer':
                    assert r['provenance']['params'] == {'top_p': 0.9, 'reasoning_effort': 'high'}, r['provenance']
                    assert r['provenance']['system'] == 'Be careful.' and r['provenance']['stream'] is True
                    assert r['finish_reason'] == ('overflow' if long else 'stop'), (r['id'], r['finish_reason'])
                    assert r['correct'] == (not long) and r.get('tokenizer') == (None if long else 'tekken_240911')
                else:
                    assert r['correct'] and r['tokenizer'] == 'server' and r['reasoning']
                    assert r['usage']['completion_tokens_details']['reasoning_tokens'] == 9 and r['usage']['total_tokens'] > 0
                    u = r['usage']; assert abs(r['cost'] - (2 * u['prompt_tokens'] + 8 * u['completion_tokens']) / 1e6) < 1e-12
            assert sorted({r['sample'] if 'sample' in r else 0 for r in rs if r['model'] == 'streamer'}) == [0, 1]
            over = sum(r['finish_reason'] == 'overflow' for r in rs)
            assert 0 < over < 48, over
            print('end to end: ok,', over, 'overflows')
            PY
            """)
        #expect(r.status == 0, "\(r.text)\n\(r.stderr)")
        #expect(r.text.contains("end to end: ok"))
        #expect(r.stderr.contains("24 puzzles imported, 0 refused"))
        #expect(r.text.contains("model streamer: 48 answered; tokens: tekken_240911"))
        #expect(r.text.contains("model reasoner: 24 answered; tokens: server"))
        #expect(r.text.contains("accuracy falls to 50% at:"))
    }

    /// The offline tokenizer against tiktoken (the library mistral-common counts with) built from the same tekken
    /// file: equal counts on prompts, reasoning-style text and Unicode edge cases (marks, title case, CJK, emoji,
    /// every whitespace rule of the pattern). Needs Tools/bootstrap (the file and tiktoken).
    @Test func tokenizerMatchesTiktoken() throws {
        let r = try Shell.run(
            #"""
            set -e
            f="${FJORD_DATA:-$HOME/.cache/fjord}/tokenizers/tekken_240911.json"
            [ -s "$f" ] || { echo "no $f: run Tools/bootstrap" >&2; exit 66; }
            reasoning-bench generate --N 20,100 --d 1,10 --rho 50 --count 2 > p.jsonl
            python3 - "$f" <<'PY'
            import base64, json, random, sys, tiktoken
            texts = ["Hello world", " hello", "HELLO there", "ÉCOLE élève", "e\u0301cole", "\u0301ABC", "123456",
                     "x=3.14; y=2/3", "a  b   c", "l1\nl2\r\n\r\n  ind", "   ", "\n\n", "tab\tsep", "😀👍🏽 ok",
                     "日本語のテキスト", "Ελληνικά Русский", "<think>check.</think>\nRed.", "path//f\n/", "ǅungla ǈ",
                     "XMLHttpRequest", "\u00a0nbsp\u2003", "", "  trailing   ", "A\u0300\u0301B", "ℝ ⅻ ½"]
            texts += [json.loads(l)['prompt'] for l in open('p.jsonl')]
            random.seed(1)
            texts += ["".join(random.choice("aAéÉ 1.\n\r\t/-😀\u0301日ǅ½'?") for _ in range(random.randint(0, 30))) for _ in range(200)]
            d = json.load(open(sys.argv[1])); c = d['config']; n = c['default_vocab_size'] - c['default_num_special_tokens']
            enc = tiktoken.Encoding(name='tekken', pat_str=c['pattern'], special_tokens={},
                                    mergeable_ranks={base64.b64decode(t['token_bytes']): t['rank'] for t in d['vocab'][:n]})
            with open('texts.jsonl', 'w') as t, open('oracle.txt', 'w') as o:
                for x in texts:
                    t.write(json.dumps(x) + '\n'); o.write(str(len(enc.encode(x, disallowed_special=()))) + '\n')
            PY
            reasoning-bench tokens --tokenizer tekken_240911 --strings texts.jsonl > ours.txt
            paste oracle.txt ours.txt | awk '$1 != $2 { bad++ } END { print "texts", NR, "mismatches", bad + 0 }'
            """#)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("texts 233 mismatches 0"), "\(r.text)")
    }

    /// `import` refuses a puzzle whose file name, prompt or state file disagree, names each, and imports the rest.
    @Test func importRefusesInconsistentPuzzlesAndKeepsTheRest() throws {
        let r = try Shell.run(
            """
            reasoning-bench generate --N 20 --d 3 --rho 50 --count 3 > ours.jsonl
            python3 - <<'PY'
            import json, os
            os.makedirs('off/exp/cogniload', exist_ok=True); os.makedirs('off/meta/cogniload', exist_ok=True)
            rs = [json.loads(l) for l in open('ours.jsonl')]
            for i, r in enumerate(rs):
                gold = r['gold'] if i != 1 else 'nothing'            # 1: the name's answer is wrong
                k = r['needles'] if i != 2 else r['needles'] + 1     # 2: the name's needle count is wrong
                stem = f"20_3_{k}_{100000 + i}_{gold}"
                open(f'off/exp/cogniload/{stem}.txt', 'w').write(r['prompt'])
            json.dump({'poi': 'Somebody'}, open(f'off/meta/cogniload/20_3_{rs[0]["needles"]}_100000_{rs[0]["gold"]}_state.json', 'w'))
            open('off/exp/cogniload/badname.txt', 'w').write('x')
            rs2 = rs[0]
            PY
            reasoning-bench import off -o out.jsonl; echo "status $?"
            printf '{"prompt": 3}\\n' > j.jsonl; reasoning-bench import j.jsonl -o o.jsonl; echo "jsonl status $?"
            """)
        #expect(r.text.contains("status 65"), "\(r.stderr)")
        #expect(r.stderr.contains("the person of interest is Somebody"))
        #expect(r.stderr.contains("the solver answers"))
        #expect(r.stderr.contains("the name says") && r.stderr.contains("needles"))
        #expect(r.stderr.contains("badname.txt: the name is not <N>_<d>_<needles>_<id>_<answer>.txt"))
        #expect(r.stderr.contains("0 puzzles imported, 4 refused"))
        #expect(r.text.contains("jsonl status 65") && r.stderr.contains("j.jsonl line 1: no prompt text"))
    }

    /// An official puzzle the solver cannot read becomes an error record; the others are still solved (exit 65).
    @Test func solveKeepsGoingPastAnUnreadablePrompt() throws {
        let r = try Shell.run(
            """
            reasoning-bench generate --count 3 > p.jsonl
            python3 -c "
            import json
            rs = [json.loads(l) for l in open('p.jsonl')]
            rs[1]['prompt'] = rs[1]['prompt'].replace('The people', 'Some people', 1)
            open('q.jsonl', 'w').write(''.join(json.dumps(r) + chr(10) for r in rs))"
            reasoning-bench solve q.jsonl -o s.jsonl; echo "status $?"
            python3 -c "import json; rs=[json.loads(l) for l in open('s.jsonl')]; print('errors', sum('error' in r for r in rs), 'correct', sum(r.get('correct') is True for r in rs))"
            """)
        #expect(r.text.contains("status 65") && r.text.contains("errors 1 correct 2"), "\(r.text)\n\(r.stderr)")
        #expect(r.stderr.contains("N20-d3-r50-0001: prompt line") && r.stderr.contains("1 prompts could not be read"))
    }

    @Test func reproduceRecoversTheSimulatedParameters() throws {
        let r = try Shell.run(
            "reasoning-bench reproduce --count 3 --fit-resamples 40 --out rep && cat rep/recovery.txt")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("exact solver: 420/420 correct"))
        let misses = r.text.split(separator: "\n").filter { $0.hasSuffix("NO") }.count
        #expect(misses <= 2, "\(r.text)")
    }
}

/// The bad-input matrix for the JSONL readers: missing, empty, garbage, a record cut in half, a record of the
/// wrong kind, and output faults; each a one-line message naming the input and line, no file left behind.
@Suite struct ReasoningBenchBadInputMatrix {
    @Test(arguments: ["solve", "score", "analyze"])
    func jsonlReaders(sub: String) throws {
        let rb = "reasoning-bench \(sub)"
        let good = "reasoning-bench generate --count 2 --seed 1 -o p.jsonl; "
        let out = sub == "analyze" ? "> out.jsonl" : "-o out.jsonl"  // analyze writes only stdout
        let cases: [(script: String, status: Int32, fragment: String)] = [
            ("\(rb) missing.jsonl", 66, "missing.jsonl"),
            (": > e.jsonl; \(rb) e.jsonl", 66, "e.jsonl"),
            ("printf 'garbage \\377 not json\\n' > g.jsonl; \(rb) g.jsonl", 65, "g.jsonl line 1"),
            (
                good
                    + "head -c 150 p.jsonl > t.jsonl; \(rb) t.jsonl \(out); s=$?; test -s out.jsonl && echo left; exit $s",
                65, "t.jsonl line 1"
            ),
            ("printf '[1, 2, 3]\\n' > a.jsonl; \(rb) a.jsonl", 65, "a.jsonl line 1"),
        ]
        try Shell.expectFailures(cases, prefix: rb)
        let full = try Shell.run(
            good + "reasoning-bench solve p.jsonl > s.jsonl; \(rb) \(sub == "solve" ? "p" : "s").jsonl > /dev/full")
        #expect(full.status == 74, "\(rb) > /dev/full: \(full.status) \(full.stderr)")
    }
}
