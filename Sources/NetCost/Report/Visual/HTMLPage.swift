/// The HTML page of the visual report: summary, charts, findings and the layer table,
/// with its style sheet and script inline.
///
/// The markup is also well-formed XML (void elements closed, every attribute quoted,
/// the script in a CDATA section), so tests and tools can parse it with an XML parser.
extension VisualReport {
    public func html() throws(InputError) -> String {
        let analysis = shown
        var page = SVGWriter(capacity: 64 * 1024 + 1200 * analysis.graph.layers.count)
        page.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
        page.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
        page.element("title", [], content: "netcost report: \(report.model.name)")
        page.raw("\n<style>\n" + HTMLAssets.css + "\n</style>\n</head>\n<body>\n")
        header(into: &page)
        page.raw("<nav><a href=\"#summary\">Summary</a><a href=\"#costs\">Cost per layer</a><a href=\"#roofline\">Roofline</a>")
        page.raw("<a href=\"#receptive-field\">Receptive field</a><a href=\"#memory\">Memory</a><a href=\"#findings\">Check findings</a><a href=\"#layers\">Layers</a></nav>\n")
        try summary(into: &page)
        try costs(into: &page)

        section("roofline", "Roofline", into: &page)
        page.element("p", [("class", .text("muted"))], content: "Each layer at its arithmetic intensity (FLOPs per byte of memory access at \(report.dataType.rawValue)) and the most it can attain on the device, min(peak, intensity × bandwidth). Left of the ridge a layer waits on memory; right of it, on arithmetic. Set the device with --peak-gflops and --bandwidth.")
        chart(roofline.render(standalone: false), into: &page)
        page.close("section")
        page.newline()

        section("receptive-field", "Receptive field", into: &page)
        page.element("p", [("class", .text("muted"))], content: "How much of the input each layer's output position sees, against the input size.")
        chart(receptiveField.render(standalone: false), into: &page)
        page.close("section")
        page.newline()

        memorySection(into: &page)

        findingsSection(into: &page)

        section("layers", "Layers", into: &page)
        page.element("p", [("class", .text("muted"))], content: "One row per layer in graph order; click a column header to sort (numbers largest first), again to reverse.")
        HTMLLayerTable(analysis: analysis, dataType: report.dataType, device: device, findings: findingIndex, timings: timings).render(into: &page)
        page.close("section")
        page.newline()
        page.element("footer", [], content: "Written by netcost report --format html. Counting conventions: docs/counting.md; rules and thresholds: docs/checks.md; this page: docs/visual-report.md.")
        page.raw("\n<script>//<![CDATA[\n" + HTMLAssets.script + "\n//]]></script>\n</body>\n</html>\n")
        return page.text
    }

    /// Activation memory step by step (`netcost memory`'s schedule in the model's order);
    /// left out when a size overflows.
    private func memorySection(into page: inout SVGWriter) {
        let graph = shown.graph
        guard let memory = try? MemoryReport(graph, dataType: report.dataType, inPlace: false) else { return }
        let schedule = memory.ownOrder, bestPeak = memory.bestOrder.peakBytes
        section("memory", "Activation memory", into: &page)
        let bestText = bestPeak < schedule.peakBytes
            ? " The order with the smallest peak (dashed) needs \(NumberFormat.grouped(bestPeak))."
            : " No order of these layers peaks lower."
        page.element("p", [("class", .text("muted"))], content: "The bytes of activations alive while each layer runs, in the model's order: a buffer lives from the layer that writes it to its last reader; views cost nothing. Peak \(NumberFormat.grouped(schedule.peakBytes)) bytes.\(bestText) Step by step: netcost memory (docs/memory.md).")
        chart(MemoryChart(graph: graph, schedule: schedule, bestPeak: bestPeak, dataType: report.dataType).render(standalone: false), into: &page)
        page.close("section")
        page.newline()
    }

    private func header(into page: inout SVGWriter) {
        page.open("header", [])
        page.element("h1", [], content: report.model.name)
        if let description = report.model.description { page.element("p", [], content: description) }
        let layers = report.analysis.graph.layers.filter { if case .input = $0.operation { return false } else { return true } }.count
        var meta = "input \(report.model.input), \(report.dataType.rawValue) (\(report.dataType.bytes) bytes per element), \(layers) layers"
        if report.deployed != nil { meta += "; charts and table show the deployed graph (--fuse)" }
        page.element("p", [], content: meta)
        page.element("p", [("class", .text("conventions"))], content: CostReport.conventions)
        if report.analysis.isPartial {
            page.element("p", [("class", .text("muted"))], content: "PARTIAL: \(report.unsupportedSummary(report.analysis)) were not counted; the totals leave them out.")
        }
        page.close("header")
        page.newline()
    }

