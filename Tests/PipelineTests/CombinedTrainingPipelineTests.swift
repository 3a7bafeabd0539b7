import FjordTestSupport
import Testing

/// Quantized, Byzantine-robust training from the command line: `quant train` and `robust-agg train` are one
/// option set with different defaults, so the same options give the same run, byte for byte.
@Suite struct CombinedTrainingPipelineTests {
    @Test func quantizedRobustRunFromEitherTool() throws {
        let r = try Shell.run(
            """
            set -e
            opt="--data digits --workers 12 -f 2 --attack ipm-mixtailor --eps 10 --optimizer sgd --lr 0.05 --momentum 0.9 --steps 100 --seed 3 --quiet"
            quant train $opt --scheme nuq --bits 4 --rule median --report q.json --save q.safetensors
            robust-agg train $opt --scheme nuq --bits 4 --report r.json --save r.safetensors
            cmp q.safetensors r.safetensors && echo same-model
            python3 - <<'PY'
            import json
            q, r = json.load(open('q.json')), json.load(open('r.json'))
            assert q['rule'] == r['rule'] == 'median' and q['scheme'] == r['scheme'] == 'nuq', (q['rule'], r['scheme'])
            assert q['gradient_bytes_sent'] == r['gradient_bytes_sent']
            # the bytes the exchange counted are the bytes the communicator carried, worker by worker
            assert q['gradient_bytes_sent'] == q['transport_bytes_sent'], (q['gradient_bytes_sent'], q['transport_bytes_sent'])
            assert q['bits_per_coordinate'] < 8, q['bits_per_coordinate']
            assert q['test_accuracy'] > 0.85, q['test_accuracy']
            print('quantized-robust', q['test_accuracy'], q['bits_per_coordinate'])
            PY
            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("same-model") && r.text.contains("quantized-robust"), "\(r.text) \(r.stderr)")
    }
}
