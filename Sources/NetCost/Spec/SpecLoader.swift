import Foundation

/// A spec turned into a graph, with what the reports say about it.
public struct LoadedModel: Sendable {
    public var graph: Graph
    public var name: String
    public var description: String?
    public var input: TensorShape
    /// The width and depth multipliers it was built at, and its rounding rule.
    public var scaling: Scaling
    /// What the reader assumed or left out (ONNX: unsupported ops' shapes, unread
    /// initializers); printed as warnings.
    public var warnings: [String] = []
    /// Samples per pass: the spec's `"batch"`, `--batch`, or a leading batch axis of `--input`.
    public var batch = 1
    /// What the command line changed (`--width`, `--resolution`, …), echoed by the reports.
    public var overrides = SpecOverrides()
    /// Whether `--width`, `--depth-multiplier` and `--classes` can rebuild this model:
    /// true for specs, false for ONNX files, whose layers are fixed.
    public var isRebuildable = true
    /// For an ONNX file: each of its nodes with the layers it became (what
    /// `report --format netron` annotates); nil for specs and built-in models.
    public var onnxNodes: [ONNXNodeOrigin]?
    /// For a `.tflite` file: the decoded file (its element types, constants and TFLite
    /// Micro's arena are read from it); nil for specs and ONNX files.
    public var tflite: TFLiteModel?

    /// The element type the file's activations have, where the file says (a `.tflite`
    /// file); the commands' `--dtype` default.
    public var elementType: DataType? { tflite?.activationDataType }

    /// Its width multiplier α (`scaling.width`).
    public var width: Double { scaling.width }
    /// Its depth multiplier (`scaling.depth`).
    public var depth: Double { scaling.depth }
}

/// Reads netcost's JSON spec format (docs/spec-format.md).
public enum SpecLoader {
    /// Top-level fields of a spec.
    static let topLevelFields = ["name", "description", "source", "notes", "reference", "input", "classes", "width",
                                 "width_rounding", "depth", "resolution", "defaults", "layers", "extends", "outputs", "batch", "blocks"]

    /// Loads a spec from a file.
    public static func load(file path: String, overrides: SpecOverrides = SpecOverrides()) throws(InputError) -> LoadedModel {
        let bytes = try readFile(path)
        return try load(bytes: bytes, file: path, overrides: overrides)
    }

    /// Loads a spec from its text; `file` names it in messages and anchors `extends`.
    public static func load(bytes: [UInt8], file: String, overrides: SpecOverrides = SpecOverrides()) throws(InputError) -> LoadedModel {
        do {
            var object = try parseObject(bytes, file: file)
            object = try resolveExtends(object, file: file, seen: [file])
            return try build(object, file: file, overrides: overrides)
        } catch {
            throw error.inFile(file)
        }
    }

    public static func load(text: String, file: String = "<spec>", overrides: SpecOverrides = SpecOverrides()) throws(InputError) -> LoadedModel {
        try load(bytes: Array(text.utf8), file: file, overrides: overrides)
    }

    // MARK: Reading

    static func readFile(_ path: String) throws(InputError) -> [UInt8] {
        try InputFile.read(path, kind: "a spec file")
    }

