/// One node being imported: its attributes, read with validation, and the layer name
/// it takes. Every value that becomes a size is range-checked here, so the op rules
/// downstream never see a size that could overflow their arithmetic.
struct ONNXNodeContext {
    let node: ONNXNode
    let index: Int
    /// The layer name derived from the node's name (see `ONNXLayerNames`), before it is made unique.
    let name: String
    /// The opset of the default domain.
    let opset: Int

    /// The largest kernel, stride, dilation or padding netcost accepts from a file.
    static let maximumWindow = 1 << 20

    var opType: String { node.opType }

    /// An error about this node, naming the attribute or input at fault.
    func error(_ message: String, field: String? = nil) -> InputError {
        let label = node.name.isEmpty ? "" : " \"\(node.name)\""
        return InputError("\(node.opType) node\(label): \(message)", layer: name, field: field)
    }

    // MARK: Attributes

    func has(_ attribute: String) -> Bool { node.attribute(attribute) != nil }

    func int(_ attribute: String, default value: Int) throws(InputError) -> Int {
        guard let found = node.attribute(attribute) else { return value }
        guard let int = found.int else { throw error("expected an integer", field: attribute) }
        return int
    }

    func float(_ attribute: String, default value: Double) throws(InputError) -> Double {
        guard let found = node.attribute(attribute) else { return value }
        if let float = found.float { return float }
        if let int = found.int { return Double(int) }
        throw error("expected a number", field: attribute)
    }

    func string(_ attribute: String, default value: String) throws(InputError) -> String {
        guard let found = node.attribute(attribute) else { return value }
        guard let string = found.string else { throw error("expected a string", field: attribute) }
        return string
    }

    /// An `ints` attribute, or nil when absent.
    func ints(_ attribute: String) throws(InputError) -> [Int]? {
        guard let found = node.attribute(attribute) else { return nil }
        if found.ints.isEmpty, let single = found.int { return [single] }
        return found.ints
    }

    func floats(_ attribute: String) -> [Double]? {
        guard let found = node.attribute(attribute) else { return nil }
        if found.floats.isEmpty, let single = found.float { return [single] }
        return found.floats
    }

    /// A `0`/`1` flag.
    func flag(_ attribute: String, default value: Bool) throws(InputError) -> Bool {
        try int(attribute, default: value ? 1 : 0) != 0
    }

    /// A window size (kernel, stride, dilation) in `minimum...maximumWindow`.
    func window(_ value: Int, field: String, minimum: Int = 1) throws(InputError) -> Int {
        guard value >= minimum, value <= Self.maximumWindow else {
            throw error("\(value) is out of range \(minimum)...\(Self.maximumWindow)", field: field)
        }
        return value
    }

    /// A per-axis `ints` attribute of `count` window sizes, or `fallback` when absent;
    /// either way each value is range-checked.
    func windows(_ attribute: String, count: Int, minimum: Int = 1, fallback: [Int]) throws(InputError) -> [Int] {
        let values = try ints(attribute) ?? fallback
        guard values.count == count || (values.isEmpty && fallback.isEmpty) else {
            throw error("has \(values.count) entries for \(count) spatial axes", field: attribute)
        }
        var checked: [Int] = []
        for value in values { checked.append(try window(value, field: attribute, minimum: minimum)) }
        return checked
    }

    /// A channel or feature count in `1...LayerFields.maximumSize`.
    func size(_ value: Int, field: String) throws(InputError) -> Int {
        guard value >= 1, value <= LayerFields.maximumSize else {
            throw error("size \(value) is out of range 1...\(LayerFields.maximumSize)", field: field)
        }
        return value
    }

    /// The dims of an axis-list argument (`axes`), resolved against `rank`.
    func resolveAxes(_ axes: [Int], rank: Int, field: String) throws(InputError) -> [Int] {
        var resolved: [Int] = []
        for axis in axes {
            let value = axis < 0 ? axis + rank : axis
            guard value >= 0, value < rank else {
                throw error("axis \(axis) is out of range for rank \(rank)", field: field)
            }
            guard !resolved.contains(value) else { throw error("axis \(axis) appears twice", field: field) }
            resolved.append(value)
        }
        return resolved
    }

    /// The axes a Squeeze removes from `dims`, in the node's own order: `axes` resolved,
    /// or every axis of size 1 when the node names none. An axis not of size 1 is an
    /// error naming the first such axis the node lists, so the message is the same on
    /// every run (an array, not a `Set`, whose order changes from process to process).
    func squeezedAxes(_ axes: [Int]?, of dims: [Int]) throws(InputError) -> [Int] {
        let resolved = try resolveAxes(axes ?? dims.indices.filter { dims[$0] == 1 }, rank: dims.count, field: "axes")
        if let bad = resolved.first(where: { dims[$0] != 1 }) {
            throw error("axis \(bad) of \(TensorShape.format(dims)) has size \(dims[bad]), not 1", field: "axes")
        }
        return resolved
    }

    /// One axis resolved against `rank`.
    func resolveAxis(_ axis: Int, rank: Int, field: String = "axis") throws(InputError) -> Int {
        try resolveAxes([axis], rank: rank, field: field)[0]
    }
}
