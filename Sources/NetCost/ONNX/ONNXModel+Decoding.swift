// Decoders of the ONNX messages from protobuf wire format. Field numbers are those
// of onnx.proto (listed in ../shared/ONNX-FIELDS.md); unknown fields are skipped by
// wire type, so files from newer exporters still read.

/// Bounds on what a file can make the decoder allocate or compute.
enum ONNXLimits {
    /// Integer tensors up to this many elements are decoded (shape constants are tiny).
    static let integerValues = 65_536
    /// Floating-point tensors up to this many elements are decoded (Clip bounds, scales).
    static let floatValues = 64
    /// Entries of an `ints` or `floats` attribute.
    static let attributeValues = 65_536
    /// The rank of any tensor.
    static let rank = 64
    /// Graphs inside graphs (a Loop's body in an If's branch): deeper nests are refused.
    static let subgraphDepth = 8
}

extension ONNXModel {
    static func decode(_ reader: inout ProtobufReader) throws(ProtobufError) -> ONNXModel {
        var model = ONNXModel()
        while let key = try reader.nextKey() {
            switch (key.field, key.wireType) {
            case (1, .varint): model.irVersion = try reader.readInt()
            case (2, .lengthDelimited): model.producerName = try reader.readString()
            case (3, .lengthDelimited): model.producerVersion = try reader.readString()
            case (7, .lengthDelimited):
                var graph = try reader.readMessage("GraphProto")
                model.graph = try ONNXGraph.decode(&graph)
            case (8, .lengthDelimited):
                var opset = try reader.readMessage("OperatorSetIdProto")
                var domain = "", version = 0
                while let inner = try opset.nextKey() {
                    switch (inner.field, inner.wireType) {
                    case (1, .lengthDelimited): domain = try opset.readString()
                    case (2, .varint): version = try opset.readInt()
                    default: try opset.skip(inner.wireType)
                    }
                }
                model.opsets.append((domain, version))
            default: try reader.skip(key.wireType)
            }
        }
        return model
    }
}

extension ONNXGraph {
    /// `depth` counts the graphs around this one: 0 for the model's.
    static func decode(_ reader: inout ProtobufReader, depth: Int = 0) throws(ProtobufError) -> ONNXGraph {
        var graph = ONNXGraph()
        while let key = try reader.nextKey() {
            switch (key.field, key.wireType) {
            case (1, .lengthDelimited):
                var node = try reader.readMessage("NodeProto")
                graph.nodes.append(try ONNXNode.decode(&node, depth: depth))
            case (2, .lengthDelimited): graph.name = try reader.readString()
            case (5, .lengthDelimited):
                var tensor = try reader.readMessage("TensorProto")
                graph.initializers.append(try ONNXTensor.decode(&tensor))
            case (11, .lengthDelimited): graph.inputs.append(try ONNXValueInfo.decode(&reader))
            case (12, .lengthDelimited): graph.outputs.append(try ONNXValueInfo.decode(&reader))
            case (13, .lengthDelimited): graph.valueInfo.append(try ONNXValueInfo.decode(&reader))
            case (15, .lengthDelimited):
                // SparseTensorProto: values = 1, indices = 2, dims = 3. Its dense dims
                // and type are what a shape needs; the stored values are not read.
                var sparse = try reader.readMessage("SparseTensorProto")
                var tensor = ONNXTensor()
                while let inner = try sparse.nextKey() {
                    switch (inner.field, inner.wireType) {
                    case (1, .lengthDelimited):
                        var values = try sparse.readMessage("TensorProto")
                        let decoded = try ONNXTensor.decode(&values)
                        tensor.name = decoded.name
                        tensor.dataType = decoded.dataType
                    case (3, _):
                        guard try sparse.readRepeatedInts(inner.wireType, into: &tensor.dims, limit: ONNXLimits.rank) else {
                            throw sparse.error("a sparse tensor has more than \(ONNXLimits.rank) dims")
                        }
                    default: try sparse.skip(inner.wireType)
                    }
                }
                graph.initializers.append(tensor)
            default: try reader.skip(key.wireType)
            }
        }
        return graph
    }
}

extension ONNXNode {
    static func decode(_ reader: inout ProtobufReader, depth: Int) throws(ProtobufError) -> ONNXNode {
        var node = ONNXNode()
        while let key = try reader.nextKey() {
            switch (key.field, key.wireType) {
            case (1, .lengthDelimited): node.inputs.append(try reader.readString())
            case (2, .lengthDelimited): node.outputs.append(try reader.readString())
            case (3, .lengthDelimited): node.name = try reader.readString()
            case (4, .lengthDelimited): node.opType = try reader.readString()
            case (5, .lengthDelimited):
                var attribute = try reader.readMessage("AttributeProto")
                node.attributes.append(try ONNXAttribute.decode(&attribute, depth: depth))
            case (7, .lengthDelimited): node.domain = try reader.readString()
            case (9, .lengthDelimited):
                // metadata_props: StringStringEntryProto, key = 1, value = 2.
                var entry = try reader.readMessage("StringStringEntryProto")
                var entryKey = "", value = ""
                while let inner = try entry.nextKey() {
                    switch (inner.field, inner.wireType) {
                    case (1, .lengthDelimited): entryKey = try entry.readString()
                    case (2, .lengthDelimited): value = try entry.readString()
                    default: try entry.skip(inner.wireType)
                    }
                }
                if entryKey == "pkg.torch.onnx.name_scopes" { node.scopes = value }
            default: try reader.skip(key.wireType)
            }
        }
        return node
    }
}

