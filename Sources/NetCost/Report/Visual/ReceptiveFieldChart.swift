/// Receptive-field growth across depth: for each layer in graph order, the size of
/// the input window one output position sees (pixels, log scale), and the effective
/// stride (jump) that sets how fast later layers grow it.
///
/// A dashed line marks the input size; a ring marks the network's final feature map
/// (the last layer with H·W > 1, whose field `report` prints) and the shaded span after
/// it holds the pooled head, whose field is the whole map. A red cross marks a layer
/// whose input branches see misaligned fields (a finding of rule RF). When height and
/// width differ, both are drawn. Layers whose output has no spatial extent (H·W = 1:
/// squeeze-excite's pooled branch, the classifier head) carry global context rather
/// than a window, so the line passes over them instead of leaping to the whole map and
/// back at every squeeze-excite; their fields are in the table and the tooltips. Every
/// other layer keeps its own point: a line stays legible at a thousand points, so
/// nothing is folded; the block band under the axis names the blocks instead.
struct ReceptiveFieldChart {
    var analysis: Analysis
    var input: TensorShape

    static let width = 1000.0
    static let height = 480.0

    func render(standalone: Bool) -> String {
        let graph = analysis.graph
        let shown = graph.layers.indices.filter { graph.layers[$0].operation.rules.family != .source }
        let fields = shown.map { analysis.receptiveFields[$0] }
        let names = shown.map { graph.layers[$0].name }
        let ribbon = BlockRibbon.spans(BlockRibbon.items(names, enclosingGroups: shown.map(graph.groups.ancestors(ofLayer:)), graph))
        let area = PlotArea(left: 76, top: 70, width: Self.width - 76 - 28, height: Self.height - 70 - (ribbon == nil ? 70 : 96))
        let count = max(shown.count, 1)
        let slot = area.width / Double(count)
        func x(_ offset: Int) -> Double { area.left + slot * (Double(offset) + 0.5) }

        let inputSizes = input.isFeatureMap ? [Double(input.dims[2]), Double(input.dims[3])] : []
        let sizes = fields.compactMap { $0.map { max($0.height.size, $0.width.size) } }
        let yScale = ChartScale.log(minimum: 1, maximum: max(sizes.max() ?? 1, inputSizes.max() ?? 1) * 1.3,
                                    from: area.bottom, to: area.top)
        let squareFields = fields.allSatisfy { field in field.map { $0.height.size == $0.width.size && $0.height.jump == $0.width.jump } ?? true }

        var svg = SVGWriter()
        svg.openDocument(width: Self.width, height: Self.height, standalone: standalone, label: "receptive field")
        svg.label("Receptive field across depth (\(shown.count) layers)", x: 12, y: 22, size: 14, weight: "600")
        var legend: [(color: String, label: String, circle: Bool)] = [
            (Palette.memoryBound, squareFields ? "receptive field size" : "receptive field height", false),
        ]
        if !squareFields { legend.append((ChartFamily.depthwise.color, "receptive field width", false)) }
        legend += [(Palette.muted, "effective stride (jump)", false), (Palette.computeBound, "input size", false)]
        svg.legend(legend, x: 12, y: 46)

        // The head after the final feature map.
        let final = analysis.finalReceptiveField
        let finalOffset = final.flatMap { shown.firstIndex(of: $0.layer) }
        if let finalOffset, finalOffset + 1 < shown.count {
            let left = x(finalOffset) + slot / 2
            svg.rect(left, area.top, area.right - left, area.height, fill: "#f3f3f3")
            if area.right - left > 60 {
                svg.label("after the last feature map", x: area.right - 4, y: area.top + 14, anchor: "end", size: 10, fill: Palette.muted)
            }
        }
        svg.yAxis(yScale, area: area, title: "pixels of the input (log scale)")
        drawXAxis(count: shown.count, area: area, x: x, into: &svg)

        for (offset, size) in inputSizes.enumerated() where offset == 0 || size != inputSizes[0] {
            let y = yScale.position(size)
            svg.open("g", [("class", .text("input-size")), ("data-pixels", .number(size))])
            svg.line(area.left, y, area.right, y, stroke: Palette.computeBound, width: 1.5, dash: "6 4")
            svg.label("input \(offset == 0 ? "height" : "width") \(SVGWriter.number(size)) px", x: area.left + 6, y: y - 5, size: 11, fill: Palette.computeBound)
            svg.close("g")
        }

        let spatial = shown.map { graph.layers[$0].outputShape.spatialElements > 1 }
        series(fields.map { $0?.height.jump }, spatial: spatial, x: x, scale: yScale, color: Palette.muted, name: "jump", width: 1.2, into: &svg)
        if !squareFields {
            series(fields.map { $0?.width.size }, spatial: spatial, x: x, scale: yScale, color: ChartFamily.depthwise.color, name: "width", width: 1.8, into: &svg)
        }
        series(fields.map { $0?.height.size }, spatial: spatial, x: x, scale: yScale, color: Palette.memoryBound, name: "size", width: 2, into: &svg)
        // Invisible hit areas with tooltips, one per layer, so hovering names the layer.
        svg.open("g", [("class", .text("layers")), ("fill", .text("transparent"))])
        for (offset, index) in shown.enumerated() {
            guard let field = fields[offset] else { continue }
            svg.open("g", [("class", .text("rf")), ("data-name", .text(names[offset])), ("data-size", .number(field.height.size)),
                           ("data-jump", .number(field.height.jump))])
            svg.title("\(names[offset]): \(graph.layers[index].operation.kind)\nfield \(pair(field.height.size, field.width.size)) px, stride \(pair(field.height.jump, field.width.jump)), padding \(pair(field.height.padding, field.width.padding))")
            svg.rect(x(offset) - slot / 2, area.top, slot, area.height, fill: "transparent")
            svg.close("g")
        }
        svg.close("g")

        for misalignment in analysis.misalignments {
            guard let offset = shown.firstIndex(of: misalignment.layer), let field = fields[offset] else { continue }
            let (cx, cy) = (x(offset), yScale.position(field.height.size))
            svg.open("g", [("class", .text("misaligned")), ("data-name", .text(names[offset]))])
            svg.title("\(names[offset]): input branches see misaligned fields (rule RF)")
            svg.line(cx - 5, cy - 5, cx + 5, cy + 5, stroke: Palette.error, width: 2)
            svg.line(cx - 5, cy + 5, cx + 5, cy - 5, stroke: Palette.error, width: 2)
            svg.close("g")
        }
        if let final, let finalOffset {
            let (cx, cy) = (x(finalOffset), yScale.position(final.field.height.size))
            svg.open("g", [("class", .text("final-field")), ("data-name", .text(names[finalOffset])), ("data-size", .number(final.field.height.size))])
            svg.element("circle", [("cx", .number(cx)), ("cy", .number(cy)), ("r", .number(6)), ("fill", .text("none")),
                                   ("stroke", .text(Palette.text)), ("stroke-width", .number(1.5))])
            let text = "final feature map: \(pair(final.field.height.size, final.field.width.size)) px at \(names[finalOffset])"
            let anchor = cx > area.left + area.width * 0.6 ? "end" : "start"
            svg.label(text, x: cx + (anchor == "end" ? -10 : 10), y: cy - 10, anchor: anchor, size: 11, weight: "600")
            svg.close("g")
        }
        if let ribbon { svg.ribbon(ribbon, left: area.left, slot: slot, y: area.bottom + 44) }
        svg.label("Size r, stride j: r_out = r_in + (k_eff − 1)·j_in, j_out = j_in·s (Araujo et al., Distill 2019); see docs/counting.md.",
                  x: area.left, y: Self.height - 12, size: 10, fill: Palette.muted)
        svg.close("svg")
        svg.newline()
        return svg.text
    }

