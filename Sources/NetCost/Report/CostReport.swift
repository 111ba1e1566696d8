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
    /// The layer table's columns (`--columns`); nil for each format's own.
    public var columns: [ReportColumn]?
    /// How the text and markdown tables write counts (`--units`, `--precision`).
    public var countStyle: CountStyle
    /// With `--convention` (and `--training`): the counts under that tool's rules.
    public var convention: ConventionCount?
    /// The constants' bytes as the model file stores them (a `.tflite` file's, at their
    /// own element types): the model size; nil for `storage`'s.
    public var fileConstantBytes: Int?

    public init(model: LoadedModel, analysis: Analysis, deployed: Analysis? = nil, selection: RowSelection = RowSelection(),
                dataType: DataType = .fp32, storage: StorageModel? = nil, columns: [ReportColumn]? = nil,
                countStyle: CountStyle = .standard) {
        self.model = model
        self.analysis = analysis
        self.deployed = deployed
        self.selection = selection
        self.dataType = dataType
        self.storage = storage ?? StorageModel(bits: 8 * dataType.bytes)
        self.columns = columns
        self.countStyle = countStyle
    }

    /// The counting conventions in one line, printed with every report.
    public static let conventions = "MACs = multiply-accumulates of conv, linear, matmul, einsum and LSTM gates (bias excluded); FLOPs = 2×MACs + all other arithmetic; memory = elements read + written (ShuffleNet V2's MAC); see docs/counting.md"

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
        if machine && columns == nil {
            var table = Table(columns: ReportColumn.machineStandardHeadings.map { Table.Column($0) })
            for row in rows { table.append(ReportColumn.machineStandardCells(row, totals: totals)) }
            return table
        }
        let chosen = columns ?? ReportColumn.standard
        var table = Table(columns: machine ? chosen.flatMap(\.machineHeadings).map { Table.Column($0) } : chosen.map(\.heading))
        for row in rows {
            table.append(machine ? chosen.flatMap { $0.machineCells(row, totals: totals) }
                                 : chosen.map { $0.cell(row, totals: totals, style: countStyle) })
        }
        // A column that no row fills (no joins, nothing partial) says nothing.
        return machine ? table : table.droppingEmptyColumns(keeping: columns == nil ? [] : Array(chosen.indices))
    }

    /// `491, stride 32, padding 245`.
    func fieldText(_ field: ReceptiveField) -> String {
        "\(pair(field.height.size, field.width.size)), stride \(pair(field.height.jump, field.width.jump)), padding \(pair(field.height.padding, field.width.padding))"
    }

    private func pair(_ height: Double, _ width: Double) -> String { ReportColumn.pair(height, width) }

    // MARK: Text and markdown

    private func document(markdown: Bool) throws(InputError) -> String {
        let shown = deployed ?? analysis
        var out: [String] = []
        let layerCount = shown.graph.layers.filter { if case .input = $0.operation { return false } else { return true } }.count
        let batch = model.batch == 1 ? "" : ", batch \(model.batch)"
        let title = "\(model.name): input \(model.input)\(batch), \(dataType.rawValue), \(Plural.count(layerCount, "layer"))" + (deployed != nil ? ", deployed graph (--fuse)" : "")
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
        out += conventionSection(markdown: markdown)
        return out.joined(separator: "\n") + "\n"
    }

    /// `2 layers (GridSample ×1, NonMaxSuppression ×1)`.
    public func unsupportedSummary(_ analysis: Analysis) -> String {
        var counts: [String: Int] = [:]
        for index in analysis.unsupported { counts[analysis.graph.layers[index].operation.kind, default: 0] += 1 }
        let list = counts.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
        return "\(analysis.unsupported.count) layer\(analysis.unsupported.count == 1 ? "" : "s") (\(list))"
    }

    /// The torchinfo-like summary: totals, sizes and the final receptive field. Lines that
    /// do not apply (buffers on a network without batch norm) are left out.
    private func footerTable() throws(InputError) -> Table {
        let bytes = dataType.bytes
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
        let style = countStyle
        let atType = " at \(dataType.rawValue)"
        func elements(_ count: Int) -> String { "elements = " + NumberFormat.bytes(Double(count) * Double(bytes)) + atType }
        add("Params", { $0.params }) { NumberFormat.count($0, style: style) }
        if analysis.totals.buffers > 0 || (deployed?.totals.buffers ?? 0) > 0 {
            add("Buffers", { $0.buffers }) { _ in "batch-norm running mean and variance" }
            add("Keras-style total", { $0.params + $0.buffers }) { _ in "params + buffers" }
        }
        add("MACs", { $0.macs }) { NumberFormat.count($0, style: style) }
        add("FLOPs", { $0.flops }) { NumberFormat.count($0, style: style) }
        add("Memory access", { $0.memoryAccess }) { elements($0) }
        // torchinfo's sizes: the input, every layer's output once (torchinfo doubles it for
        // the backward pass), the stored weights, and their sum (docs/counting.md).
        var inputElements = 0
        do {
            for layer in analysis.graph.layers {
                if case .input = layer.operation { inputElements = try inputElements.adding(layer.outputShape.elements) }
            }
        } catch {
            throw error.inputError(field: "input")
        }
        // A .tflite file's tensors keep their own element types unless --dtype is given.
        let shown = [analysis, deployed].compactMap { $0 }
        var activationBytes: [(input: Int, forward: Int)] = []
        var sizes: [Int] = []
        for each in shown {
            do throws(SizeOverflow) {
                activationBytes.append(try each.activationBytes(orElse: bytes))
            } catch {
                throw error.inputError(field: "dtype")
            }
            if let fileConstantBytes { sizes.append(fileConstantBytes) } else { sizes.append(try each.storedBytes(storage)) }
        }
        if analysis.graph.hasStoredElementTypes {
            let stored = " at the tensors' stored types"
            let inputNote = "elements = " + NumberFormat.bytes(Double(activationBytes[0].input)) + stored
            let forwardNote = "elements = " + NumberFormat.bytes(Double(activationBytes[0].forward)) + stored
            add("Input size", { _ in inputElements }) { _ in inputNote }
            add("Forward activations", { $0.activations }) { _ in forwardNote }
        } else {
            add("Input size", { _ in inputElements }) { elements($0) }
            add("Forward activations", { $0.activations }) { elements($0) }
        }
        let sizeText = sizes.map { NumberFormat.bytes(Double($0)) + " = " + NumberFormat.binaryUnits(Double($0)) }
        let sizeNote = fileConstantBytes == nil ? storage.summary + ", params + buffers" : "the file's constants at their stored types"
        table.append(deployed == nil ? ["Model size", sizeText[0], sizeNote] : ["Model size", sizeText[0], sizeText[1], ""])
        var totalsText: [String] = []
        for (activations, size) in zip(activationBytes, sizes) {
            totalsText.append(NumberFormat.bytes(Double(activations.input) + Double(activations.forward) + Double(size)))
        }
        table.append(deployed == nil
            ? ["Estimated total", totalsText[0], "input + forward activations + model size"]
            : ["Estimated total", totalsText[0], totalsText[1], ""])
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
