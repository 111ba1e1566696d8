/// The page's per-layer table: one row per layer in graph order (the graph input left
/// out, as in the JSON report), sortable by any column, with the check findings on the
/// row of the layer they name.
///
/// Numeric cells show the short form (`10.84M`) and carry the exact value in `data-v`
/// (which the sort reads) and in a tooltip. Each row's id is `L` + the layer's graph
/// index, so the charts and the findings list link to it.
struct HTMLLayerTable {
    var analysis: Analysis
    var dataType: DataType
    var device: RooflineDevice
    var findings: FindingIndex
    var timings: LayerTimings?

    func render(into html: inout SVGWriter) {
        let graph = analysis.graph
        let bytes = dataType.bytes
        var headers: [(String, Bool, String?)] = [
            ("#", true, "graph order"), ("Layer", false, nil), ("Op", false, nil), ("Details", false, nil), ("Output", false, nil),
            ("Params", true, nil), ("MACs", true, nil), ("FLOPs", true, nil), ("Memory", true, "memory access, elements read + written"),
            ("Intensity", true, "FLOP per byte at \(dataType.rawValue)"), ("Bound", false, "on the roofline's device"),
            ("RF", true, "receptive field size, pixels"),
        ]
        if let timings { headers += [("ms", true, timings.label.lowercased() + " latency"), ("GFLOP/s", true, "FLOPs / " + timings.label.lowercased() + " time")] }
        headers.append(("Findings", false, "netcost check"))
        html.open("div", [("class", .text("scroll"))])
        html.open("table", [("class", .text("sortable layers"))])
        html.open("thead", [])
        html.open("tr", [])
        for (title, numeric, hint) in headers {
            var attributes: [(String, SVGWriter.Value)] = []
            if numeric { attributes += [("class", .text("n")), ("data-type", .text("number"))] }
            if let hint { attributes.append(("title", .text(hint))) }
            html.element("th", attributes, content: title)
        }
        html.close("tr")
        html.close("thead")
        html.newline()
        html.open("tbody", [])
        for (index, layer) in graph.layers.enumerated() {
            if case .input = layer.operation { continue }
            let cost = analysis.costs[index]
            let annotations = findings.byLayer[index] ?? []
            var attributes: [(String, SVGWriter.Value)] = [("id", .text("L\(index)"))]
            if let worst = annotations.map(\.severity).max(), worst != .info { attributes.append(("class", .text(worst.rawValue))) }
            html.open("tr", attributes)
            number(index, text: String(index), into: &html)
            html.element("td", [("class", .text("name"))], content: layer.name)
            html.element("td", [], content: layer.operation.kind)
            html.element("td", [], content: layer.operation.rules.details(graph.inputShapes(of: index)))
            html.element("td", [], content: layer.outputShape.description)
            number(cost.params, into: &html)
            number(cost.macs, into: &html)
            number(cost.flops, into: &html)
            number(cost.memoryAccess, into: &html)
            let memoryBytes = cost.memoryAccess.multipliedReportingOverflow(by: bytes)
            if cost.flops > 0, !memoryBytes.overflow, memoryBytes.partialValue > 0 {
                let intensity = Double(cost.flops) / Double(memoryBytes.partialValue)
                html.element("td", [("class", .text("n")), ("data-v", .text(String(intensity)))], content: NumberFormat.fixed(intensity, 2))
                let bound = device.isMemoryBound(intensity: intensity) ? "memory" : "compute"
                html.element("td", [("class", .text("bound-" + bound))], content: bound)
            } else {
                html.element("td", [("class", .text("n")), ("data-v", .text(""))], content: "-")
                html.element("td", [], content: "-")
            }
            if let field = analysis.receptiveFields[index] {
                let text = field.height.size == field.width.size ? NumberFormat.field(field.height.size)
                    : NumberFormat.field(field.height.size) + "×" + NumberFormat.field(field.width.size)
                html.element("td", [("class", .text("n")), ("data-v", .text(NumberFormat.field(field.height.size)))], content: text)
            } else {
                html.element("td", [("class", .text("n")), ("data-v", .text(""))], content: "-")
            }
            if let timings {
                if let seconds = timings.seconds[layer.name] {
                    html.element("td", [("class", .text("n")), ("data-v", .text(String(seconds * 1e3)))], content: NumberFormat.fixed(seconds * 1e3, 3))
                    let rate = seconds > 0 ? Double(cost.flops) / seconds / 1e9 : 0
                    html.element("td", [("class", .text("n")), ("data-v", .text(String(rate)))], content: NumberFormat.fixed(rate, 2))
                } else {
                    html.element("td", [("class", .text("n")), ("data-v", .text(""))], content: "-")
                    html.element("td", [("class", .text("n")), ("data-v", .text(""))], content: "-")
                }
            }
            html.open("td", [("data-v", .text(annotations.map(\.rule).joined(separator: " ")))])
            // One badge per rule and severity: DW-RATIO's params and MACs ratios share one.
            var shown: [(rule: String, severity: Severity, messages: [String])] = []
            for annotation in annotations {
                if let same = shown.firstIndex(where: { $0.rule == annotation.rule && $0.severity == annotation.severity }) {
                    shown[same].messages.append(annotation.message)
                } else {
                    shown.append((annotation.rule, annotation.severity, [annotation.message]))
                }
            }
            for badge in shown {
                html.badge(Annotation(rule: badge.rule, severity: badge.severity, subject: layer.name, message: badge.messages.joined(separator: "\n")))
            }
            html.close("td")
            html.close("tr")
            html.newline()
        }
        html.close("tbody")
        html.close("table")
        html.close("div")
        html.newline()
    }

    /// A right-aligned count: short text, the exact value in `data-v` and the tooltip.
    private func number(_ value: Int, text: String? = nil, into html: inout SVGWriter) {
        html.element("td", [("class", .text("n")), ("data-v", .text(String(value))), ("title", .text(NumberFormat.grouped(value)))],
                     content: text ?? NumberFormat.count(value))
    }
}

extension SVGWriter {
    /// A rule id as a coloured badge, its message in the tooltip.
    mutating func badge(_ annotation: Annotation) {
        element("span", [("class", .text("badge " + annotation.severity.rawValue)),
                         ("title", .text("\(annotation.severity.rawValue): \(annotation.message)"))], content: annotation.rule)
    }
}
