import Kernel

/// The analysis as text (for people) and JSON (for scripts).
extension Comparison {
    /// The models ranked by efficiency, with each one's log-efficiency gap to the best split into completion,
    /// conditional accuracy and verbosity (nil for fewer than two models).
    public var rankingTable: TextTable? {
        guard models.count > 1 else { return nil }
        var t = TextTable(
            title: "Ranking by efficiency: Δln E = Δln C + Δln Q − Δln T (against the most efficient)",
            header: [
                "ranking", "accuracy", "efficiency", "Δln E = Δln C + Δln Q − Δln T (against the most efficient)",
            ],
            widths: [18, 10, 12, nil])
        for m in models.sorted(by: { $0.efficiency.value > $1.efficiency.value }) {
            guard let g = gaps.first(where: { $0.model == m.model }) else { continue }
            let f = { (v: Double) in Comparison.fixed(v, 2) }
            t.add([
                m.model, NumberFormat.fixed(m.accuracy.value, 3), NumberFormat.fixed(m.efficiency.value, 3),
                f(g.total) + " = " + f(g.completion) + " + " + f(g.conditional) + " + " + f(g.verbosity),
            ])
        }
        return t
    }

    /// A number with `digits` decimals; infinities as ∞ and −∞ (ln E of a model with no correct answer is −∞).
    static func fixed(_ v: Double, _ digits: Int) -> String {
        v.isInfinite ? (v < 0 ? "−∞" : "∞") : NumberFormat.fixed(v, digits)
    }

    public var text: String {
        var o = ""
        func line(_ label: String, _ e: Estimate, _ digits: Int = 3) {
            o +=
                "  " + padded(label, 34) + NumberFormat.fixed(e.value, digits) + "  ["
                + NumberFormat.fixed(e.lo, digits) + ", "
                + NumberFormat.fixed(e.hi, digits) + "]\n"
        }
        for m in models {
            o +=
                "model \(m.model): \(m.count) answered"
                + (m.failed > 0 ? ", \(m.failed) without an answer (left out)" : "") + "; tokens: \(m.tokenUnits)"
                + (m.tokenUnits.hasPrefix("mixed") ? " (T, E, VO and κ mix units)" : "") + "\n"
            line("accuracy", m.accuracy)
            line("completion C (within budget)", m.completion)
            line("conditional accuracy Q", m.conditionalAccuracy)
            line("mean output tokens T", m.meanTokens, 1)
            line("efficiency E (correct/1000 tok)", m.efficiency)
            line("overhead VO (tokens/needle)", m.overheadPerUnit, 1)
            line("coupling κ, OLS on completed", m.couplingOLS)
            line("coupling κ, censored (Tobit)", m.coupling)
            line("α of T = α·W^κ (Tobit)", m.alpha, 1)
            o += "  " + padded("ambiguous final sentences", 34) + NumberFormat.fixed(100 * m.ambiguousRate, 1) + "%\n"
            if let t = m.traces {
                line("trace grounding", t.grounding)
                line("trace repetition", t.repetition)
                line("trace prompt copying", t.copying)
                if t.loops > 0 { o += "  " + padded("truncated loops (not in κ, α fits)", 34) + "\(t.loops)\n" }
            }
            for (name, g) in [("N", m.byN), ("d", m.byD), ("ρ", m.byRho)] where g.count > 1 {
                o +=
                    "  accuracy by \(name):"
                    + g.map { " \(JSON.format($0.0))=\(NumberFormat.fixed($0.1.value, 2))" }.joined() + "\n"
            }
            if let u = m.uShape {
                o +=
                    "  U-shape in ρ: curvature " + NumberFormat.fixed(u.curvature.value, 2) + " ["
                    + NumberFormat.fixed(u.curvature.lo, 2) + ", "
                    + NumberFormat.fixed(u.curvature.hi, 2) + "], AIC quadratic "
                    + NumberFormat.fixed(u.aicQuadratic, 1) + " vs linear "
                    + NumberFormat.fixed(u.aicLinear, 1)
                    + (u.minimumInRange
                        ? ", minimum at ρ≈" + NumberFormat.fixed(u.vertex, 0)
                        : u.curvature.value > 0
                            ? ", no U-shape in range (fitted minimum at ρ≈" + NumberFormat.fixed(u.vertex, 0) + ")"
                            : ", no U-shape in range (curvature ≤ 0)") + "\n"
            }
            func threshold(_ name: String, _ e: Estimate?, _ unit: String, _ digits: Int) -> String {
                guard let e else { return "\(name) —" }
                return "\(name) \(unit)" + NumberFormat.fixed(e.value, digits) + " [" + NumberFormat.fixed(e.lo, digits)
                    + ", " + NumberFormat.fixed(e.hi, digits) + "]"
            }
            if m.byN.count > 1 || m.byD.count > 1 || m.byRho.count > 1 {
                o +=
                    "  accuracy falls to 50% at: " + threshold("ECL50", m.ecl50, "N≈", 0) + ", "
                    + threshold("NT50", m.nt50, "ρ≈", 1) + ", " + threshold("ID50", m.id50, "d≈", 1)
                    + " (— : not within the range)\n"
            }
            o += "\n"
        }
        if let ranking = rankingTable {
            o += ranking.text
            if let s = spearman {
                o += "Spearman correlation of the accuracy and efficiency rankings: " + NumberFormat.fixed(s, 2) + "\n"
            }
        }
        return o
    }

