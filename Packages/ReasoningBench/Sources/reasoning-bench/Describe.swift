import ArgumentParser
import FjordCLI
import Kernel
import ReasoningBench

struct Describe: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe sets of puzzles side by side: load, structure and vocabulary, read from the prompts alone.",
        discussion: """
            Each argument is LABEL=FILE (or FILE) of instance records with prompts (from generate, or from import of \
            the official generator's output). Prints one row per measure (statements, needles, people, conditions and \
            updates per statement, prompt length, share of statements matching more than one person, distinct names and \
            values per category) and one column per set; --markdown prints a Markdown table.
            Example: reasoning-bench describe fjord=ours.jsonl official=imported.jsonl
            """)

    @Argument(help: ArgumentHelp("Sets of instance records, LABEL=FILE or FILE.", valueName: "LABEL=FILE"))
    var sets: [String]
    @Flag(help: "Print a Markdown table.") var markdown = false

    func run() throws {
        try runTool("reasoning-bench describe") {
            var out: [(label: String, stats: CorpusStats)] = []
            for s in sets {
                let (label, path) =
                    s.contains("=") && !s.hasPrefix("=")
                    ? (String(s[..<s.firstIndex(of: "=")!]), String(s[s.index(after: s.firstIndex(of: "=")!)...]))
                    : (s, s)
                var st = CorpusStats()
                let records = try RecordFile.read(path: path)
                if records.isEmpty { throw FjordError.noInput("\(path): no records") }
                for r in records {
                    do throws(FjordError) { try st.add(prompt: try r.promptText()) } catch {
                        throw FjordError.data("\(path): \(r.id): \(error.message)")
                    }
                }
                out.append((label, st))
            }
            let t = CorpusStats.table(out)
            if markdown {
                var md =
                    "| " + t.header.joined(separator: " | ") + " |\n|" + t.header.map { _ in "---|" }.joined() + "\n"
                for row in t.rows { md += "| " + row.joined(separator: " | ") + " |\n" }
                try writeStdout(md)
            } else {
                try writeStdout(t.text)
            }
        }
    }
}
