import Foundation
import Kernel

/// Reads puzzles made by the official CogniLoad generator into instance records.
///
/// - **Output folders** of `cogniload.py` / `cogniload.exs`: `exp/cogniload/…/<N>_<d>_<needles>_<id>_<gold>.txt`, with
///   `meta/cogniload/…/<N>_<d>_<needles>_<id>_<gold>_state.json` beside them when present. The file name gives N, d,
///   the needle count, the puzzle id (the official per-puzzle seed) and the answer; the prompt is the file. The state
///   file, when there, is checked against what the solver reads (person of interest, answer, N, d).
/// - **JSON Lines**: one object per puzzle with the prompt text and the answer under any of the field names in
///   ``promptFields`` and ``goldFields`` (the release's exact names were not available to us), and N, d, needles, ρ
///   and an id where given (else taken from the prompt).
///
/// ρ is not in the official files: it is the value of `rhoGrid` (the paper's by default) whose needle count, rounded as
/// `rounding`, is the file's, else 100·needles/N. Every record is checked: the solver's answer must be the file's, and
/// the statements whose conditions the person of interest met (the needles) must be as many as the name says.
public enum Importer {
    public struct Options: Sendable {
        public var rhoGrid: [Double] = [5, 10, 25, 50, 75, 90, 95]
        public var rounding: NeedleRounding = .official
        public init() {}
    }

    /// One input that could not be imported.
    public struct Failure: Sendable {
        public var input: String
        public var message: String
    }

    public static let source = "cogniload-official"
    public static let promptFields = ["prompt", "puzzle", "puzzle_text", "text", "input", "content"]
    public static let goldFields = ["solution", "answer", "gold", "target", "solution_value", "label"]

    /// ρ for a puzzle with `needles` of `N` statements.
    static func rho(N: Int, needles: Int, options o: Options) -> Double {
        for r in o.rhoGrid {
            if let p = try? PuzzleParameters(N: N, d: 1, rho: r, rounding: o.rounding), p.needles == needles {
                return r
            }
        }
        return 100 * Double(needles) / Double(N)
    }

    /// The record of one puzzle, checked (see the type's documentation).
    static func record(
        id: String, N: Int?, d: Int?, needles: Int?, rho: Double?, seed: UInt64, prompt: String, gold: String,
        options o: Options
    ) throws(FjordError) -> Record {
        let reading = try Solver.read(prompt)
        let n = N ?? reading.statements, dd = d ?? reading.categories.count
        guard reading.statements == n else {
            throw .data("the prompt has \(reading.statements) statements, the name says \(n)")
        }
        guard reading.solution.value == gold else {
            throw .data("the solver answers \"\(reading.solution.value)\", the file says \"\(gold)\"")
        }
        let k = reading.needlePositions.count
        if let needles, needles != k {
            throw .data("\(k) statements concern the person asked about, the name says \(needles) needles")
        }
        let r = rho ?? Importer.rho(N: n, needles: k, options: o)
        let p: PuzzleParameters
        do { p = try PuzzleParameters(N: n, d: dd, rho: r, rounding: o.rounding) } catch {
            throw .data(error.message)
        }
        return try Record(
            id: id, parameters: p, seed: seed, prompt: prompt, gold: gold, source: source, reading: reading)
    }