    /// A line through the known values of the spatial layers, broken where the field
    /// is unknown, passing over layers without spatial extent.
    private func series(_ values: [Double?], spatial: [Bool], x: (Int) -> Double, scale: ChartScale, color: String, name: String,
                        width: Double, into svg: inout SVGWriter) {
        svg.open("g", [("class", .text("series")), ("data-series", .text(name))])
        var run: [(Double, Double)] = []
        for (offset, value) in values.enumerated() where spatial[offset] {
            if let value, value > 0 {
                run.append((x(offset), scale.position(value)))
            } else {
                svg.polyline(run, stroke: color, width: width)
                run = []
            }
        }
        if run.count == 1, let point = run.first {
            svg.element("circle", [("cx", .number(point.0)), ("cy", .number(point.1)), ("r", .number(2)), ("fill", .text(color))])
        }
        svg.polyline(run, stroke: color, width: width)
        svg.close("g")
    }

    /// Ticks at nice layer positions (1-based), under the plot.
    private func drawXAxis(count: Int, area: PlotArea, x: (Int) -> Double, into svg: inout SVGWriter) {
        let step = max(Int(ChartScale.niceStep(Double(count) / 10)), 1)
        svg.line(area.left, area.bottom, area.right, area.bottom, stroke: Palette.axis)
        let ticks = [1] + stride(from: step, through: count, by: step).filter { $0 > 1 }
        for tick in ticks where tick <= count {
            let px = x(tick - 1)
            svg.line(px, area.bottom, px, area.bottom + 4, stroke: Palette.axis)
            svg.label(String(tick), x: px, y: area.bottom + 16, anchor: "middle", size: 10, fill: Palette.muted)
        }
        svg.label("layer position in graph order", x: area.left + area.width / 2, y: area.bottom + 34, anchor: "middle", size: 11)
    }

    private func pair(_ height: Double, _ width: Double) -> String {
        height == width ? NumberFormat.field(height) : NumberFormat.field(height) + "×" + NumberFormat.field(width)
    }
}
