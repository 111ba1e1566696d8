/// A reader of the protobuf wire format over bytes it does not own or copy.
///
/// Every length is checked against the end of the enclosing message before it is
/// used, so a truncated or hostile file ends in a `ProtobufError`, never in a read
/// past the buffer. Length-delimited fields come back as byte ranges: the caller
/// decides whether to look inside (a nested message, a small integer tensor) or to
/// step over (a weight payload, whose pages are then never touched).
struct ProtobufReader {
    /// How a field's value is encoded on the wire (the low three bits of its key).
    enum WireType: UInt64 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case startGroup = 3
        case endGroup = 4
        case fixed32 = 5
    }

    /// One field key: the field number and how its value is encoded.
    struct Key {
        var field: Int
        var wireType: WireType
    }

    let bytes: UnsafeRawBufferPointer
    /// The next byte to read.
    private(set) var offset: Int
    /// One past the last byte of the message being read.
    let end: Int
    /// The message's name, for error messages.
    let message: String

    /// A reader over `range` of `bytes`; the range must lie inside the buffer.
    init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>, message: String) {
        self.bytes = bytes
        self.offset = max(0, min(range.lowerBound, bytes.count))
        self.end = max(offset, min(range.upperBound, bytes.count))
        self.message = message
    }

    var isAtEnd: Bool { offset >= end }

    func error(_ text: String, at position: Int? = nil) -> ProtobufError {
        ProtobufError(message: message, offset: position ?? offset, text: text)
    }

    /// A value that needs bytes past the end of this message. When that end is the
    /// end of the buffer, the file stops in the middle of a field: it was cut short.
    func pastEnd(_ value: String, at position: Int? = nil) -> ProtobufError {
        let cut = end == bytes.count
        var error = error("\(value) runs past the end of the \(cut ? "file" : "message")", at: position)
        if cut { error.fileSize = bytes.count }
        return error
    }

    /// The next field's key, or nil at the end of the message.
    mutating func nextKey() throws(ProtobufError) -> Key? {
        guard !isAtEnd else { return nil }
        let start = offset
        let raw = try readVarint()
        let field = raw >> 3
        guard field >= 1, field <= 536_870_911 else { throw error("field number \(field) is out of range", at: start) }
        guard let wireType = WireType(rawValue: raw & 7) else {
            throw error("wire type \(raw & 7) of field \(field) does not exist", at: start)
        }
        return Key(field: Int(field), wireType: wireType)
    }

    /// A base-128 varint of at most ten bytes.
    mutating func readVarint() throws(ProtobufError) -> UInt64 {
        let start = offset
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end else { throw pastEnd("a varint", at: start) }
            let byte = UInt64(bytes[offset])
            offset += 1
            if shift == 63 && byte > 1 { throw error("a varint is longer than 64 bits", at: start) }
            result |= (byte & 0x7f) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw error("a varint is longer than ten bytes", at: start) }
        }
    }

    /// A varint read as a two's-complement 64-bit integer (int64, int32 and enum fields).
    mutating func readInt() throws(ProtobufError) -> Int {
        Int(truncatingIfNeeded: Int64(bitPattern: try readVarint()))
    }

    mutating func readFixed32() throws(ProtobufError) -> UInt32 {
        guard end - offset >= 4 else { throw pastEnd("a 4-byte value") }
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(bytes[offset + index]) << (8 * UInt32(index)) }
        offset += 4
        return value
    }

    mutating func readFixed64() throws(ProtobufError) -> UInt64 {
        guard end - offset >= 8 else { throw pastEnd("an 8-byte value") }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
        offset += 8
        return value
    }

    /// The byte range of a length-delimited value; the reader moves past it without
    /// reading its bytes.
    mutating func readLengthDelimited() throws(ProtobufError) -> Range<Int> {
        let start = offset
        let length = try readVarint()
        guard length <= UInt64(end - offset) else {
            var error = pastEnd("a field of \(length) bytes", at: start)
            if error.fileSize == nil { error.text += " (\(end - offset) bytes left)" }
            throw error
        }
        let range = offset..<(offset + Int(length))
        offset = range.upperBound
        return range
    }

    /// A length-delimited value as text; invalid UTF-8 becomes replacement characters.
    mutating func readString() throws(ProtobufError) -> String {
        let range = try readLengthDelimited()
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// A reader for the nested message in the next length-delimited value.
    mutating func readMessage(_ name: String) throws(ProtobufError) -> ProtobufReader {
        ProtobufReader(bytes, range: try readLengthDelimited(), message: name)
    }

    /// Steps over a value of the given wire type without decoding it.
    mutating func skip(_ wireType: WireType) throws(ProtobufError) {
        switch wireType {
        case .varint: _ = try readVarint()
        case .fixed64: _ = try readFixed64()
        case .fixed32: _ = try readFixed32()
        case .lengthDelimited: _ = try readLengthDelimited()
        case .startGroup, .endGroup: throw error("groups (wire types 3 and 4) are not used by ONNX")
        }
    }

    /// Appends the values of a repeated varint field, packed (one length-delimited run)
    /// or not (one value per key). Stops storing past `limit` values and returns false
    /// then, so a hostile count cannot make it allocate without bound.
    mutating func readRepeatedInts(_ wireType: WireType, into values: inout [Int], limit: Int = .max) throws(ProtobufError) -> Bool {
        switch wireType {
        case .varint:
            let value = try readInt()
            guard values.count < limit else { return false }
            values.append(value)
            return true
        case .lengthDelimited:
            var packed = ProtobufReader(bytes, range: try readLengthDelimited(), message: message)
            while !packed.isAtEnd {
                let value = try packed.readInt()
                guard values.count < limit else { return false }
                values.append(value)
            }
            return true
        default:
            throw error("a repeated integer field arrived with wire type \(wireType.rawValue)")
        }
    }

    /// Appends the values of a repeated `float` field (fixed32), packed or not.
    mutating func readRepeatedFloats(_ wireType: WireType, into values: inout [Double], limit: Int = .max) throws(ProtobufError) -> Bool {
        switch wireType {
        case .fixed32:
            let value = Double(Float(bitPattern: try readFixed32()))
            guard values.count < limit else { return false }
            values.append(value)
            return true
        case .lengthDelimited:
            let range = try readLengthDelimited()
            guard range.count % 4 == 0 else { throw error("a packed float field of \(range.count) bytes is not a whole number of floats") }
            guard range.count / 4 <= limit - values.count else { return false }
            var packed = ProtobufReader(bytes, range: range, message: message)
            while !packed.isAtEnd { values.append(Double(Float(bitPattern: try packed.readFixed32()))) }
            return true
        default:
            throw error("a repeated float field arrived with wire type \(wireType.rawValue)")
        }
    }
}

/// Malformed protobuf: where it was found and what was wrong.
struct ProtobufError: Error {
    var message: String
    var offset: Int
    var text: String
    /// The file's size when the file ends in the middle of a field (a cut download), else nil.
    var fileSize: Int?

    /// `malformed ONNX file: TensorProto at byte 1234: a field of ...`, or, for a file
    /// that ends mid-field, `is truncated (…): ModelProto at byte 20: … past the end of the file at byte 500`.
    func inputError(file: String) -> InputError {
        guard let fileSize else { return InputError("malformed ONNX file: \(message) at byte \(offset): \(text)", file: file) }
        return InputError("is truncated (a download or copy cut short?): \(message) at byte \(offset): \(text) at byte \(fileSize); "
            + "fetch the file again", file: file)
    }
}
