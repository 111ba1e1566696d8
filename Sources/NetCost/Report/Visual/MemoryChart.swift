/// Activation memory over time (`netcost memory`'s schedule): for each step in the
/// model's order, the bytes alive while the layer runs, as a filled step line; the peak
/// is ringed and named, and a dashed line gives the order with the smallest peak.
struct MemoryChart {
    var graph: Graph
    var schedule: MemorySchedule
    var bestPeak: Int
    var dataType: DataType

    static let width = 1000.0
    static let height = 360.0

    func render(standalone: Bool) -> String {
        let steps = schedule.steps
        let area = PlotArea(left: 76, top: 64, width: Self.width - 76 - 28, height: Self.height - 64 - 56)
        let megabytes = { (bytes: Int) in Double(bytes) / 1e6 }
        let yScale = ChartScale.linear(maximum: megabytes(schedule.peakBytes) * 1.1, from: area.bottom, to: area.top)
        let slot = area.width / Double(max(steps.count, 1))

        var svg = SVGWriter()
        svg.openDocument(width: Self.width, height: Self.height, standalone: standalone, label: "activation memory over time")
        svg.label("Activation memory over time (\(steps.count) steps, \(dataType.rawValue), the model's order)", x: 12, y: 22, size: 14, weight: "600")
        svg.legend([(Palette.memoryBound, "bytes alive while each layer runs", false),
                    (Palette.computeBound, "peak of the best order", false)], x: 12, y: 44)
        svg.yAxis(yScale, area: area, title: "MB alive")
        var points: [(Double, Double)] = [(area.left, area.bottom)]
        for (offset, step) in steps.enumerated() {
            let y = yScale.position(megabytes(step.liveBytes))
            points.append((area.left + slot * Double(offset), y))
            points.append((area.left + slot * Double(offset + 1), y))
        }
        points.append((area.right, area.bottom))
        svg.polyline(points, stroke: Palette.memoryBound, width: 1.5)
        for (offset, step) in steps.enumerated() {
            // An invisible bar per step carries its tooltip.
            svg.open("rect", [("x", .number(area.left + slot * Double(offset))), ("y", .number(area.top)), ("width", .number(slot)),
                              ("height", .number(area.height)), ("fill", .text("transparent"))])
            svg.title("\(graph.layers[step.layer].name): \(NumberFormat.grouped(step.liveBytes)) bytes alive")
            svg.close("rect")
        }
        let bestY = yScale.position(megabytes(bestPeak))
        svg.line(area.left, bestY, area.right, bestY, stroke: Palette.computeBound, dash: "4 3")
        if steps.indices.contains(schedule.peakStep) {
            let x = area.left + slot * (Double(schedule.peakStep) + 0.5)
            let y = yScale.position(megabytes(schedule.peakBytes))
            svg.element("circle", [("cx", .number(x)), ("cy", .number(y)), ("r", .number(5)), ("fill", .text("none")),
                                   ("stroke", .text(Palette.measured)), ("stroke-width", .number(1.5))])
            let name = graph.layers[steps[schedule.peakStep].layer].name
            svg.label("peak \(NumberFormat.bytes(Double(schedule.peakBytes))) at \(name)", x: min(x + 8, area.right - 4), y: y - 8,
                      anchor: x > area.left + area.width * 0.7 ? "end" : "start", size: 11)
        }
        svg.line(area.left, area.bottom, area.right, area.bottom, stroke: Palette.axis)
        svg.label("step, in the model's order", x: area.left + area.width / 2, y: area.bottom + 34, anchor: "middle", size: 11)
        svg.close("svg")
        return svg.text
    }
}
