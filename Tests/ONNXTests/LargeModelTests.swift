import Foundation
import Testing
@testable import NetCost

/// Weights are never loaded: a model whose one initializer holds 1 GiB of raw_data
/// imports in about the time of a small one, and its payload pages are never read.
///
/// The payload is a hole in a sparse file, so the test writes a few hundred bytes to
/// disk. Reading the hole would still cost resident memory (the kernel maps zero
/// pages into the page cache as they are read), which is what the test watches.
@Suite struct LargeModelTests {
    /// Conv 1024 → 1024 with a 16×16 kernel: 1024·1024·16·16 floats = 1 GiB.
    static let payloadBytes = 1024 * 1024 * 16 * 16 * 4

    /// A ModelProto whose last bytes are the weight's raw_data, written as a hole.
    static func writeSparseModel(to path: String) throws {
        var tensor = ProtobufWriter()
        for dim in [1024, 1024, 16, 16] { tensor.int(1, dim) }
        tensor.int(2, 1)
        tensor.string(8, "w")
        tensor.key(9, 2)
        tensor.varint(UInt64(payloadBytes))
        let tensorLength = tensor.bytes.count + payloadBytes

        var graph = ProtobufWriter()
        graph.message(1) { node in
            node.string(1, "x"); node.string(1, "w"); node.string(2, "y"); node.string(3, "/conv/Conv"); node.string(4, "Conv")
        }
        graph.bytes(11, ProtobufWriter.valueInfo("x", [1, 1024, 32, 32]))
        graph.key(5, 2)
        graph.varint(UInt64(tensorLength))
        let graphLength = graph.bytes.count + tensorLength

        var model = ProtobufWriter()
        model.int(1, 8)
        model.string(2, "netcost-test")
        model.message(8) { $0.int(2, 13) }
        model.key(7, 2)
        model.varint(UInt64(graphLength))
        let prefix = model.bytes + graph.bytes + tensor.bytes

        guard FileManager.default.createFile(atPath: path, contents: Data(prefix)) else { throw CocoaError(.fileWriteUnknown) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(prefix.count + payloadBytes))
        try handle.close()
    }

    /// Resident memory of this process in bytes, from /proc on Linux; nil elsewhere.
    static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    @Test func aGigabyteOfWeightsIsNeverRead() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("netcost-large-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("large.onnx").path
        try Self.writeSparseModel(to: path)

        let before = Self.residentBytes()
        let start = Date()
        let imported = try ONNXImporter.load(file: path)
        let seconds = Date().timeIntervalSince(start)
        let after = Self.residentBytes()

        let analysis = try Analysis(imported.model.graph)
        #expect(imported.model.graph.layers.last?.outputShape.sample == [1024, 17, 17])
        #expect(analysis.totals.params == 1024 * 1024 * 16 * 16)
        #expect(Fixtures.convLinearMACs(analysis) == 1024 * 17 * 17 * (1024 * 16 * 16))
        #expect(seconds < 2, "importing took \(seconds) s")
        if let before, let after {
            // Reading the payload would add 1 GiB; allow for the rest of the test process.
            #expect(after - before < 64 << 20, "resident memory grew by \(after - before) bytes")
        }
    }
}
