import Foundation

extension ONNXTensor {
    /// Decodes a `TensorProto` in two passes over its bytes.
    ///
    /// The first pass reads the name, dims, type and location and notes where the
    /// payload is without reading it. Only a small tensor (see `ONNXLimits`) gets a
    /// second pass that decodes its values; a weight's payload is never touched, so
    /// the pages of a memory-mapped file that hold it are never read from disk.
    static func decode(_ reader: inout ProtobufReader) throws(ProtobufError) -> ONNXTensor {
        let start = reader.offset
        var tensor = ONNXTensor()
        var raw: Range<Int>?
        while let key = try reader.nextKey() {
            switch (key.field, key.wireType) {
            case (1, _):
                guard try reader.readRepeatedInts(key.wireType, into: &tensor.dims, limit: ONNXLimits.rank) else {
                    throw reader.error("a tensor has more than \(ONNXLimits.rank) dims")
                }
            case (2, .varint): tensor.dataType = try reader.readInt()
            case (8, .lengthDelimited): tensor.name = try reader.readString()
            case (9, .lengthDelimited): raw = try reader.readLengthDelimited()
            case (14, .varint): tensor.dataLocation = try reader.readInt()
            case (13, .lengthDelimited):
                // An entry that does not parse is ignored: only small integer tensors are
                // read through it, and a tensor without it is simply not read.
                let range = try reader.readLengthDelimited()
                guard let pair = Self.entry(ProtobufReader(reader.bytes, range: range, message: "StringStringEntryProto")) else { continue }
                var external = tensor.external ?? (location: "", offset: 0, length: nil)
                switch pair.key {
                case "location": external.location = pair.value
                case "offset": external.offset = Int(pair.value) ?? -1
                case "length": external.length = Int(pair.value) ?? -1
                default: break
                }
                tensor.external = external
            case (4, _), (5, _), (7, _), (10, _), (11, _):
                tensor.hasData = true
                try reader.skip(key.wireType)
            default: try reader.skip(key.wireType)
            }
        }
        if let bad = tensor.dims.first(where: { $0 < 0 }) {
            throw reader.error("tensor \"\(tensor.name)\" has a negative dim \(bad)", at: start)
        }
        guard let elements = tensor.elements else {
            throw reader.error("tensor \"\(tensor.name)\" has more elements than a 64-bit integer holds", at: start)
        }
        if let raw, !raw.isEmpty {
            tensor.hasData = true
            if let bits = ONNXDataType.bitsPerElement(tensor.dataType) {
                let (totalBits, overflow) = elements.multipliedReportingOverflow(by: bits)
                let needed = totalBits / 8 + (totalBits % 8 == 0 ? 0 : 1)
                guard !overflow, needed == raw.count else {
                    throw reader.error("tensor \"\(tensor.name)\" has \(raw.count) bytes of raw_data; its dims \(TensorShape.format(tensor.dims)) of \(ONNXDataType.name(tensor.dataType)) need \(overflow ? "more" : String(needed))", at: start)
                }
            }
        }
        if elements == 0, tensor.dataLocation != 1 {
            // An empty tensor (a ConstantOfShape's shape for a scalar) has its values: none.
            tensor.values = ONNXDataType.isInteger(tensor.dataType) ? .integers([]) : .floats([])
            return tensor
        }
        guard tensor.dataLocation != 1, tensor.hasData else { return tensor }
        let isInteger = ONNXDataType.isInteger(tensor.dataType)
        let isFloat = tensor.dataType == ONNXDataType.float || tensor.dataType == ONNXDataType.double
        guard (isInteger && elements <= ONNXLimits.integerValues) || (isFloat && elements <= ONNXLimits.floatValues) else {
            return tensor
        }
        var values = ProtobufReader(reader.bytes, range: start..<reader.end, message: reader.message)
        let decoded: TensorValues
        if let raw, !raw.isEmpty {
            decoded = decodeRaw(UnsafeRawBufferPointer(rebasing: reader.bytes[raw]), type: tensor.dataType, count: elements)
        } else if isInteger {
            decoded = .integers(try values.collectInts(fields: [5, 7, 11], limit: elements))
        } else {
            decoded = .floats(try values.collectFloats(limit: elements))
        }
        guard decoded.count == elements else {
            throw reader.error("tensor \"\(tensor.name)\" holds \(decoded.count) values; its dims \(TensorShape.format(tensor.dims)) need \(elements)", at: start)
        }
        tensor.values = decoded
        return tensor
    }

