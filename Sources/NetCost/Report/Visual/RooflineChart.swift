import Foundation

/// The roofline: each layer's arithmetic intensity (FLOP/byte, memory access at the
/// report's dtype) against the GFLOP/s it can attain on a device,
/// `min(peak, intensity × bandwidth)`, on log–log axes.
///
/// The roof is drawn with its ridge point (`peak / bandwidth` FLOP/byte) marked by a
/// dashed line; the region left of it is memory-bound, right of it compute-bound, and
/// each layer's dot takes its region's colour. Dot area grows with the layer's FLOPs,
/// so the layers that matter stand out. Points are never folded into blocks: a block's
/// summed intensity would hide which of its layers are memory-bound, and dots do not
/// crowd the axis the way bars do. With `--timings`, a black tick marks the GFLOP/s each
/// layer achieved, joined to its roof point. Layers with no flops or no memory traffic
/// (views, copies) have no intensity and are left out; the caption says how many.
struct RooflineChart {
    var points: [RooflinePoint]
    var device: RooflineDevice
    var dataType: DataType
    var graph: Graph
    /// Layers left out for having no intensity.
    var omitted: Int

    static let width = 1000.0
    static let height = 600.0
    /// Spots of this many layers or more get a `×N` label.
    static let minimumLabelled = 2

