import Foundation
@testable import NetCost
import Testing

/// The bounds that keep hostile input from trapping, hanging or growing without end:
/// which files are read, how large a model may expand, and the byte counts at the
/// edge of 64 bits.
@Suite("Input limits")
struct InputLimitsTests {
    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("netcost-limits-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    // MARK: Files

    @Test func onlyRegularFilesAreRead() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("pipe.json").path
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(throws: InputError("is a FIFO (named pipe), not a spec file", file: fifo)) { try InputFile.read(fifo, kind: "a spec file") }
        #expect(throws: InputError("is a FIFO (named pipe), not an ONNX model", file: fifo)) {
            try InputFile.withMappedBytes(of: fifo, kind: "an ONNX model") { $0.count }
        }
        #expect(throws: InputError("is a directory, not a spec file", file: directory.path)) { try InputFile.read(directory.path, kind: "a spec file") }
        #expect(throws: InputError("is a character device, not a spec file", file: "/dev/null")) { try InputFile.read("/dev/null", kind: "a spec file") }
        let missing = directory.appendingPathComponent("none.json").path
        #expect(throws: InputError("no such file", file: missing)) { try InputFile.read(missing, kind: "a spec file") }
    }

    @Test func aTextFileIsReadWholeUpToItsLimit() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("spec.json").path
        let text = Array(#"{"input": [3, 8, 8], "layers": [{"op": "relu"}]}"#.utf8)
        #expect(FileManager.default.createFile(atPath: path, contents: Data(text)))
        #expect(try InputFile.read(path, kind: "a spec file") == text)
        // 48 bytes against a limit of 47 and of 48.
        #expect(text.count == 48)
        #expect(throws: InputError("is 48 bytes, over the limit of 47 bytes for a spec file", file: path)) {
            try InputFile.read(path, kind: "a spec file", limit: 47)
        }
        #expect(try InputFile.read(path, kind: "a spec file", limit: 48).count == 48)
        // An empty model file is refused; an empty spec is read (and then refused as JSON).
        let empty = directory.appendingPathComponent("empty.onnx").path
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        #expect(throws: InputError("is empty, not an ONNX model", file: empty)) { try InputFile.withMappedBytes(of: empty, kind: "an ONNX model") { $0.count } }
    }

    @Test func binaryByteCountsForMessages() {
        #expect(NumberFormat.binaryBytes(512) == "512 bytes")
        #expect(NumberFormat.binaryBytes(64 << 20) == "64 MiB")
        #expect(NumberFormat.binaryBytes(3 << 29) == "1.5 GiB")
        #expect(NumberFormat.binaryBytes(2 << 40) == "2 TiB")
    }

    // MARK: Model limits

    /// A stage row of 1,000 inverted residuals, each 8 layers or more.
    static let longStage = #"{"input": [3, 8, 8], "layers": [{"name": "f", "block": "inverted_residual", "columns": ["t", "c", "n", "s"], "rows": [[1, 8, 2, 1], [1, 8, 1000, 1]]}]}"#

    @Test func aStageRowPastTheLayerLimitIsRefusedBeforeItExpands() throws {
        let limits = ModelLimits(layers: 500)
        #expect(throws: InputError("row 1: 1,000 repeats: the model would have more than 500 layers, the limit; --max-layers raises it",
                                   file: "long.json", line: 1, layer: "f", field: "rows")) {
            try SpecLoader.load(text: Self.longStage, file: "long.json", overrides: SpecOverrides(limits: limits))
        }
        // Raised, it loads: 2 + 1,000 blocks of a 1×1 depthwise-free t = 1 residual.
        let model = try SpecLoader.load(text: Self.longStage, overrides: SpecOverrides(limits: ModelLimits(layers: 100_000)))
        #expect(model.graph.layers.count > 1_002)
    }

    @Test func theLayerLimitCountsEveryLayer() throws {
        // Input, conv, relu, conv: the fourth layer passes a limit of 3.
        let text = #"{"input": [3, 8, 8], "layers": [{"name": "a", "op": "conv2d", "out": 4, "kernel": 1}, {"name": "b", "op": "relu"}, {"name": "c", "op": "conv2d", "out": 4, "kernel": 1}]}"#
        #expect(throws: InputError("the model would have more than 3 layers, the limit; --max-layers raises it", file: "three.json", line: 1, layer: "c")) {
            try SpecLoader.load(text: text, file: "three.json", overrides: SpecOverrides(limits: ModelLimits(layers: 3)))
        }
        #expect(try SpecLoader.load(text: text, overrides: SpecOverrides(limits: ModelLimits(layers: 4))).graph.layers.count == 4)
    }

    @Test func theElementLimitBoundsEveryTensor() throws {
        // 3·100·100 = 30,000 elements at the input; the conv's 64·100·100 = 640,000 pass a limit of 100,000.
        let text = #"{"input": [3, 100, 100], "layers": [{"name": "wide", "op": "conv2d", "out": 64, "kernel": 3, "padding": 1}]}"#
        #expect(throws: InputError("shape 64x100x100 has 640,000 elements, more than the limit of 100,000 in one tensor; --max-elements raises it",
                                   file: "wide.json", line: 1, layer: "wide")) {
            try SpecLoader.load(text: text, file: "wide.json", overrides: SpecOverrides(limits: ModelLimits(elements: 100_000)))
        }
        #expect(try SpecLoader.load(text: text, overrides: SpecOverrides(limits: ModelLimits(elements: 640_000))).graph.layers.count == 2)
    }

    @Test func theRankIsBounded() throws {
        // 65 axes of one element each, 66 with the batch: the elements are few, the axes are not.
        let text = #"{"input": [3, 8, 8], "layers": [{"name": "r", "op": "reshape", "shape": [\#(Array(repeating: "1", count: 64).joined(separator: ", ")), -1]}]}"#
        #expect(throws: InputError("a shape of 66 axes has more than the 64 netcost accepts", file: "rank.json", line: 1, layer: "r")) {
            try SpecLoader.load(text: text, file: "rank.json")
        }
        #expect(try TensorShape(Array(repeating: 1, count: 64)).rank == 64)
    }

    // MARK: Sizes at the edge of 64 bits

    @Test func storedBytesAreExactUpToInt64() throws {
        let largest = Totals.maximum  // 2⁶⁰ − 1
        #expect(largest == 1_152_921_504_606_846_975)
        // (2⁶⁰ − 1) weights at 64 bits: 8 · (2⁶⁰ − 1) = 9,223,372,036,854,775,800 bytes, just under 2⁶³.
        #expect(try StorageModel(bits: 64).bytes(params: largest, buffers: 0, weightedLayers: 1) == 9_223_372_036_854_775_800)
        // With as many buffers again it passes 2⁶³ − 1: an error, not a trap.
        #expect(throws: SizeOverflow.self) { try StorageModel(bits: 64).bytes(params: largest, buffers: largest, weightedLayers: 1) }
        // 7 weights at 3 bits = 21 bits, rounded up to 3 bytes.
        #expect(try StorageModel(bits: 3).bytes(params: 7, buffers: 0, weightedLayers: 1) == 3)
    }
}
