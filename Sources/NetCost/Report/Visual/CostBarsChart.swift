/// The per-layer cost chart: MACs, parameters and memory access (and measured latency,
/// with `--timings`) as panels of bars sharing one x axis, in graph order.
///
/// Each bar is one `BarGroup` of a `BarLevel`: a layer, or a block folded into one bar
/// when the layers are more than `BarGrouping.defaultMaximumBars`. A bar is stacked by
/// op family (conv, depthwise, normalization, activation, …), so a folded block still
/// shows where its cost sits. Scales are linear from zero, because stacked segments only
/// add up on a linear axis; the prefix (K, M, G) is in each panel's title. Memory access
/// is in bytes at the report's dtype. Parameters are per layer: an ONNX tensor shared
/// by two layers shows in both bars (the totals count it once). Bars with check findings
/// carry a marker above them, coloured by the worst severity, the findings in its tooltip.
struct CostBarsChart {
    var level: BarLevel
    var dataType: DataType
    var findings: FindingIndex
    var timings: LayerTimings?
    var graph: Graph
    var totals: Totals
    /// Inside the HTML page, bars link to the layer table's rows.
    var linksToTable: Bool

    static let width = 1000.0
    static let panelHeight = 150.0
    static let panelGap = 22.0

    private struct Panel {
        var quantity: String
        var title: String
        var unit: String
        var values: [Double]
        /// Per bar, per family; nil for panels drawn as one plain bar (latency).
        var segments: [[Double]]?
    }

    private var panels: [Panel] {
        let bytes = Double(dataType.bytes)
        var panels = [
            Panel(quantity: "macs", title: "MACs", unit: "MACs", values: level.bars.map { Double($0.cost.macs) },
                  segments: level.bars.map { $0.byFamily.map { Double($0.macs) } }),
            Panel(quantity: "params", title: "parameters", unit: "params", values: level.bars.map { Double($0.cost.params) },
                  segments: level.bars.map { $0.byFamily.map { Double($0.params) } }),
            Panel(quantity: "memory", title: "memory access", unit: "B, \(dataType.rawValue)",
                  values: level.bars.map { Double($0.cost.memoryAccess) * bytes },
                  segments: level.bars.map { $0.byFamily.map { Double($0.memoryAccess) * bytes } }),
        ]
        if let timings {
            let seconds = level.bars.map { bar in bar.layers.reduce(0.0) { $0 + (timings.seconds[graph.layers[$1].name] ?? 0) } }
            panels.append(Panel(quantity: "latency", title: timings.label.lowercased() + " latency", unit: "s", values: seconds, segments: nil))
        }
        return panels
    }

    func render(standalone: Bool) -> String {
        let count = max(level.bars.count, 1)
        let area = PlotArea(left: 70, top: 88, width: Self.width - 70 - 18, height: Self.panelHeight)
        let slot = area.width / Double(count)
        let barWidth = min(max(slot * 0.8, min(slot, 1)), 48)
        let names = level.bars.map(\.name)
        let labelled = level.bars.count <= 40
        let labelDepth = labelled ? min(Double(names.map(\.count).max() ?? 0), 28) * 11 * TextMetrics.averageAdvance * 0.77 + 14 : 0
        let ribbon = BlockRibbon.spans(BlockRibbon.items(names, enclosingGroups: level.bars.map(\.enclosingGroups), graph))
        let panels = panels
        let panelsBottom = area.top + Double(panels.count) * (Self.panelHeight + Self.panelGap) - Self.panelGap
        let height = panelsBottom + labelDepth + (ribbon == nil ? 0 : 24) + 40

        var svg = SVGWriter()
        svg.openDocument(width: Self.width, height: height, standalone: standalone, label: "cost per layer")
        svg.label("Cost per layer, in graph order (\(level.description), \(level.bars.count) bars)", x: 12, y: 22, size: 14, weight: "600")
        let used = ChartFamily.allCases.filter { family in level.bars.contains { $0.byFamily[family.rawValue] != LayerCost() } }
        svg.legend(used.map { ($0.color, $0.label, false) }, x: 12, y: 46)
        if !findings.byLayer.isEmpty {
            svg.element("path", [("d", .text("M12,55h10l-5,10z")), ("fill", .text(Palette.warning))])
            svg.label("check findings at that bar (warning orange, error red, info grey); hover for details", x: 26, y: 64, size: 11)
        }

        for (offset, panel) in panels.enumerated() {
            let top = area.top + Double(offset) * (Self.panelHeight + Self.panelGap)
            let panelArea = PlotArea(left: area.left, top: top, width: area.width, height: Self.panelHeight)
            draw(panel, in: panelArea, slot: slot, barWidth: barWidth, into: &svg)
        }
        drawMarkers(area: area, slot: slot, into: &svg)

        var cursor = panelsBottom + 4
        if labelled {
            for (offset, bar) in level.bars.enumerated() {
                let x = area.left + slot * (Double(offset) + 0.5)
                let text = bar.name.count > 28 ? "…" + bar.name.suffix(27) : bar.name
                svg.label(text, x: x + 3, y: cursor + 8, anchor: "end", size: 10, fill: Palette.muted, rotate: -50)
            }
            cursor += labelDepth
        }
        if let ribbon {
            svg.ribbon(ribbon, left: area.left, slot: slot, y: cursor)
            cursor += 24
        }
        svg.label("Linear scales; a bar's colours split its cost by op family. Counting conventions: docs/counting.md.",
                  x: area.left, y: cursor + 16, size: 10, fill: Palette.muted)
        svg.close("svg")
        svg.newline()
        return svg.text
    }