    private func summary(into page: inout SVGWriter) throws(InputError) {
        section("summary", "Summary", into: &page)
        page.open("div", [("class", .text("cards"))])
        let bytes = Double(report.dataType.bytes)
        let training = report.analysis.totals
        func card(_ name: String, _ value: String, _ note: String, title: String? = nil) {
            page.open("div", [("class", .text("card"))] + (title.map { [("title", .text($0))] } ?? []))
            page.element("div", [("class", .text("name"))], content: name)
            page.element("div", [("class", .text("value"))], content: Self.keepingUnits(value))
            page.element("div", [("class", .text("note"))], content: Self.keepingUnits(note))
            page.close("div")
        }
        func counted(_ name: String, _ value: (Totals) -> Int, _ note: (Int) -> String) {
            let base = value(training)
            // `43,266,256, learned`, but `43,266,256 elements = 173.07 MB`.
            func exact(_ count: Int) -> String {
                let text = note(count)
                return NumberFormat.grouped(count) + (text.isEmpty ? "" : text.hasPrefix("elements") ? " " + text : ", " + text)
            }
            if let deployed = report.deployed {
                let fused = value(deployed.totals)
                card(name, NumberFormat.count(fused), "deployed: " + exact(fused) + "; training graph \(NumberFormat.grouped(base))")
            } else {
                card(name, NumberFormat.count(base), exact(base))
            }
        }
        counted("Params", { $0.params }) { _ in "learned" }
        counted("Buffers", { $0.buffers }) { _ in "batch-norm statistics" }
        counted("MACs", { $0.macs }) { _ in "conv, linear, matmul" }
        counted("FLOPs", { $0.flops }) { _ in "2×MACs + other arithmetic" }
        counted("Memory access", { $0.memoryAccess }) { "elements = " + NumberFormat.bytes(Double($0) * bytes) }
        counted("Activations", { $0.activations }) { "elements = " + NumberFormat.bytes(Double($0) * bytes) }
        let size = try report.analysis.storedBytes(report.storage)
        card("Model size", NumberFormat.bytes(Double(size)), report.storage.summary + ", params + buffers")
        if let (layer, field) = report.analysis.finalReceptiveField {
            card("Receptive field", NumberFormat.field(field.height.size) + (field.height.size == field.width.size ? "" : "×" + NumberFormat.field(field.width.size)) + " px",
                 "stride \(NumberFormat.field(field.height.jump)), padding \(NumberFormat.field(field.height.padding)), at \(report.analysis.graph.layers[layer].name)")
        }
        let points = rooflinePoints
        let memoryBound = points.filter(\.memoryBound).count
        // A short caption; the device is in the card's tooltip and in the roofline's title.
        card("Memory-bound layers", "\(memoryBound) of \(points.count)", "below the roofline's ridge, \(SVGWriter.number(device.ridge)) FLOP/byte",
             title: "on the roofline of \(device.name): \(SVGWriter.number(device.peakGFLOPS)) GFLOP/s, \(SVGWriter.number(device.bandwidthGBps)) GB/s, ridge \(SVGWriter.number(device.ridge)) FLOP/byte")
        if let checks {
            let count = { (severity: Severity) in checks.findings.filter { $0.severity == severity }.count }
            card("Check findings", "\(count(.error)) errors, \(count(.warning)) warnings", "\(count(.info)) info, \(checks.ratios.count) ratios; netcost check")
        }
        if let timings {
            let matched = analysis(matching: timings)
            card(timings.label, timings.totalSeconds.map { NumberFormat.fixed($0 * 1e3, 2) + " ms" } ?? "-",
                 timings.source.command + ", \(matched) layers")
        }
        page.close("div")
        page.close("section")
        page.newline()
    }

    /// The text with a no-break space (U+00A0) wherever a space follows a digit and comes
    /// before a letter, so that a number never leaves its unit or noun on a line of its
    /// own: `173.07 MB`, `491 px`, `24 warnings`.
    static func keepingUnits(_ text: String) -> String {
        var result = ""
        var previous: Character?
        var characters = text.makeIterator()
        var next = characters.next()
        while let character = next {
            next = characters.next()
            if character == " ", previous?.isNumber == true, next?.isLetter == true {
                result.append("\u{00A0}")
            } else {
                result.append(character)
            }
            previous = character
        }
        return result
    }

    private func analysis(matching timings: LayerTimings) -> Int {
        shown.graph.layers.filter { timings.seconds[$0.name] != nil }.count
    }

