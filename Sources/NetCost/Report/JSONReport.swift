/// `report --format json`: the machine-readable contract of DESIGN-NOTES.md. Keys listed
/// there are always present with those names; counts are JSON integers. Extra keys add
/// detail (`details`, `buffers`, the read/write split, `deployed` with `--fuse`).
struct JSONReport {
    var report: CostReport

    func render() -> String {
        var json = JSONWriter()
        let analysis = report.analysis
        json.beginObject()
        json.field("model", report.model.name)
        json.field("input", integers: report.model.input.dims)
        json.field("dtype", report.dataType.rawValue)
        json.field("dtype_bytes", report.dataType.bytes)
        json.field("conventions", CostReport.conventions)
        json.field("partial", analysis.isPartial)
        writeUnsupported(analysis, &json)
        writeTotals(analysis, &json)
        json.key("receptive_field")
        if let (layer, field) = analysis.finalReceptiveField {
            writeField(field, &json)
            json.field("receptive_field_layer", analysis.graph.layers[layer].name)
        } else {
            json.null()
        }
        writeLayers(analysis, &json)
        if let deployed = report.deployed {
            json.key("deployed")
            json.beginObject()
            writeTotals(deployed, &json)
            writeLayers(deployed, &json)
            json.endObject()
        }
        json.endObject()
        return json.text + "\n"
    }

    private func writeTotals(_ analysis: Analysis, _ json: inout JSONWriter) {
        let totals = analysis.totals
        json.key("totals")
        json.beginObject()
        json.field("params", totals.params)
        json.field("buffers", totals.buffers)
        json.field("macs", totals.macs)
        json.field("flops", totals.flops)
        json.field("memory_access", totals.memoryAccess)
        json.field("memory_access_bytes", totals.memoryAccess.saturatingMultiplied(by: report.dataType.bytes))
        json.field("activations", totals.activations)
        json.field("activations_bytes", totals.activations.saturatingMultiplied(by: report.dataType.bytes))
        json.endObject()
    }

    private func writeUnsupported(_ analysis: Analysis, _ json: inout JSONWriter) {
        json.key("unsupported")
        json.beginArray()
        for index in analysis.unsupported {
            json.beginObject()
            json.field("name", analysis.graph.layers[index].name)
            json.field("op", analysis.graph.layers[index].operation.kind)
            json.endObject()
        }
        json.endArray()
    }

    private func writeLayers(_ analysis: Analysis, _ json: inout JSONWriter) {
        let graph = analysis.graph
        json.key("layers")
        json.beginArray()
        for (index, layer) in graph.layers.enumerated() {
            if case .input = layer.operation { continue }
            let cost = analysis.costs[index]
            json.beginObject()
            json.field("name", layer.name)
            json.field("op", layer.operation.kind)
            json.field("details", layer.operation.rules.details(graph.inputShapes(of: index)))
            json.field("inputs", strings: layer.inputs.map { graph.layers[$0].name })
            json.field("output_shape", integers: layer.outputShape.dims)
            json.field("params", cost.params)
            json.field("buffers", cost.buffers)
            json.field("macs", cost.macs)
            json.field("flops", cost.flops)
            json.field("memory_access", cost.memoryAccess)
            json.field("input_reads", cost.inputReads)
            json.field("weight_reads", cost.weightReads)
            json.field("output_writes", cost.outputWrites)
            json.key("receptive_field")
            if let field = analysis.receptiveFields[index] { writeField(field, &json) } else { json.null() }
            json.endObject()
        }
        json.endArray()
    }

    private func writeField(_ field: ReceptiveField, _ json: inout JSONWriter) {
        json.beginObject()
        json.field("size", numbers: [field.height.size, field.width.size])
        json.field("stride", numbers: [field.height.jump, field.width.jump])
        json.field("padding", numbers: [field.height.padding, field.width.padding])
        json.endObject()
    }
}
