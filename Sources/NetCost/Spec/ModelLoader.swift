import Foundation

/// Finds a model wherever the user points: a spec file, an ONNX file, or the name of
/// a built-in model. Every command that takes a model goes through here.
public enum ModelLoader {
    public static func load(_ reference: String, overrides: SpecOverrides = SpecOverrides()) throws(InputError) -> LoadedModel {
        let isFile = FileManager.default.fileExists(atPath: reference)
        if reference.lowercased().hasSuffix(".onnx") {
            guard isFile else { throw InputError("no such file", file: reference) }
            return try loadONNX(reference, overrides: overrides)
        }
        if isFile { return try SpecLoader.load(file: reference, overrides: overrides) }
        if BuiltinModels.text(named: reference) != nil { return try BuiltinModels.load(reference, overrides: overrides) }
        let hint = Suggestion.phrase(for: reference, among: BuiltinModels.names)
        throw InputError("no such file, and no built-in model of that name\(hint); `netcost models` lists the built-in models", file: reference)
    }

    static func loadONNX(_ path: String, overrides: SpecOverrides) throws(InputError) -> LoadedModel {
        throw InputError("ONNX import is not available in this build", file: path)
    }
}
