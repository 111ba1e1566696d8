import Dispatch

/// `report --format json`: the machine-readable contract of DESIGN-NOTES.md. Keys listed
/// there are always present with those names; counts are JSON integers. Extra keys add
/// detail (`details`, `buffers`, the read/write split, `deployed` with `--fuse`).
struct JSONReport {
    var report: CostReport

    /// About what one layer's object takes, to size buffers once.
    static let bytesPerLayer = 640

    func render() throws(InputError) -> [UInt8] {
        var json = JSONWriter()
        json.reserveCapacity(Self.bytesPerLayer * report.analysis.graph.layers.count * (report.deployed == nil ? 1 : 2))
        let analysis = report.analysis
        json.beginObject()
        json.field("model", report.model.name)
        json.field("input", integers: report.model.input.sample)
        json.field("batch", report.model.batch)
        json.field("width", report.model.width)
        json.field("depth", report.model.depth)
        writeOverrides(report.model.overrides, &json)
        json.field("dtype", report.dataType.rawValue)
        json.field("dtype_bytes", report.dataType.bytes)
        json.field("conventions", CostReport.conventions)
        json.field("partial", analysis.isPartial)
        writeUnsupported(analysis, &json)
        try writeTotals(analysis, &json)
        report.writeConvention(&json)
        json.key("model_size")
        json.beginObject()
        // A .tflite file's constants at their own types; else the storage model's estimate.
        if let fileBytes = report.fileConstantBytes { json.field("bytes", fileBytes) } else { json.field("bytes", try analysis.storedBytes(report.storage)) }
        json.field("source", report.fileConstantBytes == nil ? "estimate" : "file")
        json.field("bits", report.storage.bits)
        json.field("density", report.storage.density)
        json.field("index_bits", report.storage.density < 1 ? report.storage.indexBits : 0)
        json.field("codebook", report.storage.codebook)
        json.endObject()
        json.key("receptive_field")
        if let (layer, field) = analysis.finalReceptiveField {
            writeField(field, &json)
            json.field("receptive_field_layer", analysis.graph.layers[layer].name)
        } else {
            json.null()
        }
        json.key("outputs")
        json.beginArray()
        for (layer, field) in analysis.outputs {
            json.beginObject()
            json.field("name", analysis.graph.layers[layer].name)
            json.field("shape", integers: analysis.graph.layers[layer].outputShape.sample)
            json.key("receptive_field")
            if let field { writeField(field, &json) } else { json.null() }
            json.endObject()
        }
        json.endArray()
        writeLayers(analysis, &json)
        if let deployed = report.deployed {
            json.key("deployed")
            json.beginObject()
            try writeTotals(deployed, &json)
            writeLayers(deployed, &json)
            json.endObject()
        }
        json.endObject()
        json.finishLine()
        return json.bytes
    }

    private func writeTotals(_ analysis: Analysis, _ json: inout JSONWriter) throws(InputError) {
        let totals = analysis.totals
        json.key("totals")
        json.beginObject()
        json.field("params", totals.params)
        json.field("buffers", totals.buffers)
        json.field("macs", totals.macs)
        json.field("flops", totals.flops)
        json.field("memory_access", totals.memoryAccess)
        // Totals stay below 2⁶⁰ (`Totals.maximum`): times at most 8 bytes they fit.
        json.field("memory_access_bytes", totals.memoryAccess * report.dataType.bytes)
        json.field("activations", totals.activations)
        // A .tflite file's tensors at their stored types; else at the dtype.
        let activationBytes: Int
        do {
            activationBytes = try analysis.activationBytes(orElse: report.dataType.bytes).forward
        } catch {
            throw error.inputError(field: "dtype")
        }
        json.field("activations_bytes", activationBytes)
        json.endObject()
    }

    /// `overrides`: what the command line changed, only the options given.
    private func writeOverrides(_ overrides: SpecOverrides, _ json: inout JSONWriter) {
        json.key("overrides")
        json.value(.object(JSONObject(overrides.given.map { ($0.key, $0.value) })))
    }

