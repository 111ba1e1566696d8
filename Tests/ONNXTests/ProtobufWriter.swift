import NetCost

/// A minimal protobuf encoder for building test files byte by byte: hostile values
/// the Python generator cannot write, and models with huge payloads.
struct ProtobufWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func key(_ field: Int, _ wireType: UInt64) { varint(UInt64(field) << 3 | wireType) }

    mutating func int(_ field: Int, _ value: Int) {
        key(field, 0)
        varint(UInt64(bitPattern: Int64(value)))
    }

    mutating func bytes(_ field: Int, _ value: [UInt8]) {
        key(field, 2)
        varint(UInt64(value.count))
        bytes += value
    }

    mutating func string(_ field: Int, _ value: String) { bytes(field, Array(value.utf8)) }

    mutating func message(_ field: Int, _ build: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        build(&inner)
        bytes(field, inner.bytes)
    }

    /// A `ValueInfoProto` of a float tensor with the given dims.
    static func valueInfo(_ name: String, _ dims: [Int]) -> [UInt8] {
        valueInfo(name, dims.map(ONNXDimension.fixed))
    }

    /// A `ValueInfoProto` of a float tensor whose dims may be symbols (`dim_param`);
    /// an unknown dim is written as a `Dimension` with neither field.
    static func valueInfo(_ name: String, _ dims: [ONNXDimension]) -> [UInt8] {
        var info = ProtobufWriter()
        info.string(1, name)
        info.message(2) { type in
            type.message(1) { tensor in
                tensor.int(1, 1)
                tensor.message(2) { shape in
                    for dim in dims {
                        shape.message(1) { dimension in
                            switch dim {
                            case .fixed(let size): dimension.int(1, size)
                            case .symbolic(let symbol): dimension.string(2, symbol)
                            case .unknown: break
                            }
                        }
                    }
                }
            }
        }
        return info.bytes
    }
}
