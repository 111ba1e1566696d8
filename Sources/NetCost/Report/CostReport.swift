/// Element types whose size turns element counts into bytes: `--dtype`.
public enum DataType: String, CaseIterable, Sendable {
    case fp32, fp16, int8

    public var bytes: Int {
        switch self {
        case .fp32: 4
        case .fp16: 2
        case .int8: 1
        }
    }
}

/// The output formats of `report`.
public enum ReportFormat: String, CaseIterable, Sendable {
    case text, markdown, csv, json
    /// Netron's attachment sidecar for an ONNX file (`NetronAttachment`).
    case netron
}

/// Everything `netcost report` prints, for one model.
public struct CostReport: Sendable {
    public var model: LoadedModel
    public var analysis: Analysis
    /// The deployed graph's analysis, with `--fuse`.
    public var deployed: Analysis?
    public var selection: RowSelection
    public var dataType: DataType
    /// How the weights are stored, for the model size; dense at `dataType` by default.
    public var storage: StorageModel

    public init(model: LoadedModel, analysis: Analysis, deployed: Analysis? = nil, selection: RowSelection = RowSelection(),
                dataType: DataType = .fp32, storage: StorageModel? = nil) {
        self.model = model
        self.analysis = analysis
        self.deployed = deployed
        self.selection = selection
        self.dataType = dataType
        self.storage = storage ?? StorageModel(bits: 8 * dataType.bytes)
    }

    /// The counting conventions in one line, printed with every report.
    public static let conventions = "MACs = multiply-accumulates of conv, linear, matmul and einsum (bias excluded); FLOPs = 2×MACs + all other arithmetic; memory = elements read + written (ShuffleNet V2's MAC); see docs/counting.md"

    /// The report as UTF-8 bytes, ready to write.
    public func render(_ format: ReportFormat) throws(InputError) -> [UInt8] {
        switch format {
        case .json: return try JSONReport(report: self).render()
        case .netron: return try NetronAttachment(report: self).render()
        case .csv: return Array((try table(for: deployed ?? analysis, machine: true).csv() + "\n").utf8)
        case .text, .markdown: return Array(try document(markdown: format == .markdown).utf8)
        }
    }

    // MARK: Tables

    /// The per-row table. Human formats shorten numbers; machine formats keep them exact.
    public func table(for analysis: Analysis, machine: Bool) throws(InputError) -> Table {
        let rows = try ReportTree.rows(analysis, selection)
        let totals = analysis.totals
        var columns = [Table.Column(machine ? "name" : "Layer"), Table.Column(machine ? "op" : "Op")]
        if machine {
            columns += ["details", "depth", "layers", "params", "buffers", "macs", "flops", "memory_access",
                        "output_shape", "rf_size", "rf_stride", "rf_padding"].map { Table.Column($0) }
        } else {
            columns += [Table.Column("Params", right: true), Table.Column("%", right: true),
                        Table.Column("MACs", right: true), Table.Column("%", right: true),
                        Table.Column("Output"), Table.Column("Memory", right: true), Table.Column("RF", right: true)]
        }
        var table = Table(columns: columns)
        for row in rows {
            let field = row.receptiveField
            if machine {
                table.append([row.name, row.kind, row.details, String(row.depth), String(row.layerCount),
                              String(row.cost.params), String(row.cost.buffers), String(row.cost.macs), String(row.cost.flops),
                              String(row.cost.memoryAccess), row.outputShape?.description ?? "",
                              field.map { pair($0.height.size, $0.width.size) } ?? "",
                              field.map { pair($0.height.jump, $0.width.jump) } ?? "",
                              field.map { pair($0.height.padding, $0.width.padding) } ?? ""])
            } else {
                let name = row.isPartial ? row.label + (row.isLayer ? " (not counted)" : " (partial)") : row.label
                table.append([row.prefix + name, (row.kind + " " + row.details).trimmedRight(),
                              NumberFormat.count(row.cost.params), NumberFormat.percent(row.cost.params, of: totals.params),
                              NumberFormat.count(row.cost.macs), NumberFormat.percent(row.cost.macs, of: totals.macs),
                              row.outputShape?.description ?? "", NumberFormat.count(row.cost.memoryAccess),
                              field.map { pair($0.height.size, $0.width.size) } ?? "–"])
            }
        }
        return table
    }

    /// `491, stride 32, padding 245`.
    func fieldText(_ field: ReceptiveField) -> String {
        "\(pair(field.height.size, field.width.size)), stride \(pair(field.height.jump, field.width.jump)), padding \(pair(field.height.padding, field.width.padding))"
    }

    /// `491` when both axes agree, `491x300` otherwise.
    private func pair(_ height: Double, _ width: Double) -> String {
        height == width ? NumberFormat.field(height) : NumberFormat.field(height) + "x" + NumberFormat.field(width)
    }

