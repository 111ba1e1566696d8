/// A `.tflite` (LiteRT) model as netcost reads it: subgraph 0's tensors and operators,
/// decoded from the mapped file by `FlatBufferReader`. Weights are not copied: a tensor
/// knows its buffer's size, never its bytes. Field numbers follow TensorFlow Lite's
/// schema.fbs (version 3).
public struct TFLiteModel: Sendable {
    /// A tensor's element type (schema.fbs `TensorType`), with its size in bytes.
    public enum ElementType: Int, Sendable, CaseIterable {
        case float32 = 0, float16, int32, uint8, int64, string, bool, int16, complex64, int8, float64, complex128, uint64,
             resource, variant, uint32, uint16, int4, bfloat16

        /// Bits per element; int4 packs two to a byte (rounded up per tensor), strings and
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

        /// The schema's name in lower case: `int8`, `float32`.
        public var name: String { "\(self)" }
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
        /// The values of a small integer constant (an axis list, paddings, a permutation):
        /// the only data netcost reads from the file.
        public let values: [Int]?

        /// A constant: its values are in the file.
        public var isConstant: Bool { storedBytes > 0 }

        /// Pinned at the largest Int when the dimensions' product passes it.
        public var elements: Int {
            shape.reduce(1) { (product: Int, dimension: Int) in product.saturatingTimes(max(dimension, 0)) }
        }

        /// The tensor's bytes at its element type.
        public var bytes: Int {
            let (bits, overflow) = elements.multipliedReportingOverflow(by: type.bits)
            return overflow ? Int.max : bits.saturatingPlus(7) / 8
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
        /// The builtin options the mapping reads, decoded by the op's own table.
        public let options: Options

        /// `CONV_2D`, or `CUSTOM:name`.
        public var name: String {
            if let builtin { return TFLiteBuiltin.name(builtin) }
            return "CUSTOM:" + (customName ?? "?")
        }
    }

    /// The builtin options of the ops netcost maps (schema.fbs `Conv2DOptions`,
    /// `DepthwiseConv2DOptions`, `Pool2DOptions`, `FullyConnectedOptions`, ...); absent
    /// fields keep the schema's defaults.
    public struct Options: Sendable {
        /// SAME (0) or VALID (1).
        public var padding = 0
        public var strideWidth = 1, strideHeight = 1
        public var dilationWidth = 1, dilationHeight = 1
        public var filterWidth = 1, filterHeight = 1
        public var depthMultiplier = 1
        /// NONE 0, RELU 1, RELU_N1_TO_1 2, RELU6 3, TANH 4, SIGN_BIT 5.
        public var activation = 0
        public var axis = 0
        /// GATHER's leading axes shared by the data and the indices.
        public var batchDims = 0
        public var keepDims = false
        public var keepNumDims = false
        /// A strided slice's masks: bit i set takes axis i's begin (or end) as the whole axis.
        public var beginMask = 0, endMask = 0
        /// STRIDED_SLICE's axes dropped after the cut (`shrink_axis_mask`), and the masks
        /// netcost does not map (`ellipsis_mask`, `new_axis_mask`, `offset`).
        public var shrinkAxisMask = 0
        public var hasUnmappedSliceMasks = false
        /// Resizing's sampling grid.
        public var alignCorners = false, halfPixelCenters = false
        /// A leaky ReLU's slope for negative inputs.
        public var alpha: Double = 0.2
        /// SPLIT's and SPLIT_V's number of outputs.
        public var splits = 1

        init() {}

