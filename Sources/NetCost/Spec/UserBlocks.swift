/// A block the spec defines for itself under `"blocks"`:
///
///     "blocks": { "head": { "params": ["classes", {"name": "width", "default": 256}],
///                           "inputs": ["x"],
///                           "layers": [ {"op": "conv2d", "out": "$width", "kernel": 3, "padding": 1}, … ] } }
///
/// and used like a built-in one, `{"name": "cls3", "block": "head", "inputs": "p3", "classes": 91}`,
/// in stage tables too. Its layers are named under the instance's name (`cls3.0`), read
/// the block's inputs by the names in `"inputs"` (`["input"]` when not given; the first
/// layer reads the first input), and take each parameter wherever a value is exactly the
/// string `"$name"`. Blocks may use other blocks, 32 deep at most, but not themselves.
struct UserBlock: Sendable {
    struct Parameter: Sendable {
        var name: String
        var fallback: JSONValue?
    }

    var name: String
    var parameters: [Parameter]
    var inputs: [String]
    var layers: [JSONValue]

    /// Reads the `"blocks"` object of a spec.
    static func definitions(_ value: JSONValue?) throws(InputError) -> [String: UserBlock] {
        guard let value else { return [:] }
        guard case .object(let object) = value else {
            throw InputError("expected an object of block definitions, {\"name\": {\"params\", \"layers\"}}", field: "blocks")
        }
        var blocks: [String: UserBlock] = [:]
        for (name, definition) in object.entries {
            let position = "blocks.\(name)"
            guard BlockTable.byName[name] == nil else {
                throw InputError("\"\(name)\" is a built-in block; give yours another name", line: object.line, field: position)
            }
            guard case .object(let body) = definition else {
                throw InputError("expected {\"params\", \"inputs\", \"layers\"}, got \(definition.typeDescription)", line: object.line, field: position)
            }
            var fields = LayerFields(body, layer: "", context: SpecContext())
            guard case .array(let layers)? = fields.value("layers"), !layers.isEmpty else {
                throw InputError("a block needs a non-empty list of layers", line: body.line, field: position + ".layers")
            }
            let inputs = try fields.stringArray("inputs") ?? ["input"]
            guard !inputs.isEmpty, Set(inputs).count == inputs.count else {
                throw InputError("expected distinct input names", line: body.line, field: position + ".inputs")
            }
            var parameters: [Parameter] = []
            if let list = fields.value("params") {
                guard case .array(let entries) = list else {
                    throw InputError("expected a list of parameter names or {\"name\", \"default\"}", line: body.line, field: position + ".params")
                }
                for entry in entries {
                    switch entry {
                    case .string(let parameter): parameters.append(Parameter(name: parameter))
                    case .object(let named):
                        guard case .string(let parameter)? = named["name"], named.keys.allSatisfy({ $0 == "name" || $0 == "default" }) else {
                            throw InputError("expected {\"name\": string, \"default\": value}", line: named.line, field: position + ".params")
                        }
                        parameters.append(Parameter(name: parameter, fallback: named["default"]))
                    default:
                        throw InputError("expected a parameter name, got \(entry.compactText)", line: body.line, field: position + ".params")
                    }
                }
            }
            let reserved: Set<String> = ["name", "inputs", "block", "share", "rows", "columns", "numbering", "first_index"]
            if let clash = parameters.first(where: { reserved.contains($0.name) }) {
                throw InputError("\"\(clash.name)\" is a field every block entry has; call the parameter something else", line: body.line, field: position + ".params")
            }
            try fields.finish(known: ["params", "inputs", "layers"])
            blocks[name] = UserBlock(name: name, parameters: parameters, inputs: inputs, layers: layers)
        }
        return blocks
    }

    /// The block's layers with each `"$parameter"` replaced by the instance's value.
    func substituted(_ fields: inout LayerFields) throws(InputError) -> [JSONValue] {
        var values: [String: JSONValue] = [:]
        for parameter in parameters {
            guard let value = fields.value(parameter.name) ?? parameter.fallback else {
                throw fields.error("is required: a parameter of block \"\(name)\"", field: parameter.name)
            }
            values["$" + parameter.name] = value
        }
        return try layers.map { (layer: JSONValue) throws(InputError) in try substitute(layer, values, fields) }
    }

    private func substitute(_ value: JSONValue, _ values: [String: JSONValue], _ fields: LayerFields) throws(InputError) -> JSONValue {
        switch value {
        case .string(let text) where text.hasPrefix("$"):
            guard let replacement = values[text] else {
                throw fields.error("block \"\(name)\" uses \(text), which is not one of its params (\(parameters.map(\.name).joined(separator: ", ")))", field: "block")
            }
            return replacement
        case .array(let elements):
            return .array(try elements.map { (element: JSONValue) throws(InputError) in try substitute(element, values, fields) })
        case .object(var object):
            for (offset, entry) in object.entries.enumerated() {
                object.entries[offset].value = try substitute(entry.value, values, fields)
            }
            return .object(object)
        default:
            return value
        }
    }
}

extension SpecExpander {
    /// How deep user blocks may nest: each level is a frame of expansion, and a chain of
    /// thousands of blocks each using the next would exhaust the stack.
    static let maximumBlockNesting = 32

    /// Expands one instance of a user block named `name` reading `inputs`; returns its output.
    mutating func expandUserBlock(_ block: UserBlock, _ fields: inout LayerFields, _ name: String, _ inputs: [Int]) throws(InputError) -> Int {
        guard inputs.count == block.inputs.count else {
            throw fields.error("block \"\(block.name)\" reads \(block.inputs.count) input\(block.inputs.count == 1 ? "" : "s") (\(block.inputs.joined(separator: ", "))), got \(inputs.count)", field: "inputs")
        }
        guard !blockPath.contains(block.name) else {
            throw fields.error("block \"\(block.name)\" uses itself: \((blockPath + [block.name]).joined(separator: " → "))", field: "block")
        }
        guard blockPath.count < Self.maximumBlockNesting else {
            throw fields.error("blocks nest more than \(Self.maximumBlockNesting) deep: \(blockPath.prefix(3).joined(separator: " → ")) → … → \(block.name)", field: "block")
        }
        let entries = try block.substituted(&fields)
        // The graph moves into the inner expander and back, never copied: a copy per
        // instance made a stage table of N blocks cost N² (30 minutes at 250,000 layers).
        var inner = SpecExpander(builder: GraphBuilder(name: builder.name, limits: builder.limits), context: context)
        inner.blockPath = blockPath + [block.name]
        swap(&inner.builder, &builder)
        defer { swap(&inner.builder, &builder) }
        return try inner.expandBlockBody(entries, prefix: name + ".", inputs: Array(zip(block.inputs, inputs)))
    }
}
