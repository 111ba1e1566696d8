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
    /// `--resolution`), and the importer infers every shape from it. The new shape is
    /// made from the input the file declares (its rank, channels and batch axis) before
    /// the graph is imported, so a file whose sizes are symbolic imports once, at the
    /// size given.
    static func loadONNX(_ path: String, overrides: SpecOverrides) throws(InputError) -> LoadedModel {
        if overrides.width != nil || overrides.depth != nil || overrides.classes != nil {
            throw InputError("an ONNX file fixes its layers: --width, --depth-multiplier and --classes need a spec; --input and --resolution work", file: path)
        }
        var declared: ONNXDeclaredInput?
        var input: [Int]?
        var batch = overrides.batch ?? 1
        let imported: ONNXImport
        do {
            imported = try ONNXImporter.load(file: path, limits: overrides.limits) { (file: ONNXDeclaredInput) throws(InputError) -> [Int]? in
                declared = file
                (input, batch) = try onnxInput(file, overrides: overrides)
                return input
            }
        } catch {
            throw explained(error, at: input, declared: declared, path: path, overrides: overrides)
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

    /// The per-sample input that `--resolution` or `--input` makes of the input the
    /// file declares, and the batch; nil for the file's own shape, which must then be
    /// complete. `--input` with one axis more than the file's per-sample rank leads with
    /// the batch, as for specs (`SpecOverrides.splitBatch`). `--resolution` keeps the
    /// file's channels, so they must be a size, not a symbol.
    static func onnxInput(_ declared: ONNXDeclaredInput, overrides: SpecOverrides) throws(InputError) -> (input: [Int]?, batch: Int) {
        if let resolution = overrides.resolution {
            guard let dims = declared.dims, dims.count == 4 else {
                throw InputError("--resolution needs a [C, H, W] input; graph input \"\(declared.name)\" is \(declared.shapeText)", field: "input")
            }
            guard let channels = dims[1].size else {
                throw InputError("\(declared.unsized(axis: 1)), and --resolution keeps the channels; give the whole input with --input (per sample: \(dims[1])x\(resolution)x\(resolution))", field: "input")
            }
            return (try declared.sampleShape(given: [channels, resolution, resolution]), overrides.batch ?? 1)
        }
        if let given = overrides.input {
            let (sample, batch) = try SpecOverrides.splitBatch(given, rank: declared.sampleRank ?? given.count, batch: overrides.batch)
            return (try declared.sampleShape(given: sample), batch)
        }
        _ = try declared.sampleShape(remedy: "give the input size with --input" + (declared.sampleText.map { " (per sample: \($0))" } ?? ""))
        return (nil, overrides.batch ?? 1)
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