    private func draw(_ panel: Panel, in area: PlotArea, slot: Double, barWidth: Double, into svg: inout SVGWriter) {
        let unit = UnitPrefix.choose(maximum: panel.values.max() ?? 0)
        let scaled = panel.quantity == "latency" ? UnitPrefix(divisor: 1e-3, prefix: "m") : unit
        let scale = ChartScale.linear(maximum: (panel.values.max() ?? 0) / scaled.divisor, from: area.bottom, to: area.top)
        svg.open("g", [("class", .text("panel")), ("data-quantity", .text(panel.quantity)),
                       ("data-top", .number(scale.upper * scaled.divisor)), ("data-height", .number(area.height))])
        svg.yAxis(scale, area: area, title: "\(panel.title) (\(scaled.prefix)\(panel.unit))")
        for (offset, value) in panel.values.enumerated() {
            let bar = level.bars[offset]
            let x = area.left + slot * Double(offset) + (slot - barWidth) / 2
            svg.open("g", [("class", .text("bar")), ("data-name", .text(bar.name)), ("data-value", .number(value))])
            svg.title(tooltip(bar))
            if linksToTable { svg.open("a", [("href", .text("#L\(bar.firstLayer)"))]) }
            if let segments = panel.segments?[offset] {
                var base = 0.0
                for family in ChartFamily.allCases where segments[family.rawValue] > 0 {
                    let low = scale.position(base / scaled.divisor)
                    base += segments[family.rawValue]
                    let high = scale.position(base / scaled.divisor)
                    svg.rect(x, high, barWidth, low - high, fill: family.color)
                }
            } else if value > 0 {
                let high = scale.position(value / scaled.divisor)
                svg.rect(x, high, barWidth, area.bottom - high, fill: "#555555")
            }
            if linksToTable { svg.close("a") }
            svg.close("g")
        }
        svg.close("g")
        svg.newline()
    }

    /// A marker above each bar that has findings, coloured by the worst severity.
    private func drawMarkers(area: PlotArea, slot: Double, into svg: inout SVGWriter) {
        for (offset, bar) in level.bars.enumerated() {
            let annotations = findings.annotations(bar.layers)
            guard let worst = annotations.map(\.severity).max() else { continue }
            let x = area.left + slot * (Double(offset) + 0.5)
            let y = area.top - 3
            svg.open("g", [("class", .text("finding-marker")), ("data-name", .text(bar.name))])
            svg.title(annotations.map { "\($0.rule) \($0.severity.rawValue) (\($0.subject)): \($0.message)" }.joined(separator: "\n"))
            let half = min(max(slot * 0.4, 2.5), 5)
            svg.element("path", [("d", .text("M\(SVGWriter.number(x - half)),\(SVGWriter.number(y - 2 * half))h\(SVGWriter.number(2 * half))l-\(SVGWriter.number(half)),\(SVGWriter.number(2 * half))z")),
                                 ("fill", .text(Palette.severity(worst)))])
            svg.close("g")
        }
    }

    private func tooltip(_ bar: BarGroup) -> String {
        let bytes = Double(dataType.bytes)
        var lines = [bar.layers.count == 1 ? "\(bar.name): \(bar.kind) \(bar.details)" : "\(bar.name): \(bar.kind), \(bar.layers.count) layers"]
        lines.append("MACs \(NumberFormat.count(bar.cost.macs)) (\(NumberFormat.percent(bar.cost.macs, of: totals.macs)))")
        lines.append("params \(NumberFormat.count(bar.cost.params))")
        lines.append("memory access \(NumberFormat.count(bar.cost.memoryAccess)) elements = \(NumberFormat.bytes(Double(bar.cost.memoryAccess) * bytes))")
        if let timings {
            let seconds = bar.layers.reduce(0.0) { $0 + (timings.seconds[graph.layers[$1].name] ?? 0) }
            lines.append(timings.label.lowercased() + " " + NumberFormat.fixed(seconds * 1e3, 3) + " ms")
        }
        for annotation in findings.annotations(bar.layers) {
            lines.append("\(annotation.rule) \(annotation.severity.rawValue): \(annotation.message)")
        }
        return lines.joined(separator: "\n")
    }
}

extension SVGWriter {
    /// The band of block names under a chart: alternating shades, a name where it fits,
    /// the full name in each span's tooltip.
    mutating func ribbon(_ spans: [BlockRibbon.Span], left: Double, slot: Double, y: Double) {
        open("g", [("class", .text("ribbon"))])
        for (offset, span) in spans.enumerated() {
            let x = left + slot * Double(span.first)
            let width = slot * Double(span.last - span.first + 1)
            open("g", [])
            title("\(span.name) (\(span.last - span.first + 1))")
            rect(x, y, width, 18, fill: Palette.ribbon[offset % 2])
            let short = span.name.split(separator: ".").last.map(String.init) ?? span.name
            // The whole name if it fits, else its last part, else the last part cut short.
            let room = width - 4
            let whole = TextMetrics.width(span.name, size: 10) <= room ? span.name : nil
            let part = TextMetrics.width(short, size: 10) <= room ? short : nil
            if let text = whole ?? part ?? TextMetrics.fit(short, width: room, size: 10) {
                label(text, x: x + width / 2, y: y + 13, anchor: "middle", size: 10)
            }
            close("g")
        }
        close("g")
        newline()
    }
}
