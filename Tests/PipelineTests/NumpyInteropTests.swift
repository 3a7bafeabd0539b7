import FjordTestSupport
import Foundation
import Testing

/// Real pipes between the built tools and Python's numpy / safetensors (installed by Tools/bootstrap).
@Suite struct NumpyInteropTests {
    let npystream = Shell.repoRoot + "/Tools/npystream.py"

    @Test func numpyThroughTwoTensorCatsIsByteIdentical() throws {
        // Every dtype and layout numpy writes, through `tensor cat | tensor cat`, back into numpy.
        let r = try Shell.run(
            """
            python3 - > src.npys <<'PY'
            import numpy as np, sys
            rng = np.random.default_rng(0)
            out = sys.stdout.buffer
            for dt in ['<f4', '>f4', '<f8', '>f8', '<f2', 'i1', '<i2', '>i4', '<i8', 'u1', '>u2', '<u4', '<u8', '?']:
                np.save(out, (rng.standard_normal((3, 5)) * 50).astype(dt))
            np.save(out, np.asfortranarray(np.arange(24, dtype='<f4').reshape(2, 3, 4)))
            np.save(out, np.float64(3.25))            # shape ()
            np.save(out, np.zeros((0, 7), 'f4'))      # empty
            PY
            cat src.npys | tensor cat | tensor cat | python3 \(npystream) --save back.npys
            python3 - <<'PY'
            import numpy as np, sys
            sys.path.insert(0, '\(Shell.repoRoot)/Tools')
            from npystream import read_stream
            a = list(read_stream(open('src.npys', 'rb')))
            b = list(read_stream(open('back.npys', 'rb')))
            assert len(a) == len(b) == 17, (len(a), len(b))
            for x, y in zip(a, b):
                assert x.dtype == y.dtype and x.shape == y.shape, (x.dtype, y.dtype, x.shape, y.shape)
                assert x.tobytes(order='A') == y.tobytes(order='A') or x.tobytes() == y.tobytes()
                assert np.array_equal(x, y, equal_nan=True)
            print('identical', len(a))
            PY
            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("identical 17"))
    }

    @Test func fileWrittenByTensorLoadsWithNpLoad() throws {
        let r = try Shell.run(
            """
            tensor rand --shape 4,5 --seed 3 -o x.npy
            tensor rand --shape 4,5 --seed 3 | tensor convert --dtype f8 > y.npy
            python3 -c "
            import numpy as np
            x = np.load('x.npy'); y = np.load('y.npy')
            assert x.dtype == np.float32 and x.shape == (4, 5)
            assert np.array_equal(x.astype(np.float64), y)
            raw = open('x.npy','rb').read(); assert len(raw) == 128 + 80   # data on a 64-byte boundary
            print('ok', float(x.sum()))
            "
            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.hasPrefix("ok"))
    }

    @Test func statisticsAgreeWithNumpy() throws {
        let r = try Shell.run(
            """
            tensor rand --shape 1000,100 --dist laplace --seed 9 | tee x.npy | tensor info --json > info.json
            python3 -c "
            import numpy as np, json
            x = np.load('x.npy').astype(np.float64); s = json.load(open('info.json'))
            for k, v in [('min', x.min()), ('max', x.max()), ('mean', x.mean()), ('std', x.std())]:
                assert abs(s[k] - v) <= 1e-9 * max(1, abs(v)), (k, s[k], v)
            print('agree')
            "
            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("agree"))
    }

    @Test func safetensorsBothWays() throws {
        let r = try Shell.run(
            """
            tensor rand --shape 3,4 --seed 1 | tensor cat - <(tensor rand --shape 4 --seed 2 | tensor convert --dtype i8) \
              | tensor pack --names weight,bias --metadata format=np -o fj.safetensors
            python3 - <<'PY'
            import numpy as np
            from safetensors.numpy import load_file, save_file
            from safetensors import safe_open
            t = load_file('fj.safetensors')
            assert t['weight'].shape == (3, 4) and t['weight'].dtype == np.float32
            assert t['bias'].dtype == np.int64
            with safe_open('fj.safetensors', 'np') as f:
                assert f.metadata() == {'format': 'np'}
            save_file({'a': np.arange(6, dtype=np.float32).reshape(2, 3), 'b': np.array([1.5, -2], np.float64),
                       'c': np.array([True, False])}, 'py.safetensors', metadata={'k': 'v'})
            np.save('w.npy', t['weight'])
            PY
            tensor unpack fj.safetensors --name weight | tensor diff w.npy - && echo fj-ok
            tensor unpack --list py.safetensors
            tensor unpack py.safetensors | tensor to-csv
            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("fj-ok"))
        #expect(
            r.text.contains("a\tf4\t[2, 3]") && r.text.contains("c\tb1\t[2]") && r.text.contains("__metadata__\tk=v"))
        // file order is the writer's: the Python package puts the 8-byte dtype first
        #expect(r.text.contains("1.5\n-2.0\n\n0.0,1.0,2.0\n3.0,4.0,5.0\n\n1\n0\n"))
    }

    @Test func pictureFilesAreValid() throws {
        let r = try Shell.run(
            """
            tensor rand --shape 4,16,24 --seed 1 | tensor png --cmap coolwarm --scale 3 --columns 2 -o f.png
            tensor rand --shape 3,40 --dist uniform | tensor plot --labels a,b,c --title 'T <1>' -o p.svg
            python3 - <<'PY'
            import struct, zlib, xml.etree.ElementTree as ET
            b = open('f.png', 'rb').read()
            assert b[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
            w, h = struct.unpack('>II', b[16:24])
            # decompress all IDAT chunks: one filter byte + 3 bytes per pixel per row
            pos, idat = 8, b''
            while pos < len(b):
                n, = struct.unpack('>I', b[pos:pos+4]); kind = b[pos+4:pos+8]
                if kind == b'IDAT': idat += b[pos+8:pos+8+n]
                pos += 12 + n
            assert len(zlib.decompress(idat)) == h * (1 + 3 * w)
            print('png', w, h)
            root = ET.parse('p.svg').getroot()
            assert root.tag.endswith('svg')
            texts = [t.text for t in root.iter('{http://www.w3.org/2000/svg}text')]
            assert 'T <1>' in texts and 'a' in texts, texts
            print('svg ok')
            PY
            """)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.contains("png 146 98") && r.text.contains("svg ok"))
    }
}
