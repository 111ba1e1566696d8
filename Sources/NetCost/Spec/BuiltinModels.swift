/// The specs shipped in `specs/`, compiled into the binary so that a model name works
/// from any directory (`netcost report mobilenet_v2`). `BuiltinModels+Specs.swift` holds
/// their text; `scripts/embed-specs.sh` regenerates it and a test checks it is current.
public enum BuiltinModels {
    public static var names: [String] { specs.keys.sorted() }

    public static func text(named name: String) -> String? {
        specs[name.hasSuffix(".json") ? String(name.dropLast(5)) : name]
    }

    /// Loads a built-in model by name.
    public static func load(_ name: String, overrides: SpecOverrides = SpecOverrides()) throws(InputError) -> LoadedModel {
        guard let text = text(named: name) else {
            throw InputError("no built-in model \"\(name)\"\(Suggestion.phrase(for: name, among: names)); `netcost models` lists them")
        }
        return try SpecLoader.load(text: text, file: "builtin:" + name, overrides: overrides)
    }
}
