/// `netcost check` as text, markdown or JSON (the contract of DESIGN-NOTES.md:
/// `findings` with rule, severity, layer, message, values; `ratios` with name, layer,
/// measured, predicted).
extension CheckReport {
    public func render(_ format: String, minimum: Severity = .info) -> String {
        switch format {
        case "json": return json()
        default: return text(markdown: format == "markdown", minimum: minimum)
        }
    }

    private func text(markdown: Bool, minimum: Severity) -> String {
        let counts = "\(Plural.count(findings.count, "finding")) (\(Plural.count(count(.error), "error")), \(Plural.count(count(.warning), "warning")))"
        var out = [(markdown ? "## " : "") + "\(model): \(counts); rules and thresholds: docs/checks.md", ""]
        var findingsTable = Table(columns: [Table.Column("Rule"), Table.Column("Severity"), Table.Column("Layer"), Table.Column("Finding")])
        for finding in findings where finding.severity >= minimum {
            findingsTable.append([finding.rule, finding.severity.rawValue, finding.layer ?? "(network)", finding.message])
        }
        out.append(markdown ? findingsTable.markdown() : findingsTable.text())
        // A ratio is as severe as the finding its rule made at its layer, else info, so
        // that `--show warning` keeps the ratios behind the warnings.
        let shown = ratios.filter { !$0.name.hasSuffix("-layer-macs") && severity(of: $0) >= minimum }
        if !shown.isEmpty {
            out.append("")
            var ratioTable = Table(columns: [Table.Column("Ratio"), Table.Column("Layer"), Table.Column("Measured", right: true),
                                             Table.Column("Predicted", right: true), Table.Column("Off by", right: true)])
            for ratio in shown {
                ratioTable.append([ratio.name, ratio.layer ?? "(network)", NumberFormat.fixed(ratio.measured, 4),
                                   NumberFormat.fixed(ratio.predicted, 4), NumberFormat.fixed(100 * ratio.deviation, 2) + "%"])
            }
            out.append(markdown ? ratioTable.markdown() : ratioTable.text())
        }
        return out.joined(separator: "\n") + "\n"
    }

    private func count(_ severity: Severity) -> Int { findings.filter { $0.severity == severity }.count }

    /// The most severe finding of the ratio's rule at the ratio's layer, or info.
    func severity(of ratio: MeasuredRatio) -> Severity {
        findings.filter { $0.rule == ratio.rule && $0.layer == ratio.layer }.map(\.severity).max() ?? .info
    }

    private func json() -> String {
        var json = JSONWriter()
        json.beginObject()
        json.field("model", model)
        json.key("findings")
        json.beginArray()
        for finding in findings {
            json.beginObject()
            json.field("rule", finding.rule)
            json.field("severity", finding.severity.rawValue)
            json.key("layer")
            if let layer = finding.layer { json.value(layer) } else { json.null() }
            json.field("message", finding.message)
            json.key("values")
            json.beginObject()
            for (key, value) in finding.values {
                json.key(key)
                json.value(value)
            }
            json.endObject()
            json.endObject()
        }
        json.endArray()
        json.key("ratios")
        json.beginArray()
        for ratio in ratios {
            json.beginObject()
            json.field("name", ratio.name)
            json.field("rule", ratio.rule)
            json.key("layer")
            if let layer = ratio.layer { json.value(layer) } else { json.null() }
            json.field("measured", ratio.measured)
            json.field("predicted", ratio.predicted)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.text + "\n"
    }
}
