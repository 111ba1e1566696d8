/// A `.tflite` (LiteRT) model as netcost reads it: subgraph 0's tensors and operators,
/// decoded from the mapped file by `FlatBufferReader`. Weights are not copied: a tensor
/// knows its buffer's size, never its bytes. Field numbers follow TensorFlow Lite's
/// schema.fbs (version 3).
public struct TFLiteModel: Sendable {
    /// A tensor's element type (schema.fbs `TensorType`), with its size in bytes.
    public enum ElementType: Int, Sendable, CaseIterable {
        case float32 = 0, float16, int32, uint8, int64, string, bool, int16, complex64, int8, float64, complex128, uint64,
             resource, variant, uint32, uint16, int4, bfloat16

        /// Bytes per element; int4 packs two to a byte (rounded up per tensor), strings and
        /// handles have no fixed size (0).
        public var bits: Int {
            switch self {
            case .bool, .int8, .uint8: 8
            case .float16, .int16, .uint16, .bfloat16: 16
            case .float32, .int32, .uint32: 32
            case .int64, .uint64, .float64, .complex64: 64
            case .complex128: 128
            case .int4: 4
            case .string, .resource, .variant: 0
            }
        }

        public var name: String {
            switch self {
            case .float32: "float32"
            case .float16: "float16"
            case .int32: "int32"
            case .uint8: "uint8"
            case .int64: "int64"
            case .string: "string"
            case .bool: "bool"
            case .int16: "int16"
            case .complex64: "complex64"
            case .int8: "int8"
            case .float64: "float64"
            case .complex128: "complex128"
            case .uint64: "uint64"
            case .resource: "resource"
            case .variant: "variant"
            case .uint32: "uint32"
            case .uint16: "uint16"
            case .int4: "int4"
            case .bfloat16: "bfloat16"
            }
        }
    }

    public struct Tensor: Sendable {
        public let index: Int
        public let name: String
        public let shape: [Int]
        public let type: ElementType
        /// Bytes of the data stored with the tensor in the file (0 for activations).
        public let storedBytes: Int
        public let isVariable: Bool
        /// Quantization scales: 0 for a float tensor, 1 per tensor, one per channel.
        public let scaleCount: Int

        /// A constant: its values are in the file.
        public var isConstant: Bool { storedBytes > 0 }

        public var elements: Int {
            shape.reduce(1) { (product: Int, dimension: Int) in product.multipliedReportingOverflow(by: max(dimension, 0)).partialValue }
        }

        /// The tensor's bytes at its element type.
        public var bytes: Int {
            let (bits, overflow) = elements.multipliedReportingOverflow(by: type.bits)
            return overflow ? Int.max : (bits + 7) / 8
        }
    }

    public struct Operator: Sendable {
        public let index: Int
        /// The builtin operator's number (schema.fbs `BuiltinOperator`), or nil for a custom op.
        public let builtin: Int?
        /// The custom op's name, for a custom op.
        public let customName: String?
        public let version: Int
        /// Tensor indices; -1 is an absent optional input (a fully connected layer without bias).
        public let inputs: [Int]
        public let outputs: [Int]
        /// The builtin options table's position, read by the op's mapping.
        let options: FlatBufferReader.Table?

        /// `CONV_2D`, or `CUSTOM:name`.
        public var name: String {
            if let builtin { return TFLiteBuiltin.name(builtin) }
            return "CUSTOM:" + (customName ?? "?")
        }
    }

    public let version: Int
    public let description: String?
    public let tensors: [Tensor]
    public let operators: [Operator]
    public let inputs: [Int]
    public let outputs: [Int]
    public let subgraphCount: Int
    public let fileBytes: Int