    /// The values of a small integer tensor whose payload is in a side file next to the
    /// model (a dynamo export keeps its larger index tensors there): read from the
    /// mapped side file, whose location must stay in the model's directory. Nil when
    /// the tensor is not such a tensor or the side file does not hold it.
    func externalIntegers(directory: String) -> TensorValues? {
        guard dataLocation == 1, ONNXDataType.isInteger(dataType), let external, let elements, elements <= ONNXLimits.integerValues,
              let bits = ONNXDataType.bitsPerElement(dataType), bits % 8 == 0,
              !external.location.isEmpty, !external.location.hasPrefix("/"),
              !external.location.split(separator: "/").contains("..") else { return nil }
        let bytes = elements * bits / 8
        guard external.offset >= 0, external.length.map({ $0 == bytes }) ?? true else { return nil }
        let path = (directory as NSString).appendingPathComponent(external.location)
        return try? InputFile.withMappedBytes(of: path, kind: "an ONNX side file") { (mapped: UnsafeRawBufferPointer) throws(InputError) -> TensorValues? in
            guard external.offset <= mapped.count - bytes else { return nil }
            return Self.decodeRaw(UnsafeRawBufferPointer(rebasing: mapped[external.offset..<(external.offset + bytes)]), type: dataType, count: elements)
        } ?? nil
    }

    /// A `StringStringEntryProto` (key 1, value 2), or nil when it does not parse.
    private static func entry(_ reader: ProtobufReader) -> (key: String, value: String)? {
        var reader = reader
        var pair = (key: "", value: "")
        do throws(ProtobufError) {
            while let field = try reader.nextKey() {
                switch (field.field, field.wireType) {
                case (1, .lengthDelimited): pair.key = try reader.readString()
                case (2, .lengthDelimited): pair.value = try reader.readString()
                default: try reader.skip(field.wireType)
                }
            }
        } catch {
            return nil
        }
        return pair
    }

    /// Little-endian fixed-width values from `raw_data`.
    static func decodeRaw(_ bytes: UnsafeRawBufferPointer, type: Int, count: Int) -> TensorValues {
        func word(_ index: Int, _ width: Int) -> UInt64 {
            var value: UInt64 = 0
            for byte in 0..<width { value |= UInt64(bytes[index * width + byte]) << (8 * UInt64(byte)) }
            return value
        }
        switch type {
        case ONNXDataType.float: return .floats((0..<count).map { Double(Float(bitPattern: UInt32(word($0, 4)))) })
        case ONNXDataType.double: return .floats((0..<count).map { Double(bitPattern: word($0, 8)) })
        case ONNXDataType.int64, ONNXDataType.uint64: return .integers((0..<count).map { Int(truncatingIfNeeded: word($0, 8)) })
        case ONNXDataType.int32: return .integers((0..<count).map { Int(Int32(truncatingIfNeeded: word($0, 4))) })
        case ONNXDataType.uint32: return .integers((0..<count).map { Int(word($0, 4)) })
        case ONNXDataType.int16: return .integers((0..<count).map { Int(Int16(truncatingIfNeeded: word($0, 2))) })
        case ONNXDataType.uint16: return .integers((0..<count).map { Int(word($0, 2)) })
        case ONNXDataType.int8: return .integers((0..<count).map { Int(Int8(truncatingIfNeeded: word($0, 1))) })
        default: return .integers((0..<count).map { Int(word($0, 1)) })
        }
    }
}

extension ProtobufReader {
    /// Every value of the given integer data fields, up to `limit` (one more is kept
    /// so that the caller sees a count that does not match).
    mutating func collectInts(fields: Set<Int>, limit: Int) throws(ProtobufError) -> [Int] {
        var values: [Int] = []
        while let key = try nextKey() {
            if fields.contains(key.field) {
                _ = try readRepeatedInts(key.wireType, into: &values, limit: limit + 1)
            } else {
                try skip(key.wireType)
            }
        }
        return values
    }

    /// Every value of `float_data` (4, fixed32) and `double_data` (10, fixed64), up to `limit` + 1.
    mutating func collectFloats(limit: Int) throws(ProtobufError) -> [Double] {
        var values: [Double] = []
        while let key = try nextKey() {
            switch (key.field, key.wireType) {
            case (4, _):
                _ = try readRepeatedFloats(key.wireType, into: &values, limit: limit + 1)
            case (10, .fixed64):
                let value = Double(bitPattern: try readFixed64())
                if values.count <= limit { values.append(value) }
            case (10, .lengthDelimited):
                var packed = ProtobufReader(bytes, range: try readLengthDelimited(), message: message)
                while !packed.isAtEnd, values.count <= limit { values.append(Double(bitPattern: try packed.readFixed64())) }
            default: try skip(key.wireType)
            }
        }
        return values
    }
}
