import Testing

@testable import Kernel

/// Builds a .npy byte string with an arbitrary header dict and version, as other writers might.
func npyBytes(_ dict: String, version: UInt8 = 1, data: [UInt8] = [], pad: Bool = true) -> [UInt8] {
    var d = Array(dict.utf8)
    let lenBytes = version == 1 ? 2 : 4
    if pad { while (8 + lenBytes + d.count + 1) % 16 != 0 { d.append(0x20) } }
    d.append(0x0A)
    var out: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version, 0]
    for i in 0..<lenBytes { out.append(UInt8(truncatingIfNeeded: d.count >> (8 * i))) }
    return out + d + data
}

func floatBytes(_ v: [Float]) -> [UInt8] { v.withUnsafeBytes { Array($0) } }

@Suite struct NpyHeaderTests {
    @Test func encodedHeaderMatchesNumpyLayout() {
        // np.save of a (2,3) float32: HEADER_LEN 118, data at 128.
        let h = NpyHeader(dtype: .f4, shape: [2, 3]).encoded()
        #expect(h.count == 128)
        #expect(Array(h[0..<8]) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        #expect(Int(h[8]) | Int(h[9]) << 8 == 118)
        #expect(
            String(decoding: h[10...], as: UTF8.self).hasPrefix(
                "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"))
        #expect(h.last == 0x0A)
    }

    @Test(arguments: [[Int](), [5], [2, 3], [0, 4], [1, 2, 3, 4]])
    func headerRoundTrips(shape: [Int]) throws {
        for dt in DType.allCases {
            let h = NpyHeader(
                dtype: dt, shape: shape, littleEndian: dt.size == 1 ? true : false, fortranOrder: shape.count > 1)
            let bytes = h.encoded()
            #expect(bytes.count % 64 == 0)
            let a = try NpyReader(ByteSource(bytes: bytes + [UInt8](repeating: 0, count: h.byteCount!))).next()!
            #expect(a.header == h)
        }
    }

    @Test func parsesOtherWritersHeaders() throws {
        // key order, double quotes, Python 2 long suffix, no trailing comma, 16-byte alignment, v2 and v3
        let cases: [(String, UInt8, NpyHeader)] = [
            ("{'shape': (3,), 'fortran_order': False, 'descr': '<i8'}", 1, NpyHeader(dtype: .i8, shape: [3])),
            (
                "{\"descr\": \">f8\", \"fortran_order\": True, \"shape\": (2L, 2L), }", 1,
                NpyHeader(dtype: .f8, shape: [2, 2], littleEndian: false, fortranOrder: true)
            ),
            ("{'descr': '|u1', 'fortran_order': False, 'shape': (), }", 2, NpyHeader(dtype: .u1, shape: [])),
            ("{'descr': '|b1', 'fortran_order': False, 'shape': (4,), }", 3, NpyHeader(dtype: .b1, shape: [4])),
        ]
        for (dict, v, want) in cases {
            let bytes = npyBytes(dict, version: v, data: [UInt8](repeating: 0, count: want.byteCount!))
            let got = try NpyReader(ByteSource(bytes: bytes)).next()!
            #expect(got.header == want)
        }
    }

    func expectDataError(_ bytes: [UInt8], _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try NpyReader(ByteSource(bytes: bytes)).readAll()
            Issue.record("no error for input expected to fail with '\(fragment)'", sourceLocation: sourceLocation)
        } catch {
            #expect(error.kind == .data, sourceLocation: sourceLocation)
            #expect(error.message.contains(fragment), "\(error.message)", sourceLocation: sourceLocation)
        }
    }

    @Test func rejectsMalformedInput() {
        let good = NpyHeader(dtype: .f4, shape: [2]).encoded() + floatBytes([1, 2])
        expectDataError(Array("hello, world".utf8), "bad magic")
        expectDataError(Array(good[0..<5]), "truncated npy preamble")
        expectDataError(Array(good[0..<40]), "runs past the end")
        expectDataError(Array(good.dropLast(3)), "truncated array data")
        expectDataError(good + [1, 2, 3], "truncated npy preamble")
        expectDataError(good + Array("garbage!".utf8), "bad magic bytes after array 1")
        expectDataError(npyBytes("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"), "object dtype")
        expectDataError(npyBytes("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }"), "unsupported dtype")
        expectDataError(npyBytes("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }"), "structured")
        expectDataError(
            npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }"),
            "more elements")
        expectDataError(
            npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }"),
            "dimension too large")
        expectDataError(npyBytes("{'descr': '<f4', 'fortran_order': False}"), "no 'shape'")
        expectDataError(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}"), "unexpected")
        expectDataError(
            npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } trailing"), "after the closing")
        expectDataError([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 9, 0, 0, 0], "unsupported npy format version")
        // a huge claimed size over a short input fails as truncated (no giant allocation)
        expectDataError(
            npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }", data: [1, 2, 3]),
            "truncated array data")
    }

    @Test func emptyInputIsNoInput() {
        #expect(throws: FjordError.noInput("memory: empty input (expected a .npy tensor stream)")) {
            _ = try NpyReader(ByteSource(bytes: [])).next()
        }
        do {
            #expect(try NpyReader(ByteSource(bytes: []), allowEmpty: true).next() == nil)
        } catch {
            Issue.record("allowEmpty reader threw \(error)")
        }
    }

    @Test func streamOfSeveralArraysRoundTrips() throws {
        let sink = ByteSink()
        let w = NpyWriter(sink)
        let a = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        let b = Tensor([-1.5])
        try w.write(a)
        try w.write(b)
        try w.write(NpyArray(a, dtype: .i2))
        let r = NpyReader(ByteSource(bytes: sink.memory))
        let all = try r.readAll()
        #expect(all.count == 3)
        #expect(all[0].tensor() == a)
        #expect(all[1].tensor() == b)
        #expect(all[2].dtype == .i2 && all[2].tensor() == a)
    }

    @Test func fortranOrderAndBigEndianConvert() throws {
        // numpy: np.asfortranarray(np.arange(6, dtype='>f8').reshape(2, 3))
        let values: [Double] = [0, 3, 1, 4, 2, 5]  // column-major order of [[0,1,2],[3,4,5]]
        var data: [UInt8] = []
        for v in values { data += withUnsafeBytes(of: v.bitPattern.bigEndian) { Array($0) } }
        let bytes = npyBytes("{'descr': '>f8', 'fortran_order': True, 'shape': (2, 3), }", data: data)
        let a = try NpyReader(ByteSource(bytes: bytes)).next()!
        #expect(a.tensor() == Tensor(shape: [2, 3], values: [0, 1, 2, 3, 4, 5]))
        #expect(a.doubles() == [0, 1, 2, 3, 4, 5])
        let c = a.cOrdered()
        #expect(!c.header.fortranOrder && c.shape == [2, 3])
    }

    @Test func everyDtypeConvertsToFloat() throws {
        let t = Tensor([0, 1, -2, 3.5, 200, -300])
        for dt in DType.allCases {
            let a = NpyArray(t, dtype: dt)
            let back = a.tensor().scalars
            switch dt {
            case .f4, .f8, .f2: #expect(back == [0, 1, -2, 3.5, 200, -300])
            case .i1: #expect(back == [0, 1, -2, 4, 127, -128])  // ties to even, saturating
            case .u1: #expect(back == [0, 1, 0, 4, 200, 0])
            case .b1: #expect(back == [0, 1, 1, 1, 1, 1])
            case .i2, .i4, .i8: #expect(back == [0, 1, -2, 4, 200, -300])
            case .u2, .u4, .u8: #expect(back == [0, 1, 0, 4, 200, 0])
            }
        }
        // half precision: exact for representable values, subnormals, infinity
        let h = NpyArray(Tensor([65504, 6.1035156e-05, 5.9604645e-08, .infinity, -0.5]), dtype: .f2)
        #expect(h.tensor().scalars == [65504, 6.1035156e-05, 5.9604645e-08, .infinity, -0.5])
    }
}
