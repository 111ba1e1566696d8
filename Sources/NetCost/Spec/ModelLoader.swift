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
        if overrides.width != nil || overrides.depth != nil || overrides.classes != nil {
            throw InputError("an ONNX file fixes its layers: --width, --depth-multiplier and --classes need a spec; --input and --resolution work", file: path)
        }
        var input = overrides.input
        var batch = overrides.batch ?? 1
        // The file's own input shape: a [C, H, W] to resize, or the rank a leading batch axis adds to.
        let probe: TensorShape? = if overrides.resolution != nil || input != nil {
            try ONNXImporter.load(file: path, limits: overrides.limits).model.input
        } else {
            nil
        }
        if let probe, let resolution = overrides.resolution {
            guard probe.isFeatureMap else { throw InputError("--resolution needs a [C, H, W] input", file: path) }
            input = [probe.channels, resolution, resolution]
        } else if let probe, let given = input {
            (input, batch) = try SpecOverrides.splitBatch(given, rank: probe.rank, batch: overrides.batch)
        }
        let imported: ONNXImport
        do {
            imported = try ONNXImporter.load(file: path, input: input, limits: overrides.limits)
        } catch {
            // The file imports at its own shape, so the new one is what it cannot take
            // (a Squeeze of an axis that is no longer 1, a Reshape to a fixed size).
            guard let probe, let input else { throw error }
            let option = overrides.resolution.map { "--resolution \($0)" } ?? "--input"
            var explained = error
            explained.message += " (the file's input is \(probe); \(option) made it \(input.map(String.init).joined(separator: "x")))"
            throw explained
        }
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
