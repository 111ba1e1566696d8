import Foundation

/// Opens `.tflite` files: maps the file, checks it is a TensorFlow Lite flatbuffer, and
/// decodes it, with errors that name the file.
public enum TFLiteLoader {
    /// Whether `path` names a TensorFlow Lite model by its extension.
    public static func isTFLitePath(_ path: String) -> Bool {
        path.lowercased().hasSuffix(".tflite") || path.lowercased().hasSuffix(".lite")
    }

    public static func load(file path: String) throws(InputError) -> TFLiteModel {
        try InputFile.withMappedBytes(of: path, kind: "a TensorFlow Lite model") { (bytes: UnsafeRawBufferPointer) throws(InputError) -> TFLiteModel in
            try decode(bytes, file: path)
        }
    }

    /// A `.tflite` file as a model every command reads: subgraph 0 as a netcost graph
    /// (`TFLiteGraphImporter`). Its shapes are fixed in the file, so options that would
    /// rebuild the network are refused.
    public static func loadModel(file path: String, overrides: SpecOverrides) throws(InputError) -> LoadedModel {
        let rebuilding = overrides.given.filter { !["batch"].contains($0.key) }
        if let first = rebuilding.first ?? overrides.given.first {
            throw InputError("\(first.option) changes the network, but a .tflite file's shapes are fixed when it is converted", file: path)
        }
        return try graphModel(try load(file: path), file: path, limits: overrides.limits)
    }

    /// The decoded file as a `LoadedModel` (its subgraph 0 as a netcost graph).
    static func graphModel(_ model: TFLiteModel, file path: String, limits: ModelLimits) throws(InputError) -> LoadedModel {
        var importer = TFLiteGraphImporter(model, name: (path as NSString).lastPathComponent, limits: limits)
        let graph: Graph
        do {
            graph = try importer.run()
        } catch {
            throw error.inFile(path)
        }
        guard let input = graph.layers.first(where: { $0.operation.rules.family == .source && $0.inputs.isEmpty && $0.operation.kind == "input" }) else {
            throw InputError("subgraph 0 has no input", file: path)
        }
        let types = Set(model.tensors.filter { !$0.isConstant }.map(\.type.name)).sorted().joined(separator: ", ")
        var loaded = LoadedModel(graph: graph, name: (path as NSString).lastPathComponent,
                                 description: "TensorFlow Lite, schema \(model.version), \(types) activations; "
                                    + "constants in the file: \(model.constantSummary); \(NumberFormat.grouped(model.fileBytes)) bytes of flash"
                                    + (importer.knownValues.count > 0 ? "; \(Plural.count(importer.knownValues.count, "shape-arithmetic operator")) worked out from the shapes" : ""),
                                 input: input.outputShape,
                                 scaling: Scaling(rounding: .floor))
        loaded.batch = input.outputShape.batch
        loaded.isRebuildable = false
        loaded.tflite = model
        loaded.warnings = importer.unsupported.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value) not counted: no mapping to netcost's ops" }
        if model.subgraphCount > 1 { loaded.warnings.append("subgraph 0 of \(model.subgraphCount) read; the others (called by control flow) are not counted") }
        return loaded
    }

    /// Decodes a whole file's bytes; `file` names it in errors.
    public static func decode(_ bytes: UnsafeRawBufferPointer, file: String) throws(InputError) -> TFLiteModel {
        guard bytes.count >= 8, Array(bytes[4..<8]) == Array("TFL3".utf8) else {
            if let signature = FileSignature.identify(bytes, expecting: .onnxModel), signature.what.contains("TensorFlow Lite") == false {
                throw InputError("is \(signature.what), not a TensorFlow Lite model" + (signature.advice.map { ": " + $0 } ?? ""), file: file)
            }
            throw InputError("is not a TensorFlow Lite model: a .tflite file carries the identifier TFL3 at bytes 4 to 8", file: file)
        }
        let model: TFLiteModel
        do {
            model = try TFLiteModel(bytes)
        } catch {
            throw InputError("malformed TensorFlow Lite flatbuffer at byte \(error.offset): \(error.text)", file: file)
        }
        // Sizes come from the file: one past what any device holds is refused here.
        let limit = ModelLimits().elements
        if let huge = model.tensors.first(where: { $0.elements > limit }) {
            throw InputError("tensor \(huge.index) (\(huge.name)) has \(NumberFormat.grouped(huge.elements)) elements, more than the limit of "
                             + "\(NumberFormat.grouped(limit)) in one tensor", file: file)
        }
        return model
    }
}