    private func writeUnsupported(_ analysis: Analysis, _ json: inout JSONWriter) {
        json.key("unsupported")
        json.beginArray()
        for index in analysis.unsupported {
            json.beginObject()
            json.field("name", analysis.graph.layers[index].name)
            json.field("op", analysis.graph.layers[index].operation.kind)
            if case .unsupported(let op) = analysis.graph.layers[index].operation, let reason = op.reason { json.field("reason", reason) }
            // Control flow and post-processing: work that depends on the data.
            if ONNXImporter.dataDependentOps.contains(analysis.graph.layers[index].operation.kind) { json.field("data_dependent", true) }
            json.endObject()
        }
        json.endArray()
    }

    /// The layers array. Long graphs are written in chunks on all cores and joined in order.
    /// With `--sort` or `--top`, the chosen layers in that order, and `selection` says so.
    private func writeLayers(_ analysis: Analysis, _ json: inout JSONWriter) {
        let selection = report.selection
        if selection.sort != nil || selection.top != nil {
            let key = selection.sort ?? .macs
            let layers = analysis.graph.layers.indices.filter { if case .input = analysis.graph.layers[$0].operation { false } else { true } }
            var chosen = key.sorted(layers) { analysis.costs[$0] }
            if let top = selection.top { chosen = Array(chosen.prefix(top)) }
            json.key("selection")
            json.beginObject()
            json.field("sort", key.rawValue)
            if let top = selection.top { json.field("top", top) }
            json.endObject()
            json.key("layers")
            json.beginArray()
            for index in chosen { writeLayer(index, analysis, &json) }
            json.endArray()
            return
        }
        json.key("layers")
        json.beginArray()
        let count = analysis.graph.layers.count
        let chunkCount = count < 4096 ? 1 : min(16, max(1, System.activeProcessorCount * 2))
        let chunkSize = (count + chunkCount - 1) / chunkCount
        let depth = json.depth
        let fragments = Parallel.map(0..<chunkCount) { chunk in
            var fragment = JSONWriter(insideContainers: depth)
            fragment.reserveCapacity(Self.bytesPerLayer * chunkSize)
            for index in (chunk * chunkSize)..<min(count, (chunk + 1) * chunkSize) {
                writeLayer(index, analysis, &fragment)
            }
            return fragment
        }
        for fragment in fragments { json.append(fragment: fragment) }
        json.endArray()
    }

    private func writeLayer(_ index: Int, _ analysis: Analysis, _ json: inout JSONWriter) {
        let graph = analysis.graph
        let layer = graph.layers[index]
        do {
            if case .input = layer.operation { return }
            let cost = analysis.costs[index]
            json.beginObject()
            json.field("name", layer.name)
            json.field("op", layer.operation.kind)
            json.field("details", layer.operation.rules.details(graph.inputShapes(of: index)))
            json.key("inputs")
            json.beginArray(inline: true)
            for input in layer.inputs { json.value(graph.layers[input].name) }
            json.endArray()
            json.key("input_shapes")
            json.beginArray()
            for input in layer.inputs {
                json.beginArray(inline: true)
                for dimension in graph.layers[input].outputShape.sample { json.value(dimension) }
                json.endArray()
            }
            json.endArray()
            json.field("output_shape", integers: layer.outputShape.sample)
            json.field("params", cost.params)
            json.field("buffers", cost.buffers)
            if let owner = analysis.sharedWeights[index] { json.field("shares", graph.layers[owner].name) }
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
    }

    private func writeField(_ field: ReceptiveField, _ json: inout JSONWriter) {
        json.beginObject()
        json.field("size", numbers: field.height.size, field.width.size)
        json.field("stride", numbers: field.height.jump, field.width.jump)
        json.field("padding", numbers: field.height.padding, field.width.padding)
        json.endObject()
    }
}
