/// A reader of the FlatBuffers binary format over bytes it does not own or copy: a
/// `.tflite` file, mapped.
///
/// A flatbuffer is read in place: a table is a position whose first 4 bytes give, as a
/// signed offset back, its vtable (a list of 16-bit field offsets, 0 for a field left at
/// its default); references (tables, vectors, strings) are unsigned 32-bit offsets from
/// where they are stored. Every position is checked against the buffer before it is
/// read, so a truncated or hostile file ends in a `FlatBufferError`, never in a read
/// past the buffer or a trap.
struct FlatBufferReader {
    let bytes: UnsafeRawBufferPointer

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// One table: its position and its vtable's.
    struct Table {
        let position: Int
        let vtable: Int
        /// The vtable's size in bytes: fields past it are absent.
        let vtableSize: Int
        /// The table's name, for errors (`Tensor 12`).
        let name: String
    }

    func error(_ text: String, at position: Int) -> FlatBufferError {
        FlatBufferError(offset: position, text: text, fileSize: bytes.count)
    }

    /// `count` bytes at `position` lie inside the buffer.
    func check(_ position: Int, _ count: Int, _ what: String) throws(FlatBufferError) {
        guard position >= 0, count >= 0, position <= bytes.count, count <= bytes.count - position else {
            throw error("\(what) at byte \(position) runs past the end of the file (\(bytes.count) bytes)", at: position)
        }
    }

    func uint8(at position: Int) throws(FlatBufferError) -> UInt8 {
        try check(position, 1, "a byte")
        return bytes[position]
    }

    func uint16(at position: Int) throws(FlatBufferError) -> UInt16 {
        try check(position, 2, "a 16-bit value")
        return UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt16.self))
    }

    func uint32(at position: Int) throws(FlatBufferError) -> UInt32 {
        try check(position, 4, "a 32-bit value")
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self))
    }

    func int32(at position: Int) throws(FlatBufferError) -> Int32 {
        Int32(bitPattern: try uint32(at: position))
    }

    func uint64(at position: Int) throws(FlatBufferError) -> UInt64 {
        try check(position, 8, "a 64-bit value")
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
    }

    /// The position an unsigned offset stored at `position` points to.
    func follow(_ position: Int) throws(FlatBufferError) -> Int {
        let target = position + Int(try uint32(at: position))
        try check(target, 0, "a reference")
        return target
    }

    /// The root table.
    func root(name: String) throws(FlatBufferError) -> Table {
        try table(at: try follow(0), name: name)
    }

    /// The table at `position`.
    func table(at position: Int, name: String) throws(FlatBufferError) -> Table {
        try check(position, 4, name)
        let vtable = position - Int(try int32(at: position))
        let vtableSize = Int(try uint16(at: vtable))
        guard vtableSize >= 4, vtableSize % 2 == 0 else { throw error("\(name)'s field table has a size of \(vtableSize) bytes", at: vtable) }
        try check(vtable, vtableSize, "\(name)'s field table")
        return Table(position: position, vtable: vtable, vtableSize: vtableSize, name: name)
    }

    /// Where field `id` of `table` is stored, or nil when the field is absent.
    func field(_ table: Table, _ id: Int) throws(FlatBufferError) -> Int? {
        let entry = 4 + 2 * id
        guard entry + 2 <= table.vtableSize else { return nil }
        let offset = Int(try uint16(at: table.vtable + entry))
        return offset == 0 ? nil : table.position + offset
    }

    func int32(_ table: Table, _ id: Int, default value: Int32 = 0) throws(FlatBufferError) -> Int32 {
        try field(table, id).map { (position: Int) throws(FlatBufferError) in try int32(at: position) } ?? value
    }

    func uint8(_ table: Table, _ id: Int, default value: UInt8 = 0) throws(FlatBufferError) -> UInt8 {
        try field(table, id).map { (position: Int) throws(FlatBufferError) in try uint8(at: position) } ?? value
    }

    func int8(_ table: Table, _ id: Int, default value: Int8 = 0) throws(FlatBufferError) -> Int8 {
        Int8(bitPattern: try uint8(table, id, default: UInt8(bitPattern: value)))
    }

    func bool(_ table: Table, _ id: Int) throws(FlatBufferError) -> Bool {
        try uint8(table, id) != 0
    }

    func float32(_ table: Table, _ id: Int, default value: Float) throws(FlatBufferError) -> Float {
        try field(table, id).map { (position: Int) throws(FlatBufferError) in Float(bitPattern: try uint32(at: position)) } ?? value
    }

    func uint64(_ table: Table, _ id: Int) throws(FlatBufferError) -> UInt64 {
        try field(table, id).map { (position: Int) throws(FlatBufferError) in try uint64(at: position) } ?? 0
    }

    /// A vector field: the position of its first element and its length, checked to fit
    /// `elementSize`-byte elements; nil when absent.
    func vector(_ table: Table, _ id: Int, elementSize: Int) throws(FlatBufferError) -> (start: Int, count: Int)? {
        guard let position = try field(table, id) else { return nil }
        let start = try follow(position)
        let count = Int(try uint32(at: start))
        let (bytesNeeded, overflow) = count.multipliedReportingOverflow(by: elementSize)
        guard !overflow else { throw error("\(table.name)'s vector of \(count) elements is larger than the file", at: start) }
        try check(start + 4, bytesNeeded, "\(table.name)'s vector of \(count) elements")
        return (start + 4, count)
    }

    func int32s(_ table: Table, _ id: Int) throws(FlatBufferError) -> [Int32] {
        guard let (start, count) = try vector(table, id, elementSize: 4) else { return [] }
        var values: [Int32] = []
        values.reserveCapacity(count)
        for index in 0..<count { values.append(try int32(at: start + 4 * index)) }
        return values
    }

    /// The tables of a vector field, named `name index`.
    func tables(_ table: Table, _ id: Int, name: String) throws(FlatBufferError) -> [Table] {
        guard let (start, count) = try vector(table, id, elementSize: 4) else { return [] }
        var tables: [Table] = []
        tables.reserveCapacity(count)
        for index in 0..<count {
            tables.append(try self.table(at: try follow(start + 4 * index), name: "\(name) \(index)"))
        }
        return tables
    }

    func subtable(_ table: Table, _ id: Int, name: String) throws(FlatBufferError) -> Table? {
        guard let position = try field(table, id) else { return nil }
        return try self.table(at: try follow(position), name: name)
    }

    func string(_ table: Table, _ id: Int) throws(FlatBufferError) -> String? {
        guard let (start, count) = try vector(table, id, elementSize: 1) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + count)]), as: UTF8.self)
    }
}

/// A flatbuffer that cannot be read: what is wrong, and where.
public struct FlatBufferError: Error, Sendable {
    public let offset: Int
    public let text: String
    public let fileSize: Int
}
