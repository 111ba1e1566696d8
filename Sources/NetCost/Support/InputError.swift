/// A problem with the user's input: a spec, an ONNX file or a command-line value.
///
/// It names where the problem is as precisely as the input allows: the file, the
/// line, the layer (by name, or by its position such as `layers[3]`) and the field,
/// so the message alone is enough to find and fix it.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String?
    public var line: Int?
    public var layer: String?
    public var field: String?
    public var message: String

    public init(_ message: String, file: String? = nil, line: Int? = nil, layer: String? = nil, field: String? = nil) {
        self.message = message
        self.file = file
        self.line = line
        self.layer = layer
        self.field = field
    }

    /// `file:line: layer "name": field "kernel": message`, leaving out the parts that are unknown.
    public var description: String {
        var parts: [String] = []
        if let file {
            parts.append(line.map { "\(file):\($0)" } ?? file)
        } else if let line {
            parts.append("line \(line)")
        }
        if let layer { parts.append("layer \"\(layer)\"") }
        if let field { parts.append("field \"\(field)\"") }
        parts.append(message)
        return parts.joined(separator: ": ")
    }

    /// The same error with the file filled in, if it was not set yet.
    public func inFile(_ file: String) -> InputError {
        var copy = self
        if copy.file == nil { copy.file = file }
        return copy
    }

    /// The same error attributed to a layer, if no layer was named yet.
    public func inLayer(_ layer: String) -> InputError {
        var copy = self
        if copy.layer == nil { copy.layer = layer }
        return copy
    }
}

extension SizeOverflow {
    /// The overflow as an input error: sizes this large cannot come from a real network.
    public func inputError(layer: String? = nil, field: String? = nil) -> InputError {
        InputError("sizes overflow a 64-bit integer: the layer is too large to count", layer: layer, field: field)
    }
}
