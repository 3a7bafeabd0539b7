import Testing

@testable import Kernel

@Suite struct SafetensorsTests {
    @Test func roundTripsNamesDtypesAndMetadata() throws {
        var st = Safetensors()
        st.tensors = [
            (name: "weight", array: NpyArray(Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]))),
            (name: "bias", array: NpyArray(Tensor([7, 8]), dtype: .i8)),
        ]
        st.metadata = ["format": "pt"]
        let bytes = st.encoded()
        #expect((bytes.count - 8 - 2 * 3 * 4 - 16) % 8 == 0)
        let back = try Safetensors.decode(bytes)
        #expect(back.tensors.map(\.name) == ["weight", "bias"])
        #expect(back["weight"]!.tensor() == Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]))
        #expect(back["bias"]!.dtype == .i8 && back["bias"]!.doubles() == [7, 8])
        #expect(back.metadata == ["format": "pt"])
    }

    func file(_ header: String, data: [UInt8]) -> [UInt8] {
        let h = Array(header.utf8)
        var out: [UInt8] = []
        for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: h.count >> (8 * k))) }
        return out + h + data
    }

    @Test func boundsAreChecked() {
        let cases: [([UInt8], String)] = [
            ([1, 2, 3], "too short"),
            ([255, 255, 255, 255, 0, 0, 0, 0], "over the 100 MB limit"),
            ([100, 0, 0, 0, 0, 0, 0, 0, 0x7B], "runs past the end"),
            (file("[1]", data: []), "not a JSON object"),
            (
                file(
                    #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}"#, data: [UInt8](repeating: 0, count: 8)),
                "out of the 8-byte buffer"
            ),
            (
                file(#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8)),
                "needs 12"
            ),
            (
                file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: [UInt8](repeating: 0, count: 8)),
                "gap or overlap"
            ),
            (
                file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: [UInt8](repeating: 0, count: 8)),
                "cover 4"
            ),
            (file(#"{"a":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}}"#, data: [0, 0]), "unsupported dtype"),
            (file(#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#, data: []), "non-negative"),
            (file(#"{"a":1,"a":2}"#, data: []), "duplicate key"),
            // the Python safetensors package (serde) refuses float shapes and offsets; so do we
            (
                file(
                    #"{"a":{"dtype":"F32","shape":[2.0,1],"data_offsets":[0,8]}}"#,
                    data: [UInt8](repeating: 0, count: 8)),
                "only integers"
            ),
            (
                file(
                    #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8e0]}}"#, data: [UInt8](repeating: 0, count: 8)),
                "only integers"
            ),
        ]
        for (bytes, fragment) in cases {
            do {
                _ = try Safetensors.decode(bytes)
                Issue.record("no error; expected '\(fragment)'")
            } catch {
                #expect(error.kind == .data)
                #expect(error.message.contains(fragment), "\(error.message)")
            }
        }
    }
}

@Suite struct JSONTests {
    @Test func parsesAndSerializes() throws {
        let j = try JSON.parse(#" {"b": [1, 2.5, -3e2, true, null], "a": "x\"\u00e9\n", "c": {}} "#)
        #expect(j["b"] == .array([.number(1), .number(2.5), .number(-300), .bool(true), .null]))
        #expect(j["a"] == .string("x\"é\n"))
        #expect(j.serialized == #"{"a":"x\"é\n","b":[1,2.5,-300,true,null],"c":{}}"#)
        #expect(try JSON.parse(j.serialized) == j)
        #expect(try JSON.parse(#""\ud83d\ude00""#) == .string("😀"))
    }

    @Test(arguments: ["", "{", "[1,]", "01", "1.", "\"abc", "{\"a\" 1}", "tru", "[1] 2", "\"\\ud800\""])
    func rejectsMalformed(text: String) {
        #expect(throws: FjordError.self) { _ = try JSON.parse(text) }
    }

    @Test func capsNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: FjordError.self) { _ = try JSON.parse(deep) }
    }
}
