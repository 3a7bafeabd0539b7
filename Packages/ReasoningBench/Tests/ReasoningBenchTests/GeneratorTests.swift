import Kernel
import Testing

@testable import ReasoningBench

/// The generator against its own description: counts, semantics, determinism, and the exact solver on its text.
@Suite struct GeneratorTests {
    static let sample: [PuzzleParameters] = [
        valid { () throws(FjordError) in try PuzzleParameters(N: 20, d: 1, rho: 5) },
        valid { () throws(FjordError) in try PuzzleParameters(N: 50, d: 3, rho: 50) },
        valid { () throws(FjordError) in try PuzzleParameters(N: 100, d: 7, rho: 95) },
        valid { () throws(FjordError) in try PuzzleParameters(N: 250, d: 10, rho: 25) },
        valid { () throws(FjordError) in try PuzzleParameters(N: 1, d: 10, rho: 0) },
        valid { () throws(FjordError) in try PuzzleParameters(N: 30, d: 2, rho: 100) },
    ]

    @Test func needleCountRoundsHalfAwayFromZero() throws {
        #expect(try PuzzleParameters(N: 50, d: 1, rho: 5).needles == 3)  // 2.5 → 3 (Python's port: 2)
        #expect(try PuzzleParameters(N: 250, d: 1, rho: 25).needles == 63)  // 62.5 → 63
        #expect(try PuzzleParameters(N: 20, d: 1, rho: 0).needles == 1)  // at least one
        #expect(try PuzzleParameters(N: 20, d: 1, rho: 100).needles == 20)
        #expect(PuzzleParameters.paperGrid.count == 140)
    }

    @Test func parametersOutOfRangeAreRejectedWithTheRange() {
        #expect(throws: FjordError.usage("d = 11 is out of range: allowed 1…10")) {
            try PuzzleParameters(N: 10, d: 11, rho: 5)
        }
        #expect(throws: FjordError.self) { try PuzzleParameters(N: 0, d: 1, rho: 5) }
        #expect(throws: FjordError.self) { try PuzzleParameters(N: 10, d: 1, rho: 100.5) }
        #expect(throws: FjordError.self) { try PuzzleParameters(N: 10, d: 1, rho: .nan) }
    }

    @Test func structureMatchesTheParameters() throws {
        for par in Self.sample {
            for i in 0..<20 {
                let p = try Generator.generate(par, baseSeed: 7, index: i)
                let d = par.d
                #expect(p.statements.count == par.N)
                #expect(p.statements.filter(\.isNeedle).count == par.needles)
                #expect(p.categories.count == d && Set(p.categories).count == d)
                #expect(p.people.count == max(d, 2) && Set(p.people).count == p.people.count)
                for (s, dom) in p.domains.enumerated() {
                    #expect(dom.count == min(d == 1 ? 3 : d + 1, p.categories[s].values.count))
                    #expect(Set(dom).count == dom.count)
                }
                for st in p.statements {
                    #expect((1...d).contains(st.conditions.count) && (1...d).contains(st.updates.count))
                    #expect(Set(st.conditions.map(\.slot)).count == st.conditions.count)
                    #expect(Set(st.updates.map(\.slot)).count == st.updates.count)
                    #expect(st.isNeedle == (st.target == p.poi))
                }
                #expect(p.needlePositions.count == par.needles)
            }
        }
    }

    /// Replays the statements on the full state: hays never touch the PoI, needles always do, no other person ever
    /// equals the PoI, and the gold is the PoI's final value.
    @Test func semanticsHoldOnReplay() throws {
        for par in Self.sample {
            for i in 0..<20 {
                let p = try Generator.generate(par, baseSeed: 3, index: i)
                let d = p.d, n = p.people.count
                var st = p.initial
                for s in p.statements {
                    let matched = (0..<n).map { q in s.conditions.allSatisfy { Int(st[q * d + $0.slot]) == $0.value } }
                    #expect(matched[s.target])
                    #expect(matched[p.poi] == s.isNeedle)
                    for q in 0..<n where matched[q] { for u in s.updates { st[q * d + u.slot] = UInt8(u.value) } }
                    for q in 0..<n where q != p.poi {
                        #expect(st[(q * d)..<(q * d + d)] != st[(p.poi * d)..<(p.poi * d + d)])
                    }
                }
                #expect(p.domains[p.questionSlot][Int(st[p.poi * d + p.questionSlot])] == p.gold)
            }
        }
    }

    @Test func sameSeedSameBytesAndInstancesAreIndependent() throws {
        let par = try PuzzleParameters(N: 100, d: 5, rho: 50)
        let a = try Generator.generate(par, baseSeed: 1, index: 4).prompt()
        let b = try Generator.generate(par, baseSeed: 1, index: 4).prompt()
        let c = try Generator.generate(par, baseSeed: 1, index: 5).prompt()
        let e = try Generator.generate(par, baseSeed: 2, index: 4).prompt()
        #expect(a == b)
        #expect(a != c && a != e)
    }

    /// The exact solver reads only the prompt text and must reproduce the gold on every generated puzzle.
    @Test func exactSolverScoresOneHundredPercent() throws {
        var solved = 0, total = 0
        for par in PuzzleParameters.paperGrid {
            for i in 0..<3 {
                let p = try Generator.generate(par, baseSeed: 11, index: i)
                let s = try Solver.solve(p.prompt())
                total += 1
                if s.value == p.gold && s.person == p.people[p.poi] && s.category == p.askedCategory { solved += 1 }
                let v = Scoring.score(
                    completion: "Reasoning...\n" + s.sentence, finishReason: "stop",
                    category: p.askedCategory, gold: p.gold)
                #expect(v.correct)
            }
        }
        #expect(solved == total)
    }

    @Test func promptLayout() throws {
        let p = try Generator.generate(try PuzzleParameters(N: 5, d: 2, rho: 40), baseSeed: 0, index: 0)
        let lines = p.prompt().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == Substring(Puzzle.instruction))
        #expect(lines[1].isEmpty)
        #expect(lines.last! == Substring(p.askedCategory.question(p.people[p.poi])))
        #expect(lines.filter { $0.hasPrefix("1. The people ") }.count == 1)
        #expect(lines.filter { $0.hasPrefix("5. The people ") }.count == 1)
    }

    @Test func solverReportsTheLineItCannotRead() {
        let bad =
            Puzzle.instruction
            + "\n\nAna is located at the park.\n\n1. The people located in the park fly away\n\nWhere is Ana?"
        #expect(throws: FjordError.data("prompt line 5: cannot read the clause \"located in the park fly away\"")) {
            try Solver.solve(bad)
        }
    }
}