    /// Imports every puzzle under `path`: an official output folder (or any folder holding its `.txt` files), one
    /// `.txt` file, or a JSON Lines file. Returns the records (sorted by N, d, needles, id) and the inputs that failed.
    public static func load(
        _ path: String, options o: Options = Options()
    ) throws(FjordError) -> (records: [Record], failures: [Failure]) {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw .noInput("\(path): no such file or folder")
        }
        if !isDir.boolValue && !path.hasSuffix(".txt") { return try loadJSONL(path, options: o) }
        var files: [String] = []
        if isDir.boolValue {
            let root = URL(fileURLWithPath: path)
            let exp = root.appendingPathComponent("exp/cogniload").path
            let base = FileManager.default.fileExists(atPath: exp) ? exp : path
            guard let walk = FileManager.default.enumerator(atPath: base) else { throw .io("\(base): cannot list") }
            while let f = walk.nextObject() as? String {
                if f.hasSuffix(".txt") { files.append(base + "/" + f) }
            }
        } else {
            files = [path]
        }
        if files.isEmpty { throw .noInput("\(path): no puzzle files (<N>_<d>_<needles>_<id>_<answer>.txt)") }
        var records: [(key: [Int], Record)] = [], failures: [Failure] = []
        for f in files {
            do throws(FjordError) {
                let (key, r) = try loadText(f, options: o)
                records.append((key, r))
            } catch {
                failures.append(Failure(input: f, message: error.message))
            }
        }
        records.sort { $0.key.lexicographicallyPrecedes($1.key) }
        return (records.map(\.1), failures.sorted { $0.input < $1.input })
    }

    /// One official `.txt` puzzle (and its state file, if present).
    static func loadText(_ file: String, options o: Options) throws(FjordError) -> ([Int], Record) {
        let name = (file as NSString).lastPathComponent
        let stem = String(name.dropLast(4))
        let parts = stem.split(separator: "_", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, let n = Int(parts[0]), let d = Int(parts[1]), let k = Int(parts[2]),
            let pid = Int(parts[3]), pid >= 0, !parts[4].isEmpty
        else {
            throw .data("the name is not <N>_<d>_<needles>_<id>_<answer>.txt")
        }
        let gold = String(parts[4])
        let bytes = try ByteSource.open(path: file).readAll()
        guard let prompt = String(validating: bytes, as: UTF8.self) else { throw .data("not UTF-8 text") }
        let id = parts[0..<4].joined(separator: "_")
        let r = try record(
            id: id, N: n, d: d, needles: k, rho: nil, seed: UInt64(pid), prompt: prompt, gold: gold, options: o)
        // The state file: meta/cogniload/<same sub-path>/<stem>_state.json.
        if let range = file.range(of: "/exp/cogniload/", options: .backwards) {
            let meta =
                String(file[..<range.lowerBound]) + "/meta/cogniload/" + String(file[range.upperBound...].dropLast(4))
                + "_state.json"
            if FileManager.default.fileExists(atPath: meta) {
                try checkState(String(meta), record: r)
            }
        }
        return ([n, d, k, pid], r)
    }

    /// Checks a state file against the record read from the prompt.
    static func checkState(_ path: String, record r: Record) throws(FjordError) {
        let v = try JSON.parse(try ByteSource.open(path: path).readAll(), what: path)
        if let poi = v["poi"]?.stringValue, poi != r.person {
            throw .data("\(path): the person of interest is \(poi), the prompt asks about \(r.person)")
        }
        if let n = v["num_statements"]?.intValue, n != r.parameters.N {
            throw .data("\(path): num_statements \(n), the prompt has \(r.parameters.N)")
        }
        if let d = v["difficulty"]?.intValue, d != r.parameters.d {
            throw .data("\(path): difficulty \(d), the name says \(r.parameters.d)")
        }
        if let last = v["history"]?[r.person]?.arrayValue?.first, let g = last[r.category.name]?.stringValue,
            g != r.gold
        {
            throw .data("\(path): the final \(r.category.name) of \(r.person) is \(g), the answer says \(r.gold)")
        }
    }

    /// A JSON Lines file of official puzzles (or of our own records, passed through).
    static func loadJSONL(_ path: String, options o: Options) throws(FjordError) -> ([Record], [Failure]) {
        let bytes = try ByteSource.open(path: path).readAll()
        var records: [Record] = [], failures: [Failure] = []
        for line in JSONLines(bytes) {
            let at = "\(path) line \(line.number)"
            do throws(FjordError) {
                let v = try JSON.parse(line.bytes, what: at)
                if v["params"]?["N"] != nil, v["category"] != nil {
                    records.append(try Record(json: v, at: at))
                    continue
                }
                records.append(try jsonRecord(v, line: line.number, options: o))
            } catch {
                failures.append(Failure(input: at, message: error.message))
            }
        }
        if records.isEmpty && failures.isEmpty { throw .noInput("\(path): no records") }
        return (records, failures)
    }

    static func jsonRecord(_ v: JSON, line: Int, options o: Options) throws(FjordError) -> Record {
        guard case .object(let top) = v else { throw .data("a line must be a JSON object") }
        // Parameters may sit at the top or in a nested object.
        var fields = top
        for nest in ["params", "parameters", "config", "metadata", "meta"] {
            if let inner = top[nest]?.objectValue { fields.merge(inner) { a, _ in a } }
        }
        func first(_ names: [String]) -> JSON? { names.lazy.compactMap { fields[$0] }.first }
        guard let prompt = first(promptFields)?.stringValue else {
            throw .data("no prompt text (a string field named one of \(promptFields.joined(separator: ", ")))")
        }
        guard let gold = first(goldFields)?.stringValue else {
            throw .data("no answer (a string field named one of \(goldFields.joined(separator: ", ")))")
        }
        let n = first(["num_statements", "N", "n", "statements"])?.intValue
        let d = first(["difficulty", "d", "intrinsic_difficulty"])?.intValue
        let k = first(["needles", "num_needles", "needle_count"])?.intValue
        let rho = first(["ratio", "rho", "needle_ratio", "needle_percentage"])?.doubleValue
        let pid = first(["puzzle_id", "seed", "id"])
        let seed = pid?.intValue.map { UInt64(max(0, $0)) } ?? UInt64(line)
        let id =
            first(["id", "name", "puzzle_id"]).flatMap { $0.stringValue ?? $0.intValue.map(String.init) }
            ?? "line-\(line)"
        return try record(id: id, N: n, d: d, needles: k, rho: rho, seed: seed, prompt: prompt, gold: gold, options: o)
    }
}