    /// Decodes subgraph 0 of the flatbuffer in `bytes` (the whole file).
    init(_ bytes: UnsafeRawBufferPointer) throws(FlatBufferError) {
        let reader = FlatBufferReader(bytes)
        fileBytes = bytes.count
        guard bytes.count >= 8 else { throw reader.error("the file has \(bytes.count) bytes: too short for a flatbuffer", at: 0) }
        let model = try reader.root(name: "Model")
        version = Int(try reader.int32(model, 0))
        description = try reader.string(model, 3)
        // Buffer sizes: `data` inline, or `offset`/`size` past the flatbuffer (large models).
        var bufferSizes: [Int] = []
        for buffer in try reader.tables(model, 4, name: "Buffer") {
            let inline = try reader.vector(buffer, 0, elementSize: 1)?.count ?? 0
            let outside = try reader.uint64(buffer, 2)
            bufferSizes.append(inline > 0 ? inline : Int(clamping: outside))
        }
        var codes: [(builtin: Int?, custom: String?, version: Int)] = []
        for code in try reader.tables(model, 1, name: "OperatorCode") {
            // The one-byte code stops at 127 (PLACEHOLDER_FOR_GREATER_OP_CODES); the wider
            // field holds the rest. Files written before it have only the byte.
            let deprecated = Int(try reader.int8(code, 0))
            let wide = Int(try reader.int32(code, 3))
            let builtin = max(deprecated, wide)
            let custom = try reader.string(code, 1)
            codes.append((builtin == TFLiteBuiltin.custom ? nil : builtin, custom, Int(try reader.int32(code, 2, default: 1))))
        }
        let subgraphs = try reader.tables(model, 2, name: "SubGraph")
        subgraphCount = subgraphs.count
        guard let subgraph = subgraphs.first else { throw reader.error("the model has no subgraph", at: model.position) }
        var tensors: [Tensor] = []
        for (index, tensor) in try reader.tables(subgraph, 0, name: "Tensor").enumerated() {
            let typeNumber = Int(try reader.int8(tensor, 1))
            guard let type = ElementType(rawValue: typeNumber) else {
                throw reader.error("tensor \(index) has the element type \(typeNumber), which schema.fbs does not define", at: tensor.position)
            }
            let buffer = Int(try reader.int32(tensor, 2))
            let shape = try reader.int32s(tensor, 0).map(Int.init)
            tensors.append(Tensor(index: index, name: try reader.string(tensor, 3) ?? "tensor \(index)", shape: shape, type: type,
                                  storedBytes: buffer > 0 && buffer < bufferSizes.count ? bufferSizes[buffer] : 0,
                                  isVariable: try reader.bool(tensor, 5),
                                  scaleCount: try reader.subtable(tensor, 4, name: "tensor \(index)'s quantization")
                                    .map { (quantization: FlatBufferReader.Table) throws(FlatBufferError) in
                                        try reader.vector(quantization, 2, elementSize: 4)?.count ?? 0 } ?? 0))
        }
        self.tensors = tensors
        func checked(_ indices: [Int32], _ what: String, at position: Int) throws(FlatBufferError) -> [Int] {
            for index in indices where index < -1 || Int(index) >= tensors.count {
                throw reader.error("\(what) names tensor \(index), but the subgraph has \(tensors.count)", at: position)
            }
            return indices.map(Int.init)
        }
        inputs = try checked(try reader.int32s(subgraph, 1), "the subgraph's inputs", at: subgraph.position)
        outputs = try checked(try reader.int32s(subgraph, 2), "the subgraph's outputs", at: subgraph.position)
        var operators: [Operator] = []
        for (index, op) in try reader.tables(subgraph, 3, name: "Operator").enumerated() {
            let codeIndex = Int(try reader.int32(op, 0))
            guard codeIndex >= 0, codeIndex < codes.count else {
                throw reader.error("operator \(index) uses operator code \(codeIndex), but the model has \(codes.count)", at: op.position)
            }
            let code = codes[codeIndex]
            operators.append(Operator(index: index, builtin: code.builtin, customName: code.custom, version: code.version,
                                      inputs: try checked(try reader.int32s(op, 1), "operator \(index)'s inputs", at: op.position),
                                      outputs: try checked(try reader.int32s(op, 2), "operator \(index)'s outputs", at: op.position),
                                      options: try reader.subtable(op, 4, name: "operator \(index)'s options")))
        }
        self.operators = operators
    }
}