    static func parseObject(_ bytes: [UInt8], file: String) throws(InputError) -> JSONObject {
        if let other = FileSignature.identify(bytes, expecting: .spec) { throw other.error(expecting: .spec, file: file) }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw InputError("malformed JSON at column \(error.column): \(error.message)", file: file, line: error.line)
        }
        guard case .object(let object) = value else {
            throw InputError("a spec is a JSON object, got \(value.typeDescription)", file: file)
        }
        return object
    }

    /// Merges the spec named by `"extends"` (a path relative to this file, or a built-in
    /// model name, found as `name.json` next to this file or else built in) under this
    /// one: this spec's fields replace the base's.
    static func resolveExtends(_ object: JSONObject, file: String, seen: [String]) throws(InputError) -> JSONObject {
        guard let reference = object["extends"] else { return object }
        guard case .string(let name) = reference else {
            throw InputError("expected a file path or built-in model name, got \(reference.typeDescription)", file: file, line: object.line, field: "extends")
        }
        // A file next to this one (`name`, or `name.json` for a built-in name), then the
        // built-in copy. A built-in spec extends built-ins only, whatever the directory.
        let directory = (file as NSString).deletingLastPathComponent
        let path = name.hasPrefix("/") ? name : (directory.isEmpty ? name : directory + "/" + name)
        let candidates = file.hasPrefix("builtin:") ? [] : (name.hasSuffix(".json") ? [path] : [path, path + ".json"])
        let baseFile: String, bytes: [UInt8]
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) {
            (baseFile, bytes) = (found, try readFile(found))
        } else if let text = BuiltinModels.text(named: name) {
            (baseFile, bytes) = ("builtin:" + name, Array(text.utf8))
        } else {
            throw InputError("\"\(name)\" is neither a file next to this spec nor a built-in model\(Suggestion.phrase(for: name, among: BuiltinModels.names))",
                             file: file, line: object.line, field: "extends")
        }
        guard !seen.contains(baseFile), seen.count < 16 else {
            throw InputError("\"extends\" goes round in a circle: \((seen + [baseFile]).joined(separator: " → "))", file: file, field: "extends")
        }
        var merged = try resolveExtends(try parseObject(bytes, file: baseFile), file: baseFile, seen: seen + [baseFile])
        for (key, value) in object.entries where key != "extends" { merged[key] = value }
        merged.line = object.line
        return merged
    }

    // MARK: Building

    static func build(_ object: JSONObject, file: String, overrides: SpecOverrides) throws(InputError) -> LoadedModel {
        var fields = LayerFields(object, layer: "", context: SpecContext())
        let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let name = try fields.string("name") ?? stem
        let description = try fields.string("description")
        _ = try fields.string("source")
        _ = fields.value("notes")
        _ = fields.value("reference")

        var context = SpecContext()
        context.scaling = try overrides.scaling(specWidth: try fields.double("width", default: 1), specDepth: try fields.double("depth", default: 1))
        if let rounding = try fields.string("width_rounding") {
            guard let rule = ChannelRounding(name: rounding) else {
                throw fields.error("\"\(rounding)\" is not a rounding rule; use floor, nearest or divisible_by_N", field: "width_rounding")
            }
            context.scaling.rounding = rule
        }
        context.classes = try fields.optionalInt("classes")
        if let classes = overrides.classes { context.classes = classes }
        context.defaults = try defaults(&fields)
        context.blocks = try UserBlock.definitions(fields.value("blocks"))

        guard let specInput = try fields.intArray("input") else {
            throw fields.missing("input", ": the input shape without the batch, such as [3, 224, 224]")
        }
        let resized = try overrides.input(specInput, specResolution: try fields.optionalInt("resolution"))
        let (inputDims, batch) = try overrides.batched(resized, specBatch: try fields.int("batch", default: 1))
        let inputShape: TensorShape
        do {
            // The whole tensor, batch first: every count is taken on these dims.
            inputShape = try TensorShape([batch] + inputDims, batchAxis: 0)
        } catch {
            throw fields.error(error.message, field: "input")
        }

        guard case .array(let entries)? = fields.value("layers") else {
            throw fields.missing("layers", ": the list of layers and blocks")
        }
        let outputNames = try fields.stringArray("outputs")
        _ = fields.value("extends")
        try fields.finish(known: topLevelFields)

        var builder = GraphBuilder(name: name, limits: overrides.limits)
        try builder.addInput(name: SpecExpander.inputName, shape: inputShape)
        var expander = SpecExpander(builder: builder, context: context)
        _ = try expander.expand(entries)
        if let outputNames {
            guard !outputNames.isEmpty else { throw fields.error("an empty list names no output; leave the field out to use every layer nothing reads", field: "outputs") }
            var outputs: [Int] = []
            for name in outputNames {
                guard let index = expander.resolve(name) else {
                    let known = expander.builder.layers.map(\.name)
                    throw fields.error("names \"\(name)\", which no layer or block is called\(Suggestion.phrase(for: name, among: known))", field: "outputs")
                }
                if !outputs.contains(index) { outputs.append(index) }
            }
            expander.builder.declaredOutputs = outputs
        }
        var model = LoadedModel(graph: expander.builder.build(), name: name, description: description, input: inputShape,
                                scaling: context.scaling)
        model.batch = batch
        model.overrides = overrides
        return model
    }

    /// `defaults`: `norm`, `activation`, `bias` for blocks.
    private static func defaults(_ fields: inout LayerFields) throws(InputError) -> LayerDefaults {
        var defaults = LayerDefaults()
        guard let value = fields.value("defaults") else { return defaults }
        guard case .object(let object) = value else { throw fields.error("expected an object with norm, activation, bias", field: "defaults") }
        var inner = LayerFields(object, layer: "", context: fields.context)
        defaults.norm = try inner.norm()
        defaults.activation = try inner.activation(default: .some(.relu))
        if inner.has("bias") { defaults.bias = try inner.bool("bias", default: false) }
        try inner.finish(known: ["norm", "activation", "bias"])
        return defaults
    }

}
