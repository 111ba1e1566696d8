import Foundation

/// Finds a model wherever the user points: a spec file, an ONNX file, or the name of
/// a built-in model. Every command that takes a model goes through here.
public enum ModelLoader {
    public static func load(_ reference: String, overrides: SpecOverrides = SpecOverrides()) throws(InputError) -> LoadedModel {
        let isFile = FileManager.default.fileExists(atPath: reference)
        if TFLiteLoader.isTFLitePath(reference) {
            guard isFile else { throw InputError("no such file", file: reference) }
            return try TFLiteLoader.loadModel(file: reference, overrides: overrides)
        }
        if ONNXImporter.isONNXPath(reference) {
            guard isFile else { throw InputError("no such file", file: reference) }
            return try loadONNX(reference, overrides: overrides)
        }
        if isFile { return try SpecLoader.load(file: reference, overrides: overrides) }
        if BuiltinModels.text(named: reference) != nil { return try BuiltinModels.load(reference, overrides: overrides) }
        // Names, not spellings: `MobileNet_V2` is mobilenet_v2.
        if let name = BuiltinModels.names.first(where: { $0.lowercased() == reference.lowercased() }) {
            return try BuiltinModels.load(name, overrides: overrides)
        }
        let hint = Suggestion.phrase(for: reference, among: BuiltinModels.names)
        throw InputError("no such file, and no built-in model of that name\(hint); `netcost models` lists the built-in models", file: reference)
    }

    /// An ONNX file. Its layers are fixed: only the input shape may change (`--input`,
    /// `--resolution`), and the importer infers every shape from it. The new shape is
    /// made from the input the file declares (its rank, channels and batch axis) before
    /// the graph is imported, so a file whose sizes are symbolic imports once, at the
    /// size given.
    static func loadONNX(_ path: String, overrides: SpecOverrides) throws(InputError) -> LoadedModel {
        var declared: ONNXDeclaredInput?
        var input: [Int]?
        let imported: ONNXImport
        do {
            imported = try ONNXImporter.load(file: path, limits: overrides.limits) { (file: ONNXDeclaredInput) throws(InputError) -> ONNXInputChoice in
                declared = file
                let batch: Int?
                (input, batch) = try overrides.fixedLayersInput(file)
                return ONNXInputChoice(sample: input, batch: batch)
            }
        } catch {
            throw explained(error, at: input, declared: declared, path: path, overrides: overrides).inFile(path)
        }
        var model = imported.model
        model.overrides = overrides
        model.isRebuildable = false
        model.warnings = imported.warnings + imported.unsupported.map { op in
            "\(op.opType) ×\(op.count) not counted\(op.reason.map { ": \($0)" } ?? "") (\(op.layers.prefix(3).joined(separator: ", "))\(op.layers.count > 3 ? ", …" : ""))"
        }
        let (dataDependent, dependents) = imported.dataDependent
        if !dataDependent.isEmpty {
            var counts: [(opType: String, count: Int)] = []
            for op in imported.unsupported where ONNXImporter.dataDependentOps.contains(op.opType) {
                if let index = counts.firstIndex(where: { $0.opType == op.opType }) { counts[index].count += op.count } else { counts.append((op.opType, op.count)) }
            }
            let kinds = counts.map { "\($0.opType) ×\($0.count)" }.joined(separator: ", ")
            model.warnings.append("control flow and post-processing, whose work depends on the data: \(kinds); \(dependents) layer\(dependents == 1 ? "" : "s") after them \(dependents == 1 ? "reads" : "read") their results")
        }
        return model
    }

    /// An import error at the input an option gave, with the file's own input beside it
    /// when the file imports at its own: then the new input is what the file cannot
    /// take (a Squeeze of an axis that is no longer 1, a Reshape to a fixed size).
    private static func explained(_ error: InputError, at input: [Int]?, declared: ONNXDeclaredInput?, path: String,
                                  overrides: SpecOverrides) -> InputError {
        guard let input, let own = try? declared?.sampleShape(), own != input,
              (try? ONNXImporter.load(file: path, limits: overrides.limits)) != nil else { return error }
        let option = overrides.resolution.map { "--resolution \($0)" } ?? "--input"
        var explained = error
        explained.message += " (the file's input is \(own.map(String.init).joined(separator: "x")); \(option) made it \(input.map(String.init).joined(separator: "x")))"
        return explained
    }
}
