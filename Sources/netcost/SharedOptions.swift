import ArgumentParsing
import Foundation
import NetCost

/// The options every model-reading subcommand shares, parsed in one place.
enum SharedOptions {
    static let model = ArgumentSpec("MODEL", help: "a spec file (.json), an ONNX file (.onnx) or a built-in model name")

    static let overrides: [OptionSpec] = [
        .value("width", "ALPHA", help: "width multiplier: conv channels scaled by the spec's rounding rule"),
        .value("resolution", "N", help: "input height and width"),
        .value("input", "CxHxW", help: "the whole input shape, such as 3x160x160"),
        .value("depth-multiplier", "D", help: "stage repeats become ceil(n·D)"),
        .value("classes", "N", help: "the class count that \"out\": \"classes\" stands for"),
    ]

    static let output = OptionSpec.value("output", short: "o", "FILE", help: "the file to write instead of standard output")

    static let dtype = OptionSpec.value("dtype", "TYPE", help: "element type for byte sizes", choices: DataType.allCases.map(\.rawValue), default: "fp32")

    static func format(_ choices: [String], default value: String = "text") -> OptionSpec {
        .value("format", short: "f", "FORMAT", help: "output format", choices: choices, default: value)
    }

    /// The spec hyper-parameters given on the command line.
    static func overrides(_ arguments: ParsedArguments) throws(UsageError) -> SpecOverrides {
        var overrides = SpecOverrides()
        overrides.width = try arguments.double("width", in: 0.01...64)
        overrides.resolution = try arguments.int("resolution", in: 1...65536)
        overrides.input = try arguments.dimensions("input")
        overrides.depth = try arguments.double("depth-multiplier", in: 0.01...64)
        overrides.classes = try arguments.int("classes", in: 1...100_000_000)
        if overrides.resolution != nil && overrides.input != nil {
            throw arguments.fail("give --resolution or --input, not both")
        }
        return overrides
    }

    static func dataType(_ arguments: ParsedArguments) -> DataType {
        arguments.string("dtype").flatMap(DataType.init(rawValue:)) ?? .fp32
    }

    /// Writes `text` to the `--output` file, or to standard output.
    static func write(_ text: String, to path: String?) throws(InputError) {
        try write(Array(text.utf8), to: path)
    }

    static func write(_ bytes: [UInt8], to path: String?) throws(InputError) {
        let data = Data(bytes)
        guard let path else {
            FileHandle.standardOutput.write(data)
            return
        }
        guard FileManager.default.createFile(atPath: path, contents: data) else {
            throw InputError("cannot write the output file", file: path)
        }
    }
}