extension ONNXAttribute {
    /// `depth`: the graphs around the node this attribute belongs to.
    static func decode(_ reader: inout ProtobufReader, depth: Int) throws(ProtobufError) -> ONNXAttribute {
        var attribute = ONNXAttribute()
        let limit = ONNXLimits.attributeValues
        while let key = try reader.nextKey() {
            switch (key.field, key.wireType) {
            case (1, .lengthDelimited): attribute.name = try reader.readString()
            case (2, .fixed32): attribute.float = Double(Float(bitPattern: try reader.readFixed32()))
            case (3, .varint): attribute.int = try reader.readInt()
            case (4, .lengthDelimited): attribute.string = try reader.readString()
            case (5, .lengthDelimited):
                var tensor = try reader.readMessage("TensorProto")
                attribute.tensor = try ONNXTensor.decode(&tensor)
            case (7, _):
                guard try reader.readRepeatedFloats(key.wireType, into: &attribute.floats, limit: limit) else {
                    throw reader.error("attribute \"\(attribute.name)\" has more than \(limit) floats")
                }
            case (8, _):
                guard try reader.readRepeatedInts(key.wireType, into: &attribute.ints, limit: limit) else {
                    throw reader.error("attribute \"\(attribute.name)\" has more than \(limit) ints")
                }
            case (6, .lengthDelimited):
                guard depth < ONNXLimits.subgraphDepth else {
                    throw reader.error("attribute \"\(attribute.name)\" nests graphs more than \(ONNXLimits.subgraphDepth) deep")
                }
                var graph = try reader.readMessage("GraphProto")
                attribute.graphs = [try ONNXGraph.decode(&graph, depth: depth + 1)]
            case (9, .lengthDelimited):
                guard attribute.strings.count < limit else { throw reader.error("attribute \"\(attribute.name)\" has too many strings") }
                attribute.strings.append(try reader.readString())
            case (20, .varint): attribute.type = try reader.readInt()
            default: try reader.skip(key.wireType)
            }
        }
        return attribute
    }
}

extension ONNXValueInfo {
    /// Decodes the `ValueInfoProto` in the next length-delimited field of `outer`.
    static func decode(_ outer: inout ProtobufReader) throws(ProtobufError) -> ONNXValueInfo {
        var reader = try outer.readMessage("ValueInfoProto")
        var info = ONNXValueInfo()
        while let key = try reader.nextKey() {
            switch (key.field, key.wireType) {
            case (1, .lengthDelimited): info.name = try reader.readString()
            case (2, .lengthDelimited):
                var type = try reader.readMessage("TypeProto")
                while let typeKey = try type.nextKey() {
                    guard typeKey.field == 1, typeKey.wireType == .lengthDelimited else {
                        try type.skip(typeKey.wireType)
                        continue
                    }
                    var tensor = try type.readMessage("TypeProto.Tensor")
                    while let tensorKey = try tensor.nextKey() {
                        switch (tensorKey.field, tensorKey.wireType) {
                        case (1, .varint): info.elementType = try tensor.readInt()
                        case (2, .lengthDelimited): info.shape = try decodeShape(&tensor)
                        default: try tensor.skip(tensorKey.wireType)
                        }
                    }
                }
            default: try reader.skip(key.wireType)
            }
        }
        return info
    }

    /// A `TensorShapeProto`: each dim's value, its symbol (`dim_param`), or unknown
    /// when it has neither or a value below 1.
    private static func decodeShape(_ outer: inout ProtobufReader) throws(ProtobufError) -> [ONNXDimension] {
        var shape = try outer.readMessage("TensorShapeProto")
        var dims: [ONNXDimension] = []
        while let key = try shape.nextKey() {
            guard key.field == 1, key.wireType == .lengthDelimited else {
                try shape.skip(key.wireType)
                continue
            }
            guard dims.count < ONNXLimits.rank else { throw shape.error("a shape has more than \(ONNXLimits.rank) dims") }
            var dimension = try shape.readMessage("TensorShapeProto.Dimension")
            // `dim_value` and `dim_param` are a oneof: the last one read wins.
            var value = ONNXDimension.unknown
            while let dimKey = try dimension.nextKey() {
                switch (dimKey.field, dimKey.wireType) {
                case (1, .varint):
                    let size = try dimension.readInt()
                    value = size > 0 ? .fixed(size) : .unknown
                case (2, .lengthDelimited):
                    let symbol = try dimension.readString()
                    value = symbol.isEmpty ? .unknown : .symbolic(symbol)
                default: try dimension.skip(dimKey.wireType)
                }
            }
            dims.append(value)
        }
        return dims
    }
}