    private func costs(into page: inout SVGWriter) throws(InputError) {
        section("costs", "Cost per layer", into: &page)
        let finest = try BarGrouping.finest(shown, depth: report.selection.depth, maximumBars: maximumBars)
        let blocks = try BarGrouping.blocks(shown, finest: finest, maximumBars: maximumBars)
        let views = [("unfolded", finest)] + (blocks.map { [("blocks", $0)] } ?? [])
        page.element("p", [("class", .text("muted"))], content: "MACs, parameters and memory access per layer in graph order, each bar split by op family; markers flag check findings. Click a bar to find its row in the table.")
        if views.count > 1 {
            page.open("div", [("class", .text("toggle"))])
            for (offset, (name, level)) in views.enumerated() {
                let text = (level.isPerLayer ? "every layer" : name == "blocks" ? "blocks at depth \(level.depth)" : "blocks at depth \(level.depth), the finest that fits") + " (\(level.bars.count))"
                page.element("button", [("type", .text("button")), ("data-show", .text(name)), ("aria-pressed", .text(offset == 0 ? "true" : "false"))], content: text)
            }
            page.close("div")
        }
        for (offset, (name, level)) in views.enumerated() {
            var attributes: [(String, SVGWriter.Value)] = [("class", .text("chart")), ("data-view", .text(name))]
            if offset > 0 { attributes.append(("hidden", .text("hidden"))) }
            page.open("div", attributes)
            page.raw(costBars(level, links: true).render(standalone: false))
            page.close("div")
        }
        page.close("section")
        page.newline()
    }

    private func findingsSection(into page: inout SVGWriter) {
        section("findings", "Check findings", into: &page)
        guard let checks else {
            page.element("p", [("class", .text("muted"))], content: checkFailure.map { "netcost check could not run: \($0)" } ?? "Checks were not run (--no-checks).")
            page.close("section")
            return
        }
        page.element("p", [("class", .text("muted"))], content: "ShuffleNet V2's guidelines G1–G4, the MobileNet, SqueezeNet and EfficientNet ratios and the receptive-field rules, as netcost check reports them (docs/checks.md). Findings about a layer also appear on its row in the table and above its bar.")
        page.open("table", [("class", .text("sortable findings"))])
        page.raw("<thead><tr><th>Rule</th><th>Severity</th><th>Layer</th><th>Finding</th></tr></thead>\n<tbody>\n")
        let placed = findingIndex.ordered
        for (annotation, layer) in placed where !annotation.isRatio {
            page.open("tr", annotation.severity == .info ? [] : [("class", .text(annotation.severity.rawValue))])
            page.open("td", [])
            page.badge(annotation)
            page.close("td")
            page.element("td", [("data-v", .text(String(Severity.allCases.firstIndex(of: annotation.severity) ?? 0)))], content: annotation.severity.rawValue)
            page.open("td", [("class", .text("name"))])
            if let layer {
                page.element("a", [("href", .text("#L\(layer)"))], content: annotation.subject)
            } else {
                page.content(annotation.subject.isEmpty ? "(network)" : annotation.subject)
            }
            page.close("td")
            page.element("td", [], content: annotation.message)
            page.close("tr")
            page.newline()
        }
        page.raw("</tbody>\n</table>\n")
        let ratios = checks.ratios.filter { !$0.name.hasSuffix("-layer-macs") }
        if !ratios.isEmpty {
            page.element("h3", [], content: "Ratios: measured on this network against the documents' prediction")
            page.open("table", [("class", .text("sortable ratios"))])
            page.raw("<thead><tr><th>Ratio</th><th>Layer</th><th class=\"n\" data-type=\"number\">Measured</th><th class=\"n\" data-type=\"number\">Predicted</th><th class=\"n\" data-type=\"number\">Off by</th></tr></thead>\n<tbody>\n")
            let layerIndex = Dictionary(shown.graph.layers.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { first, _ in first })
            for ratio in ratios {
                page.open("tr", [])
                page.element("td", [], content: ratio.name)
                page.open("td", [("class", .text("name"))])
                if let name = ratio.layer, let index = layerIndex[name] {
                    page.element("a", [("href", .text("#L\(index)"))], content: name)
                } else {
                    page.content(ratio.layer ?? "(network)")
                }
                page.close("td")
                for (value, text) in [(ratio.measured, NumberFormat.fixed(ratio.measured, 4)), (ratio.predicted, NumberFormat.fixed(ratio.predicted, 4)),
                                      (ratio.deviation, NumberFormat.fixed(100 * ratio.deviation, 2) + "%")] {
                    page.element("td", [("class", .text("n")), ("data-v", .text(String(value)))], content: text)
                }
                page.close("tr")
                page.newline()
            }
            page.raw("</tbody>\n</table>\n")
        }
        page.close("section")
        page.newline()
    }

    private func section(_ id: String, _ title: String, into page: inout SVGWriter) {
        page.open("section", [("id", .text(id))])
        page.element("h2", [], content: title)
    }

    private func chart(_ svg: String, into page: inout SVGWriter) {
        page.open("div", [("class", .text("chart"))])
        page.raw(svg)
        page.close("div")
    }
}
