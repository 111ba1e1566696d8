import Foundation

/// Finds a model wherever the user points: a spec file, an ONNX file, or the name of
/// a built-in model. Every command that takes a model goes through here.
public enum ModelLoader {
    public static func load(_ reference: String, overrides: SpecOverrides = SpecOverrides()) throws(InputError) -> LoadedModel {
        let isFile = FileManager.default.fileExists(atPath: reference)
        if ONNXImporter.isONNXPath(reference) {
            guard isFile else { throw InputError("no such file", file: reference) }
            return try loadONNX(reference, overrides: overrides)
        }
        if isFile { return try SpecLoader.load(file: reference, overrides: overrides) }
        if BuiltinModels.text(named: reference) != nil { return try BuiltinModels.load(reference, overrides: overrides) }
        let hint = Suggestion.phrase(for: reference, among: BuiltinModels.names)
        throw InputError("no such file, and no built-in model of that name\(hint); `netcost models` lists the built-in models", file: reference)
    }

    /// An ONNX file. Its layers are fixed: only the input shape may change (`--input`,
    /// `--resolution`), and the importer infers every shape again from it.
    static func loadONNX(_ path: String, overrides: SpecOverrides) throws(InputError) -> LoadedModel {
        let (input, batch) = try overrides.fixedLayersInput(file: path) { () throws(InputError) -> TensorShape in
            try ONNXImporter.load(file: path, limits: overrides.limits).model.input
        }
        let imported = try ONNXImporter.load(file: path, input: input, limits: overrides.limits)
        var model = imported.model
        model.batch = batch
        model.overrides = overrides
        model.isRebuildable = false
        model.warnings = imported.warnings + imported.unsupported.map { op in
            "\(op.opType) ×\(op.count) not counted\(op.reason.map { ": \($0)" } ?? "") (\(op.layers.prefix(3).joined(separator: ", "))\(op.layers.count > 3 ? ", …" : ""))"
        }
        return model
    }
}
