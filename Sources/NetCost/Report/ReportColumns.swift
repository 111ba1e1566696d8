/// The columns of `report`'s layer table, which `--columns` chooses from. Each has a
/// heading for people and, in CSV, one or more exact machine columns.
public enum ReportColumn: String, CaseIterable, Sendable {
    case layer, op, input, params
    case paramsShare = "params%"
    case macs
    case macsShare = "macs%"
    case flops
    case flopsShare = "flops%"
    case output, memory, rf, from

    /// What the text and markdown tables show without `--columns`.
    public static let standard: [ReportColumn] = [.layer, .op, .input, .params, .paramsShare, .macs, .macsShare, .flops, .output,
                                                  .memory, .rf, .from]

    /// CSV without `--columns`: every exact column, in the order CSV has always had, the
    /// inputs last.
    static let machineStandardHeadings = ["name", "op", "details", "depth", "layers", "params", "buffers", "macs", "flops",
                                          "memory_access", "output_shape", "rf_size", "rf_stride", "rf_padding", "input_shapes",
                                          "inputs_from"]

    static func machineStandardCells(_ row: ReportRow, totals: Totals) -> [String] {
        let cells = { (column: ReportColumn) in column.machineCells(row, totals: totals) }
        let layer = cells(.layer)
        return [layer[0]] + cells(.op) + layer[1...] + cells(.params) + cells(.macs) + cells(.flops) + cells(.memory) + cells(.output)
            + cells(.rf) + cells(.input) + cells(.from)
    }

    /// `layer,op,MACs,flops%` (any case, spaces allowed) → the columns, in that order.
    public static func parse(_ text: String) -> Result<[ReportColumn], InputError> {
        var columns: [ReportColumn] = []
        for part in text.split(separator: ",") {
            let name = part.trimmingSpaces().lowercased()
            guard let column = ReportColumn(rawValue: name) else {
                let known = allCases.map(\.rawValue).joined(separator: ", ")
                return .failure(InputError("no column is called \"\(name)\"; the columns are \(known)", field: "--columns"))
            }
            if !columns.contains(column) { columns.append(column) }
        }
        if columns.isEmpty { return .failure(InputError("name at least one column", field: "--columns")) }
        return .success(columns)
    }

    var heading: Table.Column {
        switch self {
        case .layer: Table.Column("Layer")
        case .op: Table.Column("Op")
        case .input: Table.Column("Input")
        case .params: Table.Column("Params", right: true)
        case .macs: Table.Column("MACs", right: true)
        case .flops: Table.Column("FLOPs", right: true)
        case .paramsShare, .macsShare, .flopsShare: Table.Column("%", right: true)
        case .output: Table.Column("Output")
        case .memory: Table.Column("Memory", right: true)
        case .rf: Table.Column("RF", right: true)
        case .from: Table.Column("From")
        }
    }

    /// The cell for people: short numbers in `style`, percentages of the model's totals.
    func cell(_ row: ReportRow, totals: Totals, style: CountStyle) -> String {
        switch self {
        case .layer:
            let name = row.isPartial ? row.label + (row.isLayer ? " (not counted)" : " (partial)") : row.label
            return row.prefix + name
        case .op: return (row.kind + " " + row.details).trimmedRight()
        case .input: return Self.shapes(row.inputShapes)
        case .params: return NumberFormat.count(row.cost.params, style: style)
        case .macs: return NumberFormat.count(row.cost.macs, style: style)
        case .flops: return NumberFormat.count(row.cost.flops, style: style)
        case .paramsShare: return NumberFormat.percent(row.cost.params, of: totals.params)
        case .macsShare: return NumberFormat.percent(row.cost.macs, of: totals.macs)
        case .flopsShare: return NumberFormat.percent(row.cost.flops, of: totals.flops)
        case .output: return row.outputShape?.description ?? ""
        case .memory: return NumberFormat.count(row.cost.memoryAccess, style: style)
        case .rf: return row.receptiveField.map { Self.pair($0.height.size, $0.width.size) } ?? "–"
        // Keras' "Connected to", for joins: a chain's input is the row above.
        case .from: return row.inputsFrom.count > 1 ? row.inputsFrom.joined(separator: ", ") : ""
        }
    }

    /// CSV's exact columns for this one.
    var machineHeadings: [String] {
        switch self {
        case .layer: ["name", "depth", "layers"]
        case .op: ["op", "details"]
        case .input: ["input_shapes"]
        case .params: ["params", "buffers"]
        case .macs: ["macs"]
        case .flops: ["flops"]
        case .paramsShare: ["params_percent"]
        case .macsShare: ["macs_percent"]
        case .flopsShare: ["flops_percent"]
        case .output: ["output_shape"]
        case .memory: ["memory_access"]
        case .rf: ["rf_size", "rf_stride", "rf_padding"]
        case .from: ["inputs_from"]
        }
    }

    func machineCells(_ row: ReportRow, totals: Totals) -> [String] {
        let field = row.receptiveField
        switch self {
        case .layer: return [row.name, String(row.depth), String(row.layerCount)]
        case .op: return [row.kind, row.details]
        case .input: return [row.inputShapes.map(\.description).joined(separator: " ")]
        case .params: return [String(row.cost.params), String(row.cost.buffers)]
        case .macs: return [String(row.cost.macs)]
        case .flops: return [String(row.cost.flops)]
        case .paramsShare: return [Self.share(row.cost.params, of: totals.params)]
        case .macsShare: return [Self.share(row.cost.macs, of: totals.macs)]
        case .flopsShare: return [Self.share(row.cost.flops, of: totals.flops)]
        case .output: return [row.outputShape?.description ?? ""]
        case .memory: return [String(row.cost.memoryAccess)]
        case .rf:
            return [field.map { Self.pair($0.height.size, $0.width.size) } ?? "",
                    field.map { Self.pair($0.height.jump, $0.width.jump) } ?? "",
                    field.map { Self.pair($0.height.padding, $0.width.padding) } ?? ""]
        case .from: return [row.inputsFrom.joined(separator: " ")]
        }
    }

    /// `3x224x224`, or `64x56x56 + 64x56x56` for several inputs.
    static func shapes(_ shapes: [TensorShape]) -> String {
        shapes.map(\.description).joined(separator: " + ")
    }

    /// `491` when both axes agree, `491x300` otherwise.
    static func pair(_ height: Double, _ width: Double) -> String {
        height == width ? NumberFormat.field(height) : NumberFormat.field(height) + "x" + NumberFormat.field(width)
    }

    /// A percentage with six decimals for machines; empty when the total is zero.
    private static func share(_ part: Int, of total: Int) -> String {
        total == 0 ? "" : NumberFormat.fixed(100 * Double(part) / Double(total), 6)
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        var text = self
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
