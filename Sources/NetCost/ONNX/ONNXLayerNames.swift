/// Turns ONNX node names into dotted hierarchical layer names for the tree report,
/// and keeps them unique.
///
/// - PyTorch's TorchScript exporter names nodes by module scope:
///   `/features/features.0/features.0.0/Conv`. Each scope part repeats its parent's
///   path, so the path is rebuilt from the new tail of each part: `features.0.0.conv`.
/// - PyTorch's dynamo exporter records the scopes in the node's metadata,
///   `pkg.torch.onnx.name_scopes = ['', 'features', 'features.0', 'conv2d']`:
///   the last module path and the node's own name give `features.0.conv2d`.
/// - Other names are kept; unnamed nodes take their first output's name.
struct ONNXLayerNames {
    private var used: Set<String> = []
    /// The last suffix tried per base name, so that many nodes of one name stay linear.
    private var lastSuffix: [String: Int] = [:]

    /// `name`, or `name_2`, `name_3`, … when it is taken.
    mutating func unique(_ name: String) -> String {
        let base = name.isEmpty ? "layer" : name
        var candidate = base
        var counter = lastSuffix[base] ?? 1
        while used.contains(candidate) {
            counter += 1
            candidate = "\(base)_\(counter)"
        }
        lastSuffix[base] = counter
        used.insert(candidate)
        return candidate
    }

    /// The dotted name a node's layer takes, before it is made unique.
    static func dotted(_ node: ONNXNode, scopes: String?) -> String {
        if let scopes, let name = fromScopes(scopes) { return name }
        if node.name.hasPrefix("/") { return fromTorchScope(node.name) }
        if !node.name.isEmpty { return node.name }
        if let output = node.outputs.first(where: { !$0.isEmpty }) { return output }
        return node.opType.lowercased()
    }

    /// Whether the node's name is built from module scopes, ending in its op type.
    static func isScoped(_ node: ONNXNode) -> Bool {
        node.name.hasPrefix("/") || (node.scopes.flatMap(fromScopes) != nil)
    }

    /// `/features/features.0/features.0.0/Conv_1` → `features.0.0.conv_1`.
    static func fromTorchScope(_ name: String) -> String {
        let parts = name.split(separator: "/").map(String.init)
        guard let last = parts.last else { return name }
        var segments: [String] = []
        var previous: String?
        for part in parts.dropLast() {
            if let previous, part.hasPrefix(previous + "."), part.count > previous.count + 1 {
                segments.append(String(part.dropFirst(previous.count + 1)))
            } else {
                segments.append(part)
            }
            previous = part
        }
        segments.append(last.lowercased())
        return segments.joined(separator: ".")
    }

    /// `['', 'features', 'features.0', 'conv2d']` → `features.0.conv2d`; nil when
    /// the text holds no quoted names.
    static func fromScopes(_ text: String) -> String? {
        var names: [String] = []
        var current: String?
        var quote: Character = "'"
        for character in text {
            if var open = current {
                if character == quote {
                    names.append(open)
                    current = nil
                } else {
                    open.append(character)
                    current = open
                }
            } else if character == "'" || character == "\"" {
                quote = character
                current = ""
            }
        }
        let nonEmpty = names.filter { !$0.isEmpty }
        guard let own = nonEmpty.last else { return nil }
        guard nonEmpty.count >= 2 else { return own }
        return nonEmpty[nonEmpty.count - 2] + "." + own
    }
}