    func render(standalone: Bool) -> String {
        let area = PlotArea(left: 76, top: 84, width: Self.width - 76 - 28, height: Self.height - 84 - 78)
        let ridge = device.ridge
        let intensities = points.map(\.intensity)
        let xScale = ChartScale.log(minimum: min(intensities.min() ?? ridge, ridge) / 2, maximum: max(intensities.max() ?? ridge, ridge) * 2,
                                    from: area.left, to: area.right)
        let rates = points.map(\.attainable) + points.compactMap(\.achieved)
        let yScale = ChartScale.log(minimum: max((rates.filter { $0 > 0 }.min() ?? device.peakGFLOPS) / 2, 1e-9),
                                    maximum: max(device.peakGFLOPS, rates.max() ?? 0) * 1.5, from: area.bottom, to: area.top)
        let ridgeX = xScale.position(ridge)

        var svg = SVGWriter()
        svg.openDocument(width: Self.width, height: Self.height, standalone: standalone, label: "roofline")
        svg.label("Roofline: \(points.count) layers on \(device.name)", x: 12, y: 22, size: 14, weight: "600")
        svg.label("peak \(SVGWriter.number(device.peakGFLOPS)) GFLOP/s, bandwidth \(SVGWriter.number(device.bandwidthGBps)) GB/s, ridge point \(SVGWriter.number(ridge)) FLOP/byte",
                  x: 12, y: 40, size: 11, fill: Palette.muted)
        let memory = points.filter(\.memoryBound)
        let totalFlops = Double(points.reduce(0) { $0 &+ $1.flops })
        func share(_ subset: [RooflinePoint]) -> String {
            totalFlops > 0 ? NumberFormat.fixed(100 * Double(subset.reduce(0) { $0 &+ $1.flops }) / totalFlops, 1) + "% of FLOPs" : "-"
        }
        var legend: [(color: String, label: String, circle: Bool)] = [
            (Palette.memoryBound, "memory-bound: \(memory.count) layers, \(share(memory))", true),
            (Palette.computeBound, "compute-bound: \(points.count - memory.count) layers, \(share(points.filter { !$0.memoryBound }))", true),
        ]
        if points.contains(where: { $0.achieved != nil }) { legend.append((Palette.measured, "measured (netcost bench)", false)) }
        svg.legend(legend, x: 12, y: 62)

        // Regions, grid and axes.
        svg.rect(area.left, area.top, ridgeX - area.left, area.height, fill: "#eef5fb")
        svg.rect(ridgeX, area.top, area.right - ridgeX, area.height, fill: "#fcf1ea")
        svg.yAxis(yScale, area: area, title: "attainable performance (GFLOP/s)")
        svg.xAxis(xScale, area: area, title: "arithmetic intensity (FLOP/byte, memory access at \(dataType.rawValue), \(dataType.bytes) bytes per element)")
        // Region names at the bottom, where the roof is highest above them.
        svg.label("memory-bound", x: ridgeX - 8, y: area.bottom - 8, anchor: "end", size: 11, fill: Palette.memoryBound, weight: "600")
        svg.label("compute-bound", x: area.right - 8, y: area.bottom - 8, anchor: "end", size: 11, fill: Palette.computeBound, weight: "600")

        // The roof: the bandwidth slope up to the ridge, then the flat peak.
        let start = max(xScale.lower, yScale.lower / device.bandwidthGBps)
        let roof = [(start, device.attainable(intensity: start)), (ridge, device.peakGFLOPS), (xScale.upper, device.peakGFLOPS)]
            .map { (xScale.position($0.0), yScale.position($0.1)) }
        svg.open("g", [("class", .text("roof")), ("data-ridge", .number(ridge)), ("data-peak", .number(device.peakGFLOPS)),
                       ("data-bandwidth", .number(device.bandwidthGBps))])
        svg.polyline(roof, stroke: Palette.axis, width: 2)
        svg.line(ridgeX, area.top, ridgeX, area.bottom, stroke: Palette.axis, dash: "5 4")
        svg.label("ridge \(SVGWriter.number(ridge)) FLOP/byte", x: ridgeX + 5, y: area.bottom - 8, size: 11)
        svg.label("peak \(SVGWriter.number(device.peakGFLOPS)) GFLOP/s", x: area.right - 6, y: roof[1].1 - 12, anchor: "end", size: 11)
        let angle = Foundation.atan2(roof[1].1 - roof[0].1, roof[1].0 - roof[0].0) * 180 / Double.pi
        let middle = ((roof[0].0 + roof[1].0) / 2, (roof[0].1 + roof[1].1) / 2)
        svg.label("\(SVGWriter.number(device.bandwidthGBps)) GB/s × intensity", x: middle.0, y: middle.1 - 6, anchor: "middle", size: 11, rotate: angle)
        svg.close("g")
        svg.newline()

        // Large dots first, so small ones stay visible on top.
        let largest = Double(points.map(\.flops).max() ?? 1)
        for point in points.sorted(by: { $0.flops != $1.flops ? $0.flops > $1.flops : $0.layer < $1.layer }) {
            let layer = graph.layers[point.layer]
            let x = xScale.position(point.intensity), y = yScale.position(point.attainable)
            let bound = point.memoryBound ? "memory" : "compute"
            svg.open("g", [("class", .text("point")), ("data-name", .text(layer.name)), ("data-intensity", .text(String(point.intensity))),
                           ("data-attainable", .text(String(point.attainable))), ("data-bound", .text(bound))])
            var tooltip = "\(layer.name): \(layer.operation.kind)\n\(NumberFormat.count(point.flops)) FLOPs, \(NumberFormat.bytes(Double(point.bytes)))"
            tooltip += "\nintensity \(NumberFormat.fixed(point.intensity, 3)) FLOP/byte, \(bound)-bound\nattainable \(NumberFormat.fixed(point.attainable, 2)) GFLOP/s"
            if let achieved = point.achieved { tooltip += "\nmeasured \(NumberFormat.fixed(achieved, 2)) GFLOP/s" }
            svg.title(tooltip)
            if let achieved = point.achieved {
                let measuredY = yScale.position(achieved)
                svg.line(x, y, x, measuredY, stroke: "#888888", width: 0.8)
                svg.line(x - 4, measuredY, x + 4, measuredY, stroke: Palette.measured, width: 1.5)
            }
            let radius = 2.5 + 6 * (Double(point.flops) / largest).squareRoot()
            svg.element("circle", [("cx", .number(x)), ("cy", .number(y)), ("r", .number(radius)),
                                   ("fill", .text(point.memoryBound ? Palette.memoryBound : Palette.computeBound)),
                                   ("fill-opacity", .number(0.7)), ("stroke", .text("#ffffff")), ("stroke-width", .number(0.6))])
            svg.close("g")
        }
        // Layers of one kind and shape (every batch norm, every ReLU6) land on one spot:
        // say how many share it, with a leader line from the label to its spot.
        let dots = points.map { point in
            RooflineSpots.Dot(x: xScale.position(point.intensity), y: yScale.position(point.attainable),
                              radius: 2.5 + 6 * (Double(point.flops) / largest).squareRoot(), layer: point.layer)
        }
        let spots = RooflineSpots.spots(dots)
        for label in RooflineSpots.labels(spots, minimum: Self.minimumLabelled, dots: dots, roof: roof, area: area) {
            svg.open("g", [("class", .text("spot")), ("data-count", .number(Double(label.spot.layers.count))),
                           ("data-x", .number(label.spot.x)), ("data-y", .number(label.spot.y))])
            var kinds: [(String, Int)] = []
            for layer in label.spot.layers {
                let kind = graph.layers[layer].operation.kind
                if let index = kinds.firstIndex(where: { $0.0 == kind }) { kinds[index].1 += 1 } else { kinds.append((kind, 1)) }
            }
            kinds.sort { ($1.1, $0.0) < ($0.1, $1.0) }
            svg.title("\(label.spot.layers.count) layers at one spot: " + kinds.map { "\($0.0) ×\($0.1)" }.joined(separator: ", "))
            svg.line(label.leader.x1, label.leader.y1, label.leader.x2, label.leader.y2, stroke: Palette.text, width: 0.8)
            svg.element("circle", [("cx", .number(label.spot.x)), ("cy", .number(label.spot.y)), ("r", .number(1.6)), ("fill", .text(Palette.text))])
            svg.label(label.text, x: label.x + 1.5, y: label.baseline, size: 10)
            svg.close("g")
        }
        svg.newline()
        svg.label("Dot area ∝ FLOPs; ×N: N layers at the spot its line points to. Intensity = FLOPs / bytes of memory access (ShuffleNet V2's MAC, ideal cache).",
                  x: area.left, y: Self.height - 24, size: 10, fill: Palette.muted)
        if omitted > 0 {
            svg.label("\(omitted) layer\(omitted == 1 ? "" : "s") with no FLOPs or no traffic (views, copies) not shown.",
                      x: area.left, y: Self.height - 10, size: 10, fill: Palette.muted)
        }
        svg.close("svg")
        svg.newline()
        return svg.text
    }
}
