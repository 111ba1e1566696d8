/// `report --convention NAME` and `--training`: the total and the per-layer counts under
/// another tool's convention, and a training step's forward and backward FLOPs.
extension CostReport {
    /// The forward FLOPs of a training step under the convention in force: netcost's
    /// FLOPs, or the tool's own count.
    var trainingForward: Int? {
        guard let convention else { return nil }
        return convention.convention == .netcost ? analysis.totals.flops : convention.total
    }

    func conventionSection(markdown: Bool) -> [String] {
        guard let convention else { return [] }
        let rules = convention.convention.rules
        var lines: [String] = ["", markdown ? "### Under \(rules.tool)" : "Under \(rules.tool):"]
        lines.append("Total: \(NumberFormat.grouped(convention.total)) \(rules.unit)")
        var table = Table(columns: [.init("Layer"), .init("Op"), .init(convention.convention.rawValue, right: true)]
                          + (convention.backwardLayers != nil ? [.init("Backward", right: true)] : []))
        var notCounted = 0
        for (index, layer) in analysis.graph.layers.enumerated() {
            if case .input = layer.operation { continue }
            let count = convention.layers[index]
            if count == nil { notCounted += 1 }
            var cells = [layer.name, layer.operation.kind, count.map(NumberFormat.grouped) ?? "not counted"]
            if let backward = convention.backwardLayers { cells.append(backward[index].map(NumberFormat.grouped) ?? "-") }
            table.append(cells)
        }
        lines.append(markdown ? table.markdown() : table.text())
        if notCounted > 0 {
            lines.append("\(Plural.count(notCounted, "layer")) the tool does not count (\"not counted\"): docs/conventions.md says why.")
        }
        if convention.backwardLayers != nil {
            if let forward = trainingForward, let backward = convention.backwardTotal {
                lines.append("Training step (forward + backward), batch \(model.batch): forward \(NumberFormat.grouped(forward)), backward \(NumberFormat.grouped(backward)) FLOPs; the first layer's input (the image) needs no gradient.")
            } else {
                lines.append("Training: \(rules.tool) gives no backward figure.")
            }
        }
        return lines
    }

    func writeConvention(_ json: inout JSONWriter) {
        guard let convention else { return }
        json.key("convention")
        json.beginObject()
        json.field("name", convention.convention.rawValue)
        json.field("tool", convention.convention.rules.tool)
        json.field("total", convention.total)
        json.field("unit", convention.convention.rules.unit)
        json.key("layers")
        json.beginArray()
        for (index, layer) in analysis.graph.layers.enumerated() {
            if case .input = layer.operation { continue }
            json.beginObject()
            json.field("name", layer.name)
            json.key("count")
            if let count = convention.layers[index] { json.value(count) } else { json.null() }
            if let backward = convention.backwardLayers {
                json.key("backward")
                if let value = backward[index] { json.value(value) } else { json.null() }
            }
            json.endObject()
        }
        json.endArray()
        json.endObject()
        if convention.backwardLayers != nil {
            json.key("training")
            json.beginObject()
            json.field("forward_flops", trainingForward ?? 0)
            json.key("backward_flops")
            if let backward = convention.backwardTotal { json.value(backward) } else { json.null() }
            json.endObject()
        }
    }
}
