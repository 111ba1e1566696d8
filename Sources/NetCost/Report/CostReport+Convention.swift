/// `report --convention NAME` and `--training`: the total and the per-layer counts under
/// another tool's convention, and a training step's forward and backward FLOPs.
extension CostReport {
    /// The forward FLOPs of a training step under the convention in force: netcost's
    /// FLOPs, or FlopCounterMode's (the conventions that count a backward pass).
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

/// `report --explain A,B`: where two conventions' totals part, by op family and by layer;
/// the parts add up to the difference exactly.
public struct ConventionDifference: Sendable {
    public struct Part: Sendable {
        public let name: String
        public let difference: Int
        public let layers: Int
    }

    public let first: ConventionCount
    public let second: ConventionCount
    /// `second.total − first.total`.
    public let difference: Int
    public let byFamily: [Part]
    /// Per layer that differs: its index, and the two counts (nil: not counted).
    public let layers: [(index: Int, first: Int?, second: Int?, difference: Int)]

    public init(_ analysis: Analysis, _ first: CountingConvention, _ second: CountingConvention) throws(InputError) {
        self.first = try ConventionCount(analysis, convention: first)
        self.second = try ConventionCount(analysis, convention: second)
        // Each total fits in 63 bits and neither is negative, so their difference does too.
        difference = self.second.total - self.first.total
        var families: [String: (difference: Int, layers: Int)] = [:]
        var layers: [(index: Int, first: Int?, second: Int?, difference: Int)] = []
        for index in analysis.graph.layers.indices {
            let a = self.first.layers[index], b = self.second.layers[index]
            let gap = (b ?? 0) - (a ?? 0)
            guard gap != 0 else { continue }
            layers.append((index, a, b, gap))
            let family = type(of: analysis.graph.layers[index].operation.rules).family.rawValue
            families[family, default: (0, 0)].difference += gap
            families[family, default: (0, 0)].layers += 1
        }
        byFamily = families.map { Part(name: $0.key, difference: $0.value.difference, layers: $0.value.layers) }
            .sorted { abs($0.difference) != abs($1.difference) ? abs($0.difference) > abs($1.difference) : $0.name < $1.name }
        self.layers = layers.sorted { abs($0.difference) != abs($1.difference) ? abs($0.difference) > abs($1.difference) : $0.index < $1.index }
    }

    public func text(_ graph: Graph, top: Int = 25) -> String {
        let a = first.convention, b = second.convention
        var lines = ["\(graph.name): \(b.rawValue) − \(a.rawValue) = \(Self.signed(difference)) "
                     + "(\(NumberFormat.grouped(second.total)) − \(NumberFormat.grouped(first.total)); \(b.rules.tool) against \(a.rules.tool))"]
        if (a == .flopcounter) != (b == .flopcounter) {
            lines.append("FlopCounterMode counts 2 FLOPs per multiply-accumulate, the others 1: its products count twice.")
        }
        lines.append("")
        var families = Table(columns: [.init("Op family"), .init("Difference", right: true), .init("Layers", right: true)])
        for part in byFamily { families.append([part.name, Self.signed(part.difference), NumberFormat.grouped(part.layers)]) }
        families.append(["total", Self.signed(difference), NumberFormat.grouped(layers.count)])
        lines.append(families.text())
        lines.append("")
        var table = Table(columns: [.init("Layer"), .init("Op"), .init(a.rawValue, right: true), .init(b.rawValue, right: true),
                                    .init("Difference", right: true)])
        for row in layers.prefix(top) {
            let layer = graph.layers[row.index]
            table.append([layer.name, layer.operation.kind, row.first.map(NumberFormat.grouped) ?? "not counted",
                          row.second.map(NumberFormat.grouped) ?? "not counted", Self.signed(row.difference)])
        }
        lines.append(layers.count > top ? "The \(top) layers that differ most, of \(layers.count):" : "Every layer that differs:")
        lines.append(table.text())
        return lines.joined(separator: "\n") + "\n"
    }

    public func json(_ graph: Graph) -> String {
        var json = JSONWriter()
        json.beginObject()
        json.field("model", graph.name)
        json.key("explain")
        json.beginObject()
        json.field("first", first.convention.rawValue)
        json.field("second", second.convention.rawValue)
        json.field("first_total", first.total)
        json.field("second_total", second.total)
        json.field("difference", difference)
        json.key("by_family")
        json.beginArray()
        for part in byFamily {
            json.beginObject()
            json.field("family", part.name)
            json.field("difference", part.difference)
            json.field("layers", part.layers)
            json.endObject()
        }
        json.endArray()
        json.key("layers")
        json.beginArray()
        for row in layers {
            json.beginObject()
            json.field("name", graph.layers[row.index].name)
            json.key("first")
            if let value = row.first { json.value(value) } else { json.null() }
            json.key("second")
            if let value = row.second { json.value(value) } else { json.null() }
            json.field("difference", row.difference)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        json.endObject()
        json.finishLine()
        return json.text
    }

    static func signed(_ value: Int) -> String { (value > 0 ? "+" : "") + NumberFormat.grouped(value) }
}
