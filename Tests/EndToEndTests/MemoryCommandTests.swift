import Foundation
import Testing

@Suite("Memory, end to end")
struct MemoryCommandTests {
    static let tinyNet = CommandLineTests.root.appendingPathComponent("Tests/EndToEndTests/Fixtures/tiny_net.json").path

    /// tiny_net at fp32: the stem leaves 16 channels of 16×16 (16,384 bytes) waiting for
    /// the residual add while the block's expansion to 64 channels (65,536 bytes) and its
    /// batch norm's output (65,536 more) are alive: 147,456 bytes at `block.expand.bn`.
    @Test func jsonGivesThePeakAndTheSteps() throws {
        let result = try CommandLineTests.run(["memory", Self.tinyNet, "--format", "json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(object["peak_bytes"] as? Int == 147_456)
        #expect(object["peak_layer"] as? String == "block.expand.bn")
        #expect(object["alive_at_peak"] as? [String] == ["block.expand.conv", "block.expand.bn", "stem.act"])
        let steps = try #require(object["steps"] as? [[String: Any]])
        #expect(steps.count == 25)
        for step in steps { #expect(Set(step.keys).isSuperset(of: ["layer", "op", "allocated_bytes", "live_bytes", "freed"])) }
    }

    /// In place, the batch norm and relu6 write over the expansion's buffer: the peak moves
    /// to the depthwise conv, whose output needs a buffer of its own beside it, with the
    /// same 16,384 + 65,536 + 65,536 bytes. At int8 and batch 2: 147,456 / 4 · 2.
    @Test func inPlaceDataTypeAndBatch() throws {
        let inPlace = try CommandLineTests.run(["memory", Self.tinyNet, "--in-place"])
        #expect(inPlace.status == 0)
        #expect(inPlace.output.contains("Peak: 147,456 bytes (0.15 MB) at step 8, block.dw.conv"))
        #expect(inPlace.output.contains("reuses block.expand.conv"))
        let small = try CommandLineTests.run(["memory", Self.tinyNet, "--dtype", "int8", "--batch", "2", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(small.output.utf8)) as? [String: Any])
        #expect(object["peak_bytes"] as? Int == 73_728)
    }
}

extension MemoryCommandTests {
    /// `--order best` shows the order found; on tiny_net (a chain with one residual and a
    /// squeeze-and-excitation branch) no order peaks lower, and the search says it is exact.
    @Test func bestOrder() throws {
        let result = try CommandLineTests.run(["memory", Self.tinyNet, "--order", "best", "--format", "json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(object["order"] as? String == "best")
        #expect(object["best_order_exact"] as? Bool == true)
        #expect(object["best_order_peak_bytes"] as? Int == 147_456)
        let arena = try #require(object["arena"] as? [String: Any])
        #expect(arena["lower_bound_bytes"] as? Int == 147_456)
        // 25 layers, the input included, one of them a view (flatten): 24 buffers to place.
        #expect((arena["plan"] as? [[String: Any]])?.count == 24)
    }

    /// An ONNX file whose Loop depends on the data: the schedule is partial, status 1.
    @Test func partialSchedulesFail() throws {
        let model = CommandLineTests.root.appendingPathComponent("Tests/ONNXTests/Fixtures/generated/loop_runtime_trips_opset13.onnx").path
        let result = try CommandLineTests.run(["memory", model])
        #expect(result.status == 1)
        #expect(result.errors.contains("partial result"))
    }
}

extension MemoryCommandTests {
    /// MobileNetV2's Section 5.1 on tiny_net: its inverted residual block expands 16
    /// channels to 64 (t = 4), so in 4 splits each expanded buffer is 65,536 / 4 = 16,384
    /// bytes and the block needs at most the stem's 16,384 plus two of them, 49,152. The
    /// peak moves to the head: its conv's and norm's 32 × 16 × 16 × 4 = 32,768 bytes each.
    @Test func splitExpansions() throws {
        let result = try CommandLineTests.run(["memory", Self.tinyNet, "--split-expansions", "--format", "json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(object["split_expansions"] as? Bool == true)
        #expect(object["peak_bytes"] as? Int == 65_536)
        #expect(object["peak_layer"] as? String == "head.bn")
        let steps = try #require(object["steps"] as? [[String: Any]])
        let expand = try #require(steps.first { $0["layer"] as? String == "block.expand.conv" })
        #expect(expand["allocated_bytes"] as? Int == 16_384)
    }
}

extension MemoryCommandTests {
    /// `--training` on MobileNetV2 at batch 1 with Adam: the JSON names of DESIGN-NOTES,
    /// PyTorch's 78,345,984 saved bytes, and in 1 GiB (written `1GB`) batch 13 (the
    /// derivation is in TrainingMemoryTests.largestBatchWithinABudget).
    @Test func trainingMemoryAndBudget() throws {
        let result = try CommandLineTests.run(["memory", "mobilenet_v2", "--training", "--budget", "1GB", "--format", "json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let training = try #require(object["training"] as? [String: Any])
        #expect(training["saved_activation_bytes"] as? Int == 78_345_984)
        #expect(training["parameter_bytes"] as? Int == 14_019_488)
        #expect(training["gradient_bytes"] as? Int == 14_019_488)
        #expect(training["optimizer_bytes"] as? Int == 28_038_976)
        #expect(training["total_bytes"] as? Int == 78_345_984 + 4 * 14_019_488 + 136_448)
        #expect(training["largest_batch"] as? Int == 13)
        let layers = try #require(training["layers"] as? [[String: Any]])
        #expect(layers.first?["layer"] as? String == "features.0.conv")
        #expect(layers.first?["bytes"] as? Int == 3 * 224 * 224 * 4)

        let text = try CommandLineTests.run(["memory", "mobilenet_v2", "--training", "--optimizer", "sgd", "--budget", "1G"])
        #expect(text.status == 0)
        #expect(text.output.contains("optimizer state (sgd)"))
        #expect(text.output.contains("the largest batch that fits is 13,"))
        let misuse = try CommandLineTests.run(["memory", "mobilenet_v2", "--budget", "1G"])
        #expect(misuse.status == 2)
        #expect(misuse.errors.contains("--budget is for a training step: add --training"))
    }
}

extension MemoryCommandTests {
    /// `--by-resolution` on MobileNetV1 at fp16, deployed and in place: Table 3's rows
    /// beside the paper's column, MobileNetV1's 64 channels at 112×112 (64 · 112² · 2 =
    /// 1,605,632 bytes, the paper's 64/1600) and its 1600K `max`.
    @Test func table3ByResolution() throws {
        let result = try CommandLineTests.run(["memory", "mobilenet_v1", "--by-resolution", "--dtype", "fp16", "--fuse", "--in-place"])
        #expect(result.status == 0)
        let row = try #require(result.output.split(separator: "\n").first { $0.hasPrefix("112x112") })
        #expect(row.contains("1,605,632"))
        #expect(row.hasSuffix("64/1600"))
        #expect(result.output.contains("Paper: MobileNetV1"))
        let json = try CommandLineTests.run(["memory", "mobilenet_v1", "--dtype", "fp16", "--fuse", "--in-place", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        let rows = try #require(object["by_resolution"] as? [[String: Any]])
        #expect(rows.first { $0["resolution"] as? Int == 7 }?["bytes"] as? Int == 1024 * 7 * 7 * 2)
    }
}
