/// The parts of an ONNX `ModelProto` that netcost reads. Field numbers are in
/// `ONNXModel+Decoding.swift`; everything else in the file is skipped by wire type.
struct ONNXModel {
    var irVersion = 0
    var producerName = ""
    var producerVersion = ""
    /// Operator sets by domain (`""` is the default domain, also spelled `ai.onnx`).
    var opsets: [(domain: String, version: Int)] = []
    var graph = ONNXGraph()

    /// The opset of the default domain, or nil when the file does not import it.
    var defaultOpset: Int? {
        opsets.last(where: { $0.domain.isEmpty || $0.domain == "ai.onnx" })?.version
    }
}

/// A `GraphProto`: nodes in topological order, stored tensors, and the declared
/// inputs, outputs and intermediate value types.
struct ONNXGraph {
    var name = ""
    var nodes: [ONNXNode] = []
    var initializers: [ONNXTensor] = []
    var inputs: [ONNXValueInfo] = []
    var outputs: [ONNXValueInfo] = []
    var valueInfo: [ONNXValueInfo] = []
}

/// A `NodeProto`: one operator application. An empty input name is an omitted
/// optional input.
struct ONNXNode {
    var inputs: [String] = []
    var outputs: [String] = []
    var name = ""
    var opType = ""
    var domain = ""
    var attributes: [ONNXAttribute] = []
    /// PyTorch's module scopes from the node's metadata (`pkg.torch.onnx.name_scopes`), if any.
    var scopes: String?

    /// The op type with its domain when that is not the default one: `com.microsoft.FusedConv`.
    var qualifiedOpType: String {
        domain.isEmpty || domain == "ai.onnx" ? opType : domain + "." + opType
    }

    func attribute(_ name: String) -> ONNXAttribute? {
        attributes.last(where: { $0.name == name })
    }

    /// The input at `index`, or nil when it is absent or given as the empty name.
    func input(_ index: Int) -> String? {
        guard inputs.indices.contains(index), !inputs[index].isEmpty else { return nil }
        return inputs[index]
    }
}

/// An `AttributeProto`. Only the value fields netcost reads are kept, the bodies of
/// If, Loop and Scan (`g`) among them.
struct ONNXAttribute {
    var name = ""
    var type = 0
    var float: Double?
    var int: Int?
    var string: String?
    var tensor: ONNXTensor?
    var floats: [Double] = []
    var ints: [Int] = []
    var strings: [String] = []
    /// A graph-valued attribute's graph (kept in an array: a value cannot hold its own type).
    var graphs: [ONNXGraph] = []

    var graph: ONNXGraph? { graphs.first }
}

/// A `TensorProto` without its payload: name, element type and dims, plus the
/// values of small tensors (integers that feed shape computations, scalar float
/// constants). Weight payloads are stepped over, never read.
struct ONNXTensor {
    var name = ""
    var dims: [Int] = []
    var dataType = 0
    /// 1 when the payload lives in a side file (`data_location = EXTERNAL`).
    var dataLocation = 0
    /// Where in the side file (`external_data`'s location, offset and length).
    var external: (location: String, offset: Int, length: Int?)?
    /// The decoded values, when the tensor is small and its payload is in the file.
    var values: TensorValues?
    /// Whether the file holds any payload for it.
    var hasData = false

    /// Elements, the product of `dims`; nil if it overflows.
    var elements: Int? { try? product(of: dims) }

    var isFloatingPoint: Bool { ONNXDataType.isFloatingPoint(dataType) }
}

/// The values of a small tensor, in row-major order.
enum TensorValues: Equatable {
    case integers([Int])
    case floats([Double])

    var count: Int {
        switch self {
        case .integers(let values): values.count
        case .floats(let values): values.count
        }
    }
}

/// A `ValueInfoProto` of tensor type: the name, element type and shape. `shape` is
/// nil when the rank is unknown.
struct ONNXValueInfo {
    var name = ""
    var elementType = 0
    var shape: [ONNXDimension]?

    /// The dims, each nil when symbolic (`dim_param`) or absent.
    var dims: [Int?]? { shape?.map(\.size) }
}

/// ONNX's `TensorProto.DataType` codes that netcost distinguishes.
enum ONNXDataType {
    static let float = 1, uint8 = 2, int8 = 3, uint16 = 4, int16 = 5, int32 = 6, int64 = 7
    static let string = 8, bool = 9, float16 = 10, double = 11, uint32 = 12, uint64 = 13, bfloat16 = 16

    /// Floating-point types, whose initializers count as parameters (float8 variants included).
    static func isFloatingPoint(_ code: Int) -> Bool {
        [float, float16, double, bfloat16, 17, 18, 19, 20, 23].contains(code)
    }

    static func isInteger(_ code: Int) -> Bool {
        [uint8, int8, uint16, int16, int32, int64, bool, uint32, uint64].contains(code)
    }

    /// Bits per element in `raw_data`, or nil for types without a fixed width (strings, unknown codes).
    static func bitsPerElement(_ code: Int) -> Int? {
        switch code {
        case uint8, int8, bool, 17, 18, 19, 20: 8
        case uint16, int16, float16, bfloat16: 16
        case float, int32, uint32: 32
        case int64, double, uint64, 14: 64
        case 15: 128
        case 21, 22, 23: 4
        default: nil
        }
    }

    static func name(_ code: Int) -> String {
        let names = [1: "FLOAT", 2: "UINT8", 3: "INT8", 4: "UINT16", 5: "INT16", 6: "INT32", 7: "INT64", 8: "STRING",
                     9: "BOOL", 10: "FLOAT16", 11: "DOUBLE", 12: "UINT32", 13: "UINT64", 16: "BFLOAT16"]
        return names[code] ?? "type \(code)"
    }
}