    /// A JSON number; −∞ and ∞ (which JSON cannot hold) as the strings "-Infinity" and "Infinity".
    static func number(_ v: Double) -> JSON { v.isInfinite ? .string(v < 0 ? "-Infinity" : "Infinity") : .number(v) }

    public var json: JSON {
        func est(_ e: Estimate) -> JSON {
            .object(["value": .number(e.value), "lo": .number(e.lo), "hi": .number(e.hi)])
        }
        func groups(_ g: [(Double, Estimate)]) -> JSON {
            .array(g.map { .object(["level": .number($0.0), "accuracy": est($0.1)]) })
        }
        var ms: [JSON] = []
        for m in models {
            var o: [String: JSON] = [
                "model": .string(m.model), "answered": .number(Double(m.count)), "failed": .number(Double(m.failed)),
                "accuracy": est(m.accuracy), "completion": est(m.completion),
                "conditional_accuracy": est(m.conditionalAccuracy),
                "mean_tokens": est(m.meanTokens), "efficiency": est(m.efficiency),
                "overhead_per_unit": est(m.overheadPerUnit),
                "coupling_ols": est(m.couplingOLS), "coupling_tobit": est(m.coupling), "alpha_tobit": est(m.alpha),
                "ambiguous_rate": .number(m.ambiguousRate), "token_units": .string(m.tokenUnits),
                "ecl50": m.ecl50.map(est) ?? .null, "nt50": m.nt50.map(est) ?? .null, "id50": m.id50.map(est) ?? .null,
                "by_N": groups(m.byN), "by_d": groups(m.byD), "by_rho": groups(m.byRho),
            ]
            if let t = m.traces {
                o["trace"] = .object([
                    "grounding": est(t.grounding), "repetition": est(t.repetition), "copying": est(t.copying),
                    "loops": .number(Double(t.loops)),
                ])
            }
            if let u = m.uShape {
                o["u_shape"] = .object([
                    "curvature": est(u.curvature), "aic_quadratic": .number(u.aicQuadratic),
                    "aic_linear": .number(u.aicLinear), "vertex_rho": .number(u.vertex),
                    "minimum_in_range": .bool(u.minimumInRange),
                ])
            }
            ms.append(.object(o))
        }
        var top: [String: JSON] = ["models": .array(ms)]
        if let s = spearman { top["spearman_accuracy_efficiency"] = .number(s) }
        top["gaps"] = .array(
            gaps.map {
                .object([
                    "model": .string($0.model), "dlnE": Comparison.number($0.total),
                    "dlnC": Comparison.number($0.completion), "dlnQ": Comparison.number($0.conditional),
                    "minus_dlnT": Comparison.number($0.verbosity),
                ])
            })
        return .object(top)
    }
}
