import Foundation
import Testing

/// `.tflite` files through the commands, against TensorFlow's and TFLite Micro's own
/// figures for the same files (Tests/NetCostTests/Fixtures/tflite/truth.json).
@Suite("TFLite files, end to end")
struct TFLiteCommandTests {
    static let directory = "Tests/NetCostTests/Fixtures/tflite/"

    static func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try CommandLineTests.run(arguments)
        #expect(result.status == 0, "\(arguments): \(result.errors)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    }

    /// MACs from the file's own shapes equal what Keras' layer shapes give (2,656,768 for
    /// the keyword spotter, 7,489,664 for MobileNet 0.25 at 96), in float32 and in int8.
    @Test(arguments: [("ds_cnn_kws.float32", 2_656_768), ("ds_cnn_kws.int8", 2_656_768), ("mobilenet_v1_025_96.int8", 7_489_664),
                      ("op_zoo.float32", 249_344), ("op_zoo.int8", 249_344),
                      // RESIZE_BILINEAR, nearest resizing as RESHAPE and TILE, SPLIT, LEAKY_RELU, SQUARED_DIFFERENCE.
                      ("resize_zoo.float32", 327_680), ("resize_zoo.int8", 327_680),
                      // Converted with an unfixed batch: SHAPE, STRIDED_SLICE and PACK feed a RESHAPE; GATHER.
                      ("shape_zoo.int8", 52_992)])
    func reportCountsTheFile(name: String, macs: Int) throws {
        let report = try Self.json(["report", Self.directory + name + ".tflite", "--format", "json"])
        let totals = try #require(report["totals"] as? [String: Any])
        #expect(totals["macs"] as? Int == macs)
        #expect(report["partial"] as? Bool == false)
    }

    /// The keyword spotter in int8: the report's bytes are the file's element type.
    @Test func anInt8FileIsReportedAtInt8() throws {
        let result = try CommandLineTests.run(["report", Self.directory + "ds_cnn_kws.int8.tflite"])
        #expect(result.output.split(separator: "\n").first?.contains(", int8,") == true)
        #expect(result.output.contains("constants in the file: int8"))
    }

    /// TFLite Micro's head, as its Python package reports it: 16,000 bytes for the int8
    /// keyword spotter, 73,728 for MobileNet 0.25 at 96 in int8.
    @Test(arguments: [("ds_cnn_kws.int8", 16_000), ("ds_cnn_kws.float32", 64_000), ("mobilenet_v1_025_96.int8", 73_728),
                      // int16 activations with int8 weights; int8 inside a float32 input and output.
                      ("ds_cnn_kws.int16x8", 32_000), ("ds_cnn_kws.mixed_io", 16_000)])
    func memoryPlansTheArenaAsTFLiteMicro(name: String, head: Int) throws {
        let memory = try Self.json(["memory", Self.directory + name + ".tflite", "--planner", "tflm", "--format", "json"])
        let arena = try #require(memory["arena"] as? [String: Any])
        #expect(arena["bytes"] as? Int == head)
        #expect(arena["planner"] as? String == "tflm")
        #expect((arena["tail_bytes"] as? Int ?? 0) > 0)
        let text = try CommandLineTests.run(["memory", Self.directory + name + ".tflite", "--planner", "tflm"])
        #expect(text.output.contains("Head (planned activations and scratch, 16-byte aligned): \(Self.grouped(head)) bytes"))
    }

    /// MobileNet 0.25 at 96 in int8: TFLite Micro's order leaves a gap. netcost's planner,
    /// on the same buffers, reaches the floor: the first pointwise convolution's input
    /// (48·48·8 = 18,432 bytes) and output (48·48·16 = 36,864) alive together, 55,296 bytes,
    /// 18,432 less than TFLite Micro's 73,728.
    @Test func netcostsPlannerIsShownBesideTFLiteMicros() throws {
        let memory = try Self.json(["memory", Self.directory + "mobilenet_v1_025_96.int8.tflite", "--planner", "tflm", "--format", "json"])
        let arena = try #require(memory["arena"] as? [String: Any])
        #expect(arena["netcost_bytes"] as? Int == 18_432 + 36_864)
        #expect(arena["netcost_saves_bytes"] as? Int == 73_728 - 55_296)
        #expect(arena["peak_alive_bytes"] as? Int == 55_296)
        let text = try CommandLineTests.run(["memory", Self.directory + "mobilenet_v1_025_96.int8.tflite", "--planner", "tflm"])
        #expect(text.output.contains("55,296 bytes"))
        #expect(text.output.contains("18,432 bytes less than TFLite Micro's head"))
        // TensorFlow's fused names ("a;b;c") are shown by their first part.
        let rows = text.output.split(separator: "\n").filter { $0.hasPrefix("mobilenet_0.25_96_1/") }
        #expect(rows.count > 10)
        #expect(rows.allSatisfy { !$0.contains(";") })
    }