        init(_ name: String, _ table: FlatBufferReader.Table?, _ reader: FlatBufferReader) throws(FlatBufferError) {
            guard let table else { return }
            func int(_ id: Int, _ value: Int) throws(FlatBufferError) -> Int { Int(try reader.int32(table, id, default: Int32(clamping: value))) }
            func byte(_ id: Int) throws(FlatBufferError) -> Int { Int(try reader.int8(table, id)) }
            switch name {
            case "CONV_2D":
                padding = try byte(0); strideWidth = try int(1, 1); strideHeight = try int(2, 1); activation = try byte(3)
                dilationWidth = try int(4, 1); dilationHeight = try int(5, 1)
            case "DEPTHWISE_CONV_2D":
                padding = try byte(0); strideWidth = try int(1, 1); strideHeight = try int(2, 1); depthMultiplier = try int(3, 1)
                activation = try byte(4); dilationWidth = try int(5, 1); dilationHeight = try int(6, 1)
            case "AVERAGE_POOL_2D", "MAX_POOL_2D":
                padding = try byte(0); strideWidth = try int(1, 1); strideHeight = try int(2, 1)
                filterWidth = try int(3, 1); filterHeight = try int(4, 1); activation = try byte(5)
            case "FULLY_CONNECTED":
                activation = try byte(0); keepNumDims = try reader.bool(table, 2)
            case "ADD", "SUB", "MUL", "DIV":
                activation = try byte(0)
            case "CONCATENATION":
                axis = try int(0, 0); activation = try byte(1)
            case "MEAN", "SUM", "REDUCE_MAX", "REDUCE_MIN":
                keepDims = try reader.bool(table, 0)
            case "STRIDED_SLICE":
                beginMask = try int(0, 0); endMask = try int(1, 0); shrinkAxisMask = try int(4, 0)
                let ellipsis = try int(2, 0), newAxis = try int(3, 0), offset = try reader.bool(table, 5)
                hasUnmappedSliceMasks = ellipsis != 0 || newAxis != 0 || offset
            case "PACK":
                axis = try int(1, 0)
            case "GATHER":
                axis = try int(0, 0); batchDims = try int(1, 0)
            case "RESIZE_BILINEAR":
                alignCorners = try reader.bool(table, 2); halfPixelCenters = try reader.bool(table, 3)
            case "RESIZE_NEAREST_NEIGHBOR":
                alignCorners = try reader.bool(table, 0); halfPixelCenters = try reader.bool(table, 1)
            case "LEAKY_RELU":
                // Through its shortest decimal: 0.1 as a float reads 0.1, not 0.10000000149.
                alpha = Double("\(try reader.float32(table, 0, default: 0.2))") ?? 0.2
            case "SPLIT", "SPLIT_V":
                splits = try int(0, 1)
            case "TRANSPOSE_CONV":
                padding = try byte(0); strideWidth = try int(1, 1); strideHeight = try int(2, 1); activation = try byte(3)
            default:
                break
            }
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
        var bufferSizes: [Int] = [], bufferStarts: [Int?] = []
        for buffer in try reader.tables(model, 4, name: "Buffer") {
            let inline = try reader.vector(buffer, 0, elementSize: 1)
            let outside = try reader.uint64(buffer, 2)
            bufferSizes.append((inline?.count ?? 0) > 0 ? inline?.count ?? 0 : Int(clamping: outside))
            // Values are read only from data inside the flatbuffer.
            bufferStarts.append((inline?.count ?? 0) > 0 ? inline?.start : nil)
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
            let stored = buffer > 0 && buffer < bufferSizes.count ? bufferSizes[buffer] : 0
            var values: [Int]?
            if stored > 0, let start = bufferStarts[buffer], type == .int32 || type == .int64 {
                let width = type == .int32 ? 4 : 8, count = stored / width
                if count <= 256 {
                    values = []
                    for position in 0..<count {
                        let at = start + position * width
                        values?.append(type == .int32 ? Int(try reader.int32(at: at)) : Int(truncatingIfNeeded: try reader.uint64(at: at)))
                    }
                }
            }
            tensors.append(Tensor(index: index, name: try reader.string(tensor, 3) ?? "tensor \(index)", shape: shape, type: type,
                                  storedBytes: stored,
                                  isVariable: try reader.bool(tensor, 5),
                                  scaleCount: try reader.subtable(tensor, 4, name: "tensor \(index)'s quantization")
                                    .map { (quantization: FlatBufferReader.Table) throws(FlatBufferError) in
                                        try reader.vector(quantization, 2, elementSize: 4)?.count ?? 0 } ?? 0,
                                  values: values))
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
            let name = code.builtin.map(TFLiteBuiltin.name) ?? "CUSTOM"
            let options = try Options(name, try reader.subtable(op, 4, name: "operator \(index)'s options"), reader)
            operators.append(Operator(index: index, builtin: code.builtin, customName: code.custom, version: code.version,
                                      inputs: try checked(try reader.int32s(op, 1), "operator \(index)'s inputs", at: op.position),
                                      outputs: try checked(try reader.int32s(op, 2), "operator \(index)'s outputs", at: op.position),
                                      options: options))
        }
        self.operators = operators
    }
}

extension TFLiteModel {
    /// The constant tensors' elements and bytes per element type, largest first.
    public var constantsByType: [(type: ElementType, elements: Int, bytes: Int)] {
        var totals: [ElementType: (Int, Int)] = [:]
        for tensor in tensors where tensor.isConstant {
            let sum = totals[tensor.type] ?? (0, 0)
            totals[tensor.type] = (sum.0.saturatingPlus(tensor.elements), sum.1.saturatingPlus(tensor.storedBytes))
        }
        return totals.map { ($0.key, $0.value.0, $0.value.1) }.sorted { $0.bytes > $1.bytes }
    }

    /// Bytes of every constant tensor's data in the file: the stored model's size.
    public var constantBytes: Int { constantsByType.reduce(0) { $0.saturatingPlus($1.bytes) } }

    /// The report's element type for the activations: int8 when they are 8-bit integers,
    /// fp16 when half floats, fp32 otherwise.
    public var activationDataType: DataType {
        let types = Set(tensors.filter { !$0.isConstant }.map(\.type))
        if types.isSubset(of: [.int8, .uint8, .int32]) && !types.isDisjoint(with: [.int8, .uint8]) { return .int8 }
        if types.contains(.float16) && !types.contains(.float32) { return .fp16 }
        return .fp32
    }

    /// `int8 208,112 (208,112 bytes), int32 2,740 (10,960 bytes)`: elements, then bytes.
    public var constantSummary: String {
        let parts = constantsByType.map { "\($0.type.name) \(NumberFormat.grouped($0.elements)) (\(NumberFormat.grouped($0.bytes)) bytes)" }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }
}
