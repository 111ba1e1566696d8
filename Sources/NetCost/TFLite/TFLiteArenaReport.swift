/// `netcost memory MODEL.tflite --planner tflm`: TensorFlow Lite Micro's arena for the
/// file, in text and JSON.
public struct TFLiteArenaReport {
    public let file: String
    public let model: TFLiteModel
    public let arena: TFLiteMicroArena

    public init(file: String, model: TFLiteModel) throws(InputError) {
        self.file = file
        self.model = model
        do {
            arena = try TFLiteMicroArena(model)
        } catch {
            throw error.inFile(file)
        }
    }

    public func text() -> String {
        var table = Table(columns: [Table.Column("Buffer"), Table.Column("bytes", right: true), Table.Column("offset", right: true),
                                    Table.Column("alive", right: true)])
        for buffer in arena.buffers.sorted(by: { ($0.offset, $0.firstUse) < ($1.offset, $1.firstUse) }) {
            // TensorFlow joins the names of the ops it fused with `;`: the first says which.
            let shortName = buffer.name.split(separator: ";").first.map(String.init) ?? buffer.name
            table.append([shortName, NumberFormat.grouped(buffer.bytes), NumberFormat.grouped(buffer.offset),
                          "\(buffer.firstUse)–\(buffer.lastUse)"])
        }
        let steps = model.operators.count
        var lines = ["\(file): TensorFlow Lite Micro's arena (greedy memory planner), \(Plural.count(steps, "operator")), "
                     + "\(Plural.count(arena.buffers.count, "planned buffer"))", ""]
        lines += table.text().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.append("")
        lines.append("Head (planned activations and scratch, 16-byte aligned): \(NumberFormat.grouped(arena.headBytes)) bytes")
        lines.append("Tail (bookkeeping, estimated): \(NumberFormat.grouped(arena.tail64)) bytes on a 64-bit build, "
                     + "\(NumberFormat.grouped(arena.tail32)) on a 32-bit one; reference kernels, plain MicroInterpreter (docs/tflite.md)")
        lines.append("Arena to reserve: \(NumberFormat.grouped(arena.headBytes.saturatingPlus(arena.tail32))) bytes (32-bit), "
                     + "\(NumberFormat.grouped(arena.headBytes.saturatingPlus(arena.tail64))) (64-bit)")
        let saved = arena.headBytes - arena.netcostBytes
        lines.append("netcost's planner, same buffers and lifetimes: \(NumberFormat.grouped(arena.netcostBytes)) bytes (\(arena.netcostMethod)), "
                     + (saved > 0 ? "\(NumberFormat.grouped(saved)) bytes less than TFLite Micro's head" : "the same as TFLite Micro's head")
                     + "; no placement goes below \(NumberFormat.grouped(arena.peakAliveBytes)), the most bytes alive at one step")
        lines.append("Alive: step 0 is the input, operator i runs at step i + 1; flash (the file): \(NumberFormat.grouped(model.fileBytes)) bytes")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{"file", "operators", "flash_bytes", "arena": {"bytes", "tail_bytes", "tail_bytes_32bit",
    /// "planner": "tflm", "netcost_bytes", "netcost_saves_bytes", "peak_alive_bytes", "buffers": [{"name", "tensor", "bytes", "offset", "first_use", "last_use"}]}}`.
    public var json: JSONValue {
        .object(JSONObject([
            ("file", .string(file)), ("operators", .integer(model.operators.count)), ("flash_bytes", .integer(model.fileBytes)),
            ("arena", .object(JSONObject([
                ("bytes", .integer(arena.headBytes)), ("tail_bytes", .integer(arena.tail64)), ("tail_bytes_32bit", .integer(arena.tail32)),
                ("planner", .string("tflm")),
                ("netcost_bytes", .integer(arena.netcostBytes)), ("netcost_saves_bytes", .integer(arena.headBytes - arena.netcostBytes)),
                ("peak_alive_bytes", .integer(arena.peakAliveBytes)),
                ("buffers", .array(arena.buffers.map { buffer in
                    .object(JSONObject([
                        ("name", .string(buffer.name)), ("tensor", buffer.tensor.map { .integer($0) } ?? .null), ("bytes", .integer(buffer.bytes)),
                        ("offset", .integer(buffer.offset)), ("first_use", .integer(buffer.firstUse)), ("last_use", .integer(buffer.lastUse)),
                    ]))
                })),
            ]))),
        ]))
    }
}
