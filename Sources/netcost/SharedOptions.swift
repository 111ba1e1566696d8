import ArgumentParsing
import Foundation
import NetCost
import NetCostExecutor

/// The options every model-reading subcommand shares, parsed in one place.
enum SharedOptions {
    static let model = ArgumentSpec("MODEL", help: "a spec file (.json), an ONNX file (.onnx) or a built-in model name",
                                     completes: .wordsAndFiles(BuiltinModels.names))

    static let overrides: [OptionSpec] = [
        .value("width", "ALPHA", help: "width multiplier: conv channels scaled by the spec's rounding rule"),
        .value("resolution", "N", help: "input height and width"),
        .value("input", "CxHxW", help: "the whole input shape, such as 3x160x160; a leading batch axis (1x3x224x224) is read as --batch"),
        .value("batch", "N", help: "samples per pass: MACs, FLOPs, memory access and activations scale, parameters do not", default: "1"),
        .value("depth-multiplier", "D", help: "stage repeats become ceil(n·D)"),
        .value("classes", "N", help: "the class count that \"out\": \"classes\" stands for"),
        .value("max-layers", "N", help: "the most layers a model may have; a spec that expands past it is refused", default: String(ModelLimits.defaultLayers)),
        .value("max-elements", "N", help: "the most elements one tensor may have, such as 1T; larger shapes are refused", default: "100T"),
    ]

    static let output = OptionSpec.value("output", short: "o", "FILE", help: "the file to write instead of standard output")

    static let dtype = OptionSpec.value("dtype", "TYPE", help: "element type for byte sizes", choices: DataType.allCases.map(\.rawValue), default: "fp32")

    static func format(_ choices: [String], default value: String = "text") -> OptionSpec {
        .value("format", short: "f", "FORMAT", help: "output format", choices: choices, default: value)
    }

    /// The overrides for commands that measure one sample (`check`, `verify`, `bench`): no `--batch`.
    static var singleSampleOverrides: [OptionSpec] { overrides.filter { $0.name != "batch" } }

    /// The spec hyper-parameters given on the command line, but for `except` (a command
    /// that reads those options itself, as `sweep` reads lists of widths).
    static func overrides(_ arguments: ParsedArguments, except: Set<String> = []) throws(UsageError) -> SpecOverrides {
        var overrides = SpecOverrides()
        if !except.contains("width") { overrides.width = try arguments.double("width", in: SpecOverrides.multiplierRange) }
        if !except.contains("resolution") { overrides.resolution = try arguments.int("resolution", in: SpecOverrides.resolutionRange) }
        overrides.input = try arguments.dimensions("input")
        overrides.depth = try arguments.double("depth-multiplier", in: SpecOverrides.multiplierRange)
        overrides.classes = try arguments.int("classes", in: SpecOverrides.classesRange)
        overrides.batch = try arguments.int("batch", in: 1...SpecOverrides.maximumBatch)
        overrides.limits.layers = try arguments.quantity("max-layers", units: ParsedArguments.decimalUnits, in: 1...Int(Int32.max), example: "1M")
            ?? ModelLimits.defaultLayers
        overrides.limits.elements = try arguments.quantity("max-elements", units: ParsedArguments.decimalUnits, in: 1...(1 << 60), example: "1T")
            ?? ModelLimits.defaultElements
        if overrides.resolution != nil && overrides.input != nil {
            throw arguments.fail("give --resolution or --input, not both")
        }
        return overrides
    }

    /// `--max-memory` and `--max-macs`: what one run of the executor may take.
    static let runLimits: [OptionSpec] = [
        .value("max-memory", "SIZE", help: "the most tensor memory a run may use, such as 512M or 8G; larger graphs are refused before anything is allocated", default: "1G"),
        .value("max-macs", "N", help: "the most multiply-accumulates one pass may take, such as 500G; larger graphs are refused before they run", default: "100G"),
    ]

    static func runLimits(_ arguments: ParsedArguments) throws(UsageError) -> RunLimits {
        RunLimits(memoryBytes: try arguments.quantity("max-memory", units: ParsedArguments.binaryUnits, in: 1...(1 << 40), example: "512M or 8G")
                      ?? RunLimits.defaultMemoryBytes,
                  macs: try arguments.quantity("max-macs", units: ParsedArguments.decimalUnits, in: 1...Totals.maximum, example: "500G")
                      ?? RunLimits.defaultMACs)
    }

    /// Loads the model again with other hyper-parameters on top of the command line's,
    /// for the scaling checks.
    static func rebuilder(_ reference: String, _ base: SpecOverrides) -> (SpecOverrides) throws(InputError) -> LoadedModel {
        { (changes: SpecOverrides) throws(InputError) -> LoadedModel in
            try ModelLoader.load(reference, overrides: base.rescaled(by: changes))
        }
    }

    /// `--dtype`, when given.
    static func dataType(_ arguments: ParsedArguments) -> DataType? {
        arguments.string("dtype").flatMap(DataType.init(rawValue:))
    }

    /// The element type a command counts bytes at: `--dtype`, else the model file's own
    /// (a `.tflite` file's activations: int8 for a fully quantized model), else fp32.
    /// Without `--dtype`, a `.tflite` file's tensors keep their own types (int32
    /// accumulators in an int8 model); with it, every tensor is counted at the type given.
    static func dataType(_ given: DataType?, _ model: inout LoadedModel) -> DataType {
        if given != nil { model.graph.forgetStoredElementTypes() }
        return given ?? model.elementType ?? .fp32
    }

    /// Writes `text` to the `--output` file, or to standard output.
    static func write(_ text: String, to path: String?) throws(InputError) {
        try write(Array(text.utf8), to: path)
    }

    /// Writes bytes to the `--output` file, or to standard output, without copying them.
    static func write(_ bytes: [UInt8], to path: String?) throws(InputError) {
        let descriptor = path.map { open($0, O_WRONLY | O_CREAT | O_TRUNC, 0o644) } ?? STDOUT_FILENO
        guard descriptor >= 0 else { throw InputError("cannot write the output file", file: path) }
        defer { if path != nil { close(descriptor) } }
        let complete = bytes.withUnsafeBytes { buffer -> Bool in
            guard let base = buffer.baseAddress else { return true }
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, base + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return false }
                offset += written
            }
            return true
        }
        // A closed pipe (`netcost report … | head`) is not an error worth a message.
        guard complete || errno == EPIPE else { throw InputError("cannot write the output", file: path ?? "standard output") }
    }
}
