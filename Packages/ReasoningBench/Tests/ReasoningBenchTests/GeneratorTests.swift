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

    /// The two official generators' roundings, at the paper grid's halves.
    @Test func needleCountRoundsAsEitherOfficialGenerator() throws {
        let halves: [(Int, Double, Int, Int)] = [(50, 5, 2, 3), (50, 25, 12, 13), (250, 5, 12, 13), (250, 25, 62, 63)]
        for (n, r, even, away) in halves {
            #expect(try PuzzleParameters(N: n, d: 1, rho: r).needles == even)
            #expect(try PuzzleParameters(N: n, d: 1, rho: r, rounding: .halfAway).needles == away)
        }
        #expect(try PuzzleParameters(N: 50, d: 1, rho: 75).needles == 38)  // 37.5: up either way
        #expect(try PuzzleParameters(N: 20, d: 1, rho: 0).needles == 1)  // at least one
        #expect(try PuzzleParameters(N: 20, d: 1, rho: 100).needles == 20)
        #expect(PuzzleParameters.paperGrid.count == 140)
    }

    @Test func parametersOutOfRangeAreRejectedWithTheRange() {
        #expect(throws: FjordError.usage("d = 13 is out of range: allowed 1…12")) {
            try PuzzleParameters(N: 10, d: 13, rho: 5)
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

    /// The exact solver reads only the prompt text and must reproduce the gold, the person, the category and the
    /// needle positions on every generated puzzle, in both wordings.
    @Test(arguments: TextStyle.allCases) func exactSolverScoresOneHundredPercent(style: TextStyle) throws {
        var solved = 0, total = 0
        for par in PuzzleParameters.paperGrid {
            for i in 0..<2 {
                let p = try Generator.generate(par, baseSeed: 11, index: i, style: style)
                let r = try Solver.read(p.prompt())
                let s = r.solution
                total += 1
                if s.value == p.gold && s.person == p.people[p.poi] && s.category == p.askedCategory
                    && s.style == style && r.needlePositions == p.needlePositions
                    && r.needleOperations == p.needleOperations
                {
                    solved += 1
                }
                let v = Scoring.score(
                    completion: "Reasoning...\n" + s.sentence, finishReason: "stop",
                    category: p.askedCategory, gold: p.gold, values: r.answerValues)
                #expect(v.correct)
            }
        }
        #expect(solved == total)
    }

    /// The wording changes the text only: both styles give the same puzzle.
    @Test func stylesShareThePuzzle() throws {
        let par = try PuzzleParameters(N: 50, d: 5, rho: 25)
        let a = try Generator.generate(par, baseSeed: 5, index: 2, style: .official)
        let b = try Generator.generate(par, baseSeed: 5, index: 2, style: .fjord)
        #expect(a.statements == b.statements && a.gold == b.gold && a.initial == b.initial)
        #expect(a.prompt() != b.prompt())
    }

    /// The official layout: instruction, blank line, starting states (attributes shuffled per line), "1." straight
    /// after them, a blank line, the question; Fjord's has a blank line before "1." and category order.
    @Test func promptLayout() throws {
        let par = try PuzzleParameters(N: 5, d: 6, rho: 40)
        let p = try Generator.generate(par, baseSeed: 0, index: 0)
        let lines = p.prompt().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == Substring(TextStyle.official.instruction))
        #expect(lines[1].isEmpty)
        let people = p.introducedPeople.count
        #expect(lines[2 + people].hasPrefix("1. The people "))
        #expect(lines[lines.count - 2].isEmpty)
        #expect(lines.last! == Substring(p.question))
        #expect(lines.filter { $0.hasPrefix("5. The people ") }.count == 1)
        // Shuffled: over a few puzzles, not every starting-state line lists the categories in category order.
        var inOrder = 0, total = 0
        for i in 0..<10 {
            let q = try Generator.generate(par, baseSeed: 0, index: i)
            for person in q.introducedPeople {
                total += 1
                if q.startingOrder(person) == Array(0..<q.d) { inOrder += 1 }
            }
        }
        #expect(inOrder < total / 4)
        let f = try Generator.generate(par, baseSeed: 0, index: 0, style: .fjord)
        let fl = f.prompt().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(fl[2 + people].isEmpty && fl[3 + people].hasPrefix("1. The people "))
    }

    @Test func solverReportsTheLineItCannotRead() {
        let bad =
            TextStyle.fjord.instruction
            + "\n\nAna is located at the park.\n\n1. The people located in the park fly away\n\nWhere is Ana?"
        #expect(throws: FjordError.data("prompt line 5: cannot read the clause \"located in the park fly away\"")) {
            try Solver.solve(bad)
        }
        #expect(throws: FjordError.data("prompt line 3: unknown clause \"is flying\"")) {
            try Solver.solve(
                "Solve this.\n\nAna is flying.\n1. The people located in the park move to the bar\n\nWhere is Ana?")
        }
    }

    /// A hand-written prompt in the official wording: every category, every clause form, attributes in any order,
    /// values none of our word lists has.
    @Test func solverReadsEveryOfficialClauseWithAnyVocabulary() throws {
        let prompt = """
            Solve this logic puzzle. You MUST finalize your response with a single sentence (an instruction).

            Raymond last read a dictionary book and is located at the retreat and is wearing a black shirt and is wearing a gray pant and is wearing a white hat and is wearing red socks and is wearing pink gloves and is wearing blue underwear and has green colored hair and last ate a toast and last watched a adventure movie and last listened to electronic music.
            Gloria is wearing a red shirt and is located at the depot and last ate a egg and is wearing a blue pant and is wearing a black hat and is wearing white socks and is wearing gray gloves and is wearing pink underwear and has purple colored hair and last watched a thriller movie and last listened to ska music and last read a essay book.
            1. The people located in the retreat and which most recently ate toast move to the depot and eat a taco
            2. The people wearing a black shirt and wearing a gray pant and wearing a white hat change into a red shirt and change into a blue pant and change into a black hat
            3. The people wearing red socks and wearing pink gloves change into white socks and put on gray gloves
            4. The people wearing blue underwear and having green hair put on pink underwear and color their hair to purple
            5. The people which most recently watched a adventure movie and which most recently listened to electronic music watch a thriller movie and listen to ska music
            6. The people which most recently read a dictionary book and located in the depot read a essay book and eat a egg
            7. The people which most recently ate egg and wearing white socks move to the retreat

            What kind of book did Raymond most recently read?
            """
        let r = try Solver.read(prompt)
        #expect(r.solution.value == "essay" && r.solution.person == "Raymond" && r.solution.category == .read)
        #expect(r.solution.style == .official)
        #expect(r.people == ["Raymond", "Gloria"] && r.categories.count == 12 && r.statements == 7)
        // Statement 7 matches both: by then Raymond equals Gloria everywhere.
        #expect(r.needlePositions == [1, 2, 3, 4, 5, 6, 7] && r.multiMatch == 1)
        #expect(r.values[.location] == ["retreat", "depot"] && r.values[.eat] == ["toast", "egg", "taco"])
        #expect(r.answerValues == ["dictionary", "essay"])
        for (q, c, v) in [
            ("Where is Raymond?", Category.location, "retreat"), ("What color pant is Raymond wearing?", .pant, "blue"),
            ("What color of socks is Raymond wearing?", .socks, "white"),
            ("What is the final hair color of Raymond?", .hair, "purple"),
            ("What did Raymond most recently eat?", .eat, "egg"),
            ("What kind of movie did Gloria most recently watch?", .watch, "thriller"),
            ("What kind of music did Raymond most recently listen to?", .listen, "ska"),
        ] {
            let s = try Solver.solve(
                prompt.replacingOccurrences(of: "What kind of book did Raymond most recently read?", with: q))
            #expect(s.category == c && s.value == v, "\(q)")
        }
    }
}
