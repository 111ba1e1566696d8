/// `netcost memory --by-resolution`: the largest tensor materialized at each spatial
/// resolution, the layout of MobileNetV2's Table 3, with the paper's column beside for
/// the three networks it prints.
extension MemoryReport {
    /// The largest buffer whose tensor has a given resolution (its width; 1 for vectors).
    public struct ResolutionRow: Sendable, Equatable {
        public let resolution: Int
        public let layer: Int
        public let channels: Int
        public let bytes: Int
    }

    /// One row per resolution, largest resolution first; ties keep the earlier buffer.
    public var largestByResolution: [ResolutionRow] {
        var rows: [Int: ResolutionRow] = [:]
        for buffer in schedule.buffers {
            let shape = graph.layers[buffer.layer].outputShape
            let resolution = shape.rank >= 3 ? shape.dims[shape.rank - 1] : 1
            let channels = shape.rank >= 2 ? shape.dims[1] : shape.dims.last ?? 1
            if let row = rows[resolution], row.bytes >= buffer.bytes { continue }
            rows[resolution] = ResolutionRow(resolution: resolution, layer: buffer.layer, channels: channels, bytes: buffer.bytes)
        }
        return rows.values.sorted { $0.resolution > $1.resolution }
    }

    /// MobileNetV2's Table 3 as arXiv 1801.04381v4 prints it (channels / Kb at 16 bits, per
    /// resolution, and its `max` row), misprints included, keyed by the shipped spec's name.
    public static let publishedTable3: [String: (column: String, cells: [Int: String], max: String)] = [
        "mobilenet_v1": ("MobileNetV1", [112: "64/1600", 56: "128/800", 28: "256/400", 14: "512/200", 7: "1024/199", 1: "1024/2"], "1600K"),
        "mobilenet_v2": ("MobileNetV2", [112: "16/400", 56: "32/200", 28: "64/100", 14: "160/62", 7: "320/32", 1: "1280/2"], "400K"),
        "shufflenet_v1_2x_g3": ("ShuffleNet (2x, g=3)", [112: "32/800", 56: "48/300", 28: "400/600K", 14: "800/310", 7: "1600/156", 1: "1600/3"], "600K"),
    ]

    public func resolutionText() -> String {
        var lines: [String] = []
        let settings = [dataType.rawValue, inPlace ? "in place" : nil, splitExpansions ? "expansions in splits" : nil,
                        firstLayerTrick ? "first-layer trick" : nil].compactMap { $0 }
        lines.append("\(graph.name): the largest tensor materialized at each resolution (MobileNetV2's Table 3), \(settings.joined(separator: ", "))")
        let published = Self.publishedTable3[graph.name]
        var columns: [Table.Column] = [.init("Resolution"), .init("Layer"), .init("Channels", right: true), .init("Bytes", right: true),
                                       .init("Kb", right: true)]
        if let published { columns.append(.init("Paper: \(published.column)", right: true)) }
        var table = Table(columns: columns)
        let rows = largestByResolution
        for row in rows {
            var cells = [row.resolution == 1 ? "1x1 (vector)" : "\(row.resolution)x\(row.resolution)", graph.layers[row.layer].name,
                         NumberFormat.grouped(row.channels), NumberFormat.grouped(row.bytes), NumberFormat.grouped((row.bytes + 500) / 1000)]
            if let published { cells.append(published.cells[row.resolution] ?? "") }
            table.append(cells)
        }
        if let largest = rows.map(\.bytes).max() {
            var cells = ["max", "", "", NumberFormat.grouped(largest), NumberFormat.grouped((largest + 500) / 1000) + "K"]
            if let published { cells.append(published.max) }
            table.append(cells)
        }
        lines.append("")
        lines.append(table.text())
        lines.append("")
        lines.append("Kb are thousands of bytes, rounded. The paper's figures are for 16-bit activations of the deployed network; run with --dtype fp16 --fuse --in-place --split-expansions --first-layer-trick to compare. Its misprints and its two versions: docs/memory.md.")
        return lines.joined(separator: "\n") + "\n"
    }
}