    // MARK: Text and markdown

    private func document(markdown: Bool) throws(InputError) -> String {
        let shown = deployed ?? analysis
        var out: [String] = []
        let layerCount = shown.graph.layers.filter { if case .input = $0.operation { return false } else { return true } }.count
        let batch = model.batch == 1 ? "" : ", batch \(model.batch)"
        let title = "\(model.name): input \(model.input)\(batch), \(dataType.rawValue), \(layerCount) layers" + (deployed != nil ? ", deployed graph (--fuse)" : "")
        out.append(markdown ? "## " + title : title)
        let changed = model.overrides.commandLine
        if !changed.isEmpty { out.append("as given: " + changed) }
        if let description = model.description { out.append(description) }
        out.append(Self.conventions)
        out.append("")
        let table = try table(for: shown, machine: false)
        out.append(markdown ? table.markdown() : table.text())
        out.append("")
        out.append(markdown ? try footerTable().markdown() : try footerTable().text())
        if analysis.isPartial {
            out.append("")
            out.append("PARTIAL: \(unsupportedSummary(analysis)) were not counted; the totals leave them out.")
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// `2 layers (GridSample ×1, NonMaxSuppression ×1)`.
    public func unsupportedSummary(_ analysis: Analysis) -> String {
        var counts: [String: Int] = [:]
        for index in analysis.unsupported { counts[analysis.graph.layers[index].operation.kind, default: 0] += 1 }
        let list = counts.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
        return "\(analysis.unsupported.count) layer\(analysis.unsupported.count == 1 ? "" : "s") (\(list))"
    }

    /// The torchinfo-like summary: totals, sizes and the final receptive field.
    private func footerTable() throws(InputError) -> Table {
        let bytes = Double(dataType.bytes)
        let columns = deployed == nil
            ? [Table.Column("Total"), Table.Column("Count", right: true), Table.Column("")]
            : [Table.Column("Total"), Table.Column("Training", right: true), Table.Column("Deployed", right: true), Table.Column("Change", right: true)]
        var table = Table(columns: columns)
        func add(_ label: String, _ value: (Totals) -> Int, note: (Int) -> String) {
            let training = value(analysis.totals)
            if let deployed {
                let fused = value(deployed.totals)
                table.append([label, NumberFormat.grouped(training), NumberFormat.grouped(fused),
                              training == 0 ? "" : NumberFormat.fixed(100 * Double(fused - training) / Double(training), 1) + "%"])
            } else {
                table.append([label, NumberFormat.grouped(training), note(training)])
            }
        }
        add("Params", { $0.params }) { NumberFormat.count($0) }
        add("Buffers", { $0.buffers }) { _ in "batch-norm running mean and variance" }
        add("Keras-style total", { $0.params + $0.buffers }) { _ in "params + buffers" }
        add("MACs", { $0.macs }) { NumberFormat.count($0) }
        add("FLOPs", { $0.flops }) { NumberFormat.count($0) }
        add("Memory access", { $0.memoryAccess }) { "elements = " + NumberFormat.megabytes(Double($0) * bytes) + " at \(dataType.rawValue)" }
        add("Activations", { $0.activations }) { "elements = " + NumberFormat.megabytes(Double($0) * bytes) + " at \(dataType.rawValue)" }
        let sizes = try [analysis, deployed].compactMap { $0 }.map { (shown: Analysis) throws(InputError) in try shown.storedBytes(storage) }
        let sizeText = sizes.map { NumberFormat.megabytes(Double($0)) + " = " + NumberFormat.fixed(Double($0) / 1_048_576, 2) + " MiB" }
        table.append(deployed == nil
            ? ["Model size", sizeText[0], storage.summary + ", params + buffers"]
            : ["Model size", sizeText[0], sizeText[1], ""])
        if let (layer, field) = analysis.finalReceptiveField {
            let row = deployed == nil
                ? ["Receptive field", fieldText(field), "at \(analysis.graph.layers[layer].name), the largest of any map with H·W > 1"]
                : ["Receptive field", fieldText(field), "", ""]
            table.append(row)
        }
        // Every output, with its shape and its field ("–" where the map is gone).
        let outputs = analysis.outputs
        for (position, (layer, field)) in outputs.enumerated() {
            let label = position > 0 ? "" : outputs.count == 1 ? "Output" : "Outputs (\(outputs.count))"
            let shape = analysis.graph.layers[layer].outputShape.description
            let note = analysis.graph.layers[layer].name + ", RF " + (field.map { pair($0.height.size, $0.width.size) } ?? "–")
            table.append(deployed == nil ? [label, shape, note] : [label, shape, note, ""])
        }
        return table
    }
}

extension String {
    func trimmedRight() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
