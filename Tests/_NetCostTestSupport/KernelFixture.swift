import Foundation
import NetCost

/// One PyTorch fixture of `Tests/Fixtures/kernels` (copied from shared/fixtures/kernels):
/// a torch module's op and attributes, its inputs, parameters and output, and torch's
/// FlopCounterMode total.
///
/// The one mapping from fixtures to netcost ops: the symbolic tests (shapes, counts)
/// and the executor's tests (values) both build their op with `operation()`, which
/// turns the fixture into a spec layer and decodes it through the op table.
public struct KernelFixture: Sendable {
    /// A tensor as the fixture stores it, batch axis first.
    public struct FixtureTensor: Sendable {
        public let shape: [Int]
        public let data: [Float]
    }

    public let name: String
    /// torch's name for the op: `conv2d`, `batchnorm2d`, `maxpool2d`.
    public let op: String
    public let attrs: JSONObject
    public let inputs: [FixtureTensor]
    /// By torch's names: `weight`, `bias`, `running_mean`, `running_var`.
    public let params: [String: FixtureTensor]
    public let output: FixtureTensor
    public let torchFlops: Int

    public static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/kernels")

    /// Every fixture's name, sorted (`index.json` is a listing, not a fixture).
    public static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".json") && $0 != "index.json" }.map { String($0.dropLast(5)) }.sorted()
    }

    public init(name: String) throws {
        let data = try Data(contentsOf: Self.directory.appendingPathComponent(name + ".json"))
        guard case .object(let object) = try JSONParser.parse([UInt8](data)) else { throw KernelFixtureError(name, "is not an object") }
        func tensor(_ value: JSONValue?) throws -> FixtureTensor {
            guard case .object(let tensor)? = value, case .array(let shape)? = tensor["shape"], case .array(let data)? = tensor["data"] else {
                throw KernelFixtureError(name, "has a tensor without shape or data")
            }
            return FixtureTensor(shape: shape.compactMap(\.number).map(Int.init), data: data.compactMap(\.number).map(Float.init))
        }
        guard case .string(let op)? = object["op"], case .object(let attrs)? = object["attrs"],
              case .integer(let flops)? = object["torch_flopcounter_flops"], case .array(let inputs)? = object["inputs"] else {
            throw KernelFixtureError(name, "lacks op, attrs, inputs or torch_flopcounter_flops")
        }
        self.name = name
        self.op = op
        self.attrs = attrs
        self.inputs = try inputs.map(tensor)
        var params: [String: FixtureTensor] = [:]
        for (key, value) in object["params"]?.objectValue?.entries ?? [] { params[key] = try tensor(value) }
        self.params = params
        self.output = try tensor(object["output"])
        self.torchFlops = flops
    }

    public var batch: Int { inputs[0].shape[0] }

    /// The inputs' whole shapes, batch first, as netcost's graph holds them.
    public func inputShapes() throws -> [TensorShape] { try inputs.map { try TensorShape($0.shape, batchAxis: 0) } }

    // MARK: The mapping to netcost

    /// torch's op names that the op table spells differently.
    static let opNames = ["batchnorm2d": "batchnorm", "maxpool2d": "maxpool", "avgpool2d": "avgpool",
                          "adaptive_avgpool2d": "adaptive_avgpool", "adaptive_maxpool2d": "adaptive_maxpool"]
    /// torch's attribute names that the spec spells differently.
    static let fieldNames = ["out_channels": "out", "out_features": "out", "num_groups": "groups",
                             "negative_slope": "slope", "output_index": "index", "start_axis": "start"]
    /// Attributes a spec does not take: sizes the input shape gives, eps, comments.
    static let ignoredAttributes: Set = ["in_channels", "in_features", "num_features", "num_channels", "eps", "note"]
    /// Axis attributes (one axis or a list): torch's count the batch as axis 0, a spec's
    /// count from the sample's first; negative axes count from the end in both.
    static let axisAttributes: Set = ["axis", "start_axis", "axes"]

    /// The fixture as one layer of a spec: the op table's name and the layer's fields.
    public var specLayer: (op: String, fields: JSONObject) {
        var fields = JSONObject()
        for (key, value) in attrs.entries where !Self.ignoredAttributes.contains(key) {
            var value = value
            if Self.axisAttributes.contains(key) {
                if case .integer(let axis) = value { value = .integer(axis < 0 ? axis : axis - 1) }
                if case .array(let axes) = value {
                    value = .array(axes.map { if case .integer(let axis) = $0 { .integer(axis < 0 ? axis : axis - 1) } else { $0 } })
                }
            }
            fields[Self.fieldNames[key] ?? key] = value
        }
        return (Self.opNames[op] ?? op, fields)
    }

    /// The netcost operation: the spec layer decoded by the op table on `inputShapes()`;
    /// a field the decoder does not read is an error, as in a spec.
    public func operation() throws -> NetCost.Operation {
        let (opName, fields) = specLayer
        guard let entry = OpTable.byName[opName] else { throw KernelFixtureError(name, "maps to \"\(opName)\", which the op table lacks") }
        var reader = LayerFields(fields, layer: name, context: SpecContext())
        let operation = try entry.decode(&reader, try inputShapes())
        try reader.finish()
        return operation
    }

    /// The op on graph inputs `x0`, `x1`, … of `inputShapes()`; the op is the last layer,
    /// named after the fixture.
    public func graph() throws -> Graph {
        var builder = GraphBuilder(name: name)
        var inputs: [Int] = []
        for (position, shape) in try inputShapes().enumerated() {
            inputs.append(try builder.addInput(name: "x\(position)", shape: shape))
        }
        try builder.add(name: name, operation: try operation(), inputs: inputs)
        return builder.build()
    }

    /// The fixture's parameters in the order and roles of the op's `parameterShapes`
    /// (a norm's scale and shift are torch's `weight` and `bias`). Throws when the op's
    /// stored tensors and torch's differ in number or dims.
    public func parameters() throws -> [(role: ParameterRole, tensor: FixtureTensor)] {
        let shapes = try operation().rules.parameterShapes(try inputShapes())
        guard shapes.count == params.count else {
            throw KernelFixtureError(name, "stores \(params.count) tensors in torch, \(shapes.count) in netcost")
        }
        return try shapes.map { shape in
            guard let tensor = params[Self.torchName(shape.role)], tensor.shape == shape.dims else {
                throw KernelFixtureError(name, "has no torch tensor \(Self.torchName(shape.role)) of dims \(shape.dims)")
            }
            return (shape.role, tensor)
        }
    }

    /// The name torch's state dict gives a stored tensor.
    static func torchName(_ role: ParameterRole) -> String {
        switch role {
        case .weight, .scale: "weight"
        case .bias, .shift: "bias"
        case .runningMean: "running_mean"
        case .runningVariance: "running_var"
        case .recurrentWeight: "weight_hh"
        case .recurrentBias: "bias_hh"
        }
    }
}

public struct KernelFixtureError: Error, CustomStringConvertible {
    public let description: String

    init(_ fixture: String, _ problem: String) {
        description = "fixture \(fixture) \(problem)"
    }
}

extension JSONValue {
    /// The value of a JSON number, whole or not.
    var number: Double? {
        switch self {
        case .integer(let integer): Double(integer)
        case .number(let number): number
        default: nil
        }
    }
}