    /// Without --dtype a file's tensors are counted at their own types: the int8 keyword
    /// spotter's schedule peaks at two 25·5·64 int8 activations, 16,000 bytes (TFLite
    /// Micro's head); at --dtype fp32 every tensor takes 4 bytes, 64,000.
    @Test func memoryCountsEachTensorAtItsStoredType() throws {
        let stored = try Self.json(["memory", Self.directory + "ds_cnn_kws.int8.tflite", "--format", "json"])
        #expect(stored["peak_bytes"] as? Int == 2 * 25 * 5 * 64)
        let asFloat = try Self.json(["memory", Self.directory + "ds_cnn_kws.int8.tflite", "--dtype", "fp32", "--format", "json"])
        #expect(asFloat["peak_bytes"] as? Int == 4 * 2 * 25 * 5 * 64)
        // The model size is the file's constants: 22,016 int8 weights and 588 int32 biases.
        let report = try Self.json(["report", Self.directory + "ds_cnn_kws.int8.tflite", "--format", "json"])
        let size = try #require(report["model_size"] as? [String: Any])
        #expect(size["bytes"] as? Int == 22_016 + 4 * 588)
        #expect(size["source"] as? String == "file")
        let text = try CommandLineTests.run(["report", Self.directory + "ds_cnn_kws.int8.tflite"])
        #expect(text.output.contains("the file's constants at their stored types"))
    }

    /// int8 inside, float32 at the ends (a QUANTIZE first, a DEQUANTIZE last): the file's
    /// activation type reads fp32, yet the schedule counts the int8 tensors at a byte: two
    /// 25·5·64 activations, 16,000 bytes, TFLite Micro's head. In int16 they take two
    /// bytes: 32,000.
    @Test func mixedTypesAreCountedPerTensor() throws {
        let mixed = try Self.json(["memory", Self.directory + "ds_cnn_kws.mixed_io.tflite", "--format", "json"])
        #expect(mixed["dtype"] as? String == "fp32")
        #expect(mixed["peak_bytes"] as? Int == 2 * 25 * 5 * 64)
        let wide = try Self.json(["memory", Self.directory + "ds_cnn_kws.int16x8.tflite", "--format", "json"])
        #expect(wide["peak_bytes"] as? Int == 2 * 2 * 25 * 5 * 64)
        let report = try Self.json(["report", Self.directory + "ds_cnn_kws.mixed_io.tflite", "--format", "json"])
        let layers = try #require(report["layers"] as? [[String: Any]])
        #expect(layers.first?["op"] as? String == "quantize")
        #expect(layers.last?["op"] as? String == "dequantize")
    }

    /// The shape arithmetic of an unfixed batch is worked out, not counted: the RESHAPE
    /// reads its target from SHAPE → STRIDED_SLICE → PACK (the file stores its output as
    /// [1, 1]), giving the flattened 12·12·8 = 1,152 that the dense layer reads.
    @Test func shapeArithmeticIsWorkedOut() throws {
        let result = try CommandLineTests.run(["report", Self.directory + "shape_zoo.int8.tflite"])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("3 shape-arithmetic operators worked out from the shapes"))
        #expect(result.output.contains("linear 1152→10"))
        let report = try Self.json(["report", Self.directory + "shape_zoo.int8.tflite", "--format", "json"])
        let layers = try #require(report["layers"] as? [[String: Any]])
        let gather = try #require(layers.first { $0["op"] as? String == "gather" })
        // Four channels of an 8×12×12 map: 4·144 = 576 out.
        #expect(gather["output_shape"] as? [Int] == [4, 12, 12])
    }

    /// Fit on a microcontroller reads the file: flash is its size (47,936 bytes for the
    /// int8 keyword spotter), SRAM the arena.
    @Test func checkFitsTheFile() throws {
        let result = try CommandLineTests.run(["check", Self.directory + "ds_cnn_kws.int8.tflite", "--sram", "20K", "--flash", "1M", "--rules", "fit"])
        #expect(result.output.contains("the weights, as the .tflite file at int8 need 47,936 bytes of 1,048,576 of flash"))
        #expect(result.output.contains("TFLite Micro's arena (head 16,000 planned"))
    }

    /// A strided slice with a stride of 0 (found in review: it divided by zero): named as
    /// not counted, exit status 1, no trap.
    @Test func aZeroStrideIsNotCounted() throws {
        let result = try CommandLineTests.run(["report", "Tests/EndToEndTests/Fixtures/reproducers/trap_tflite_zero_stride.tflite"])
        #expect(!result.signalled)
        #expect(result.status == 1)
        #expect(result.errors.contains("STRIDED_SLICE ×1 not counted"))
    }

    @Test func optionsThatRebuildTheNetworkAreRefused() throws {
        let result = try CommandLineTests.run(["report", Self.directory + "op_zoo.int8.tflite", "--resolution", "64"])
        #expect(result.status == 1)
        #expect(result.errors.contains("a .tflite file's shapes are fixed"))
        let mixed = try CommandLineTests.run(["memory", Self.directory + "op_zoo.int8.tflite", "--planner", "tflm", "--training"])
        #expect(mixed.status == 2)
        #expect(mixed.errors.contains("--planner tflm"))
        // Without --planner, memory schedules the imported graph like any other model's.
        let graph = try CommandLineTests.run(["memory", Self.directory + "ds_cnn_kws.int8.tflite"])
        #expect(graph.status == 0)
    }

    /// Digits grouped by threes with commas, as netcost prints counts: "16,000".
    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return text
    }
}
