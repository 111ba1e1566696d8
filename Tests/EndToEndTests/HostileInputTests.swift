import Foundation
import Testing

/// Every input that once made the release binary trap, hang or grow without bound
/// (Fixtures/reproducers, from ../shared/reproducers and the fuzzers), run as a user
/// would: each must end with exit status 1, no signal, and the exact error, well
/// inside a deadline that only a hang reaches.
@Suite("Hostile input, end to end")
struct HostileInputTests {
    static let directory = "Tests/EndToEndTests/Fixtures/reproducers/"
    /// Seconds: far above the milliseconds these take, far below "for ever".
    static let deadline = 60.0

    static func expectRefused(_ arguments: [String], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try CommandLineTests.run(arguments, deadline: deadline)
        #expect(!result.signalled, "\(arguments) ended by a signal", sourceLocation: sourceLocation)
        #expect(result.status == 1, "\(arguments)", sourceLocation: sourceLocation)
        #expect(result.errors == "error: " + message + "\n", sourceLocation: sourceLocation)
    }

    static let tooManyElements = "more than the limit of 100,000,000,000,000 in one tensor; --max-elements raises it"

    /// ONNX files whose initializer dims were mutated to 2⁶¹…2⁶²: a stored tensor no
    /// machine holds, refused by the element limit before any count is made.
    @Test(arguments: [
        ("trap_json_bytes_mut_onnx_00322.onnx", "y", "w", "4,611,686,018,427,387,904"),
        ("trap_json_bytes_mut_onnx_00771.onnx", "y", "roi", "4,611,686,018,427,387,904"),
        ("trap_json_bytes_mut_onnx_01904.onnx", "y", "roi", "4,611,686,018,427,387,904"),
        ("trap_json_bytes_mut_onnx_03100.onnx", "y", "b", "4,611,686,018,427,387,904"),
        ("trap_json_bytes_mut_onnx_04640.onnx", "y", "w", "4,611,686,018,427,387,904"),
        ("trap_json_bytes_mut_onnx_05834.onnx", "classifier.6.gemm", "classifier.6.weight", "4,611,686,018,427,387,904"),
        ("trap_json_bytes_mut_onnx_06855.onnx", "y", "b", "4,611,686,018,427,387,904"),
        ("trap_json_bytes_mut_onnx_07118.onnx", "y", "w", "4,611,686,018,427,387,904"),
        ("trap_json_bytes_mut_onnx_09497.onnx", "features.4.1.block.2.fc1.conv", "features.4.1.block.2.fc1.bias", "4,611,686,018,427,387,904"),
        ("trap_json_bytes_unknown_op_2e61.onnx", "Y", "W", "2,305,843,009,213,693,952"),
    ])
    func hugeStoredTensors(file: String, layer: String, tensor: String, elements: String) throws {
        let path = Self.directory + file
        try Self.expectRefused(["report", path, "--format", "json"],
                               "\(path): layer \"\(layer)\": stored tensor \"\(tensor)\" has \(elements) elements, " + Self.tooManyElements)
    }

    /// A fuzzed .tflite with a convolution's stride of −50,331,647 (it divided by zero in
    /// the shared window geometry, which now refuses sizes below 1 for every importer).
    @Test func tfliteConvolutionStrideBelowOne() throws {
        let path = Self.directory + "trap_tflite_zero_conv_stride.tflite"
        try Self.expectRefused(["report", path], path + ": layer \"op_zoo_1.conv2d_1_2.BiasAdd\": field \"stride\": stride -50331647 must be at least 1")
    }

    /// A fuzzed .tflite whose tensor sizes overflowed the arena planner's sums (found by
    /// scripts/fuzz.sh tflite): refused when read, by every command that reads it.
    @Test func tfliteTensorTooLargeForAnyDevice() throws {
        let path = Self.directory + "trap_tflite_planner_overflow.tflite"
        let message = path + ": tensor 23 (op_zoo_1/average_pooling2d_1/AvgPool) has 9,223,372,036,854,775,807 elements, "
            + "more than the limit of 100,000,000,000,000 in one tensor"
        try Self.expectRefused(["memory", path, "--planner", "tflm"], message)
        try Self.expectRefused(["report", path], message)
        try Self.expectRefused(["check", path, "--sram", "256K"], message)
    }

    /// A linear layer of 2³¹ × 2³¹ (or 2³¹ × 2³⁰) weights: each count fits in 64 bits, but
    /// the totals pass 2⁶⁰, past which bytes at 8 per element would not.
    @Test(arguments: [
        ("trap_json_bytes_linear_2e62.json", [] as [String]),
        ("trap_json_bytes_linear_2e61_bits64.json", ["--bits", "64"]),
    ])
    func totalsPastTwoToTheSixty(file: String, extra: [String]) throws {
        let path = Self.directory + file
        for format in ["json", "text", "csv", "html"] {
            try Self.expectRefused(["report", path, "--format", format] + extra,
                                   "\(path): layer \"1\": with this layer the model's totals pass 2⁶⁰ − 1 (about 1.15 × 10¹⁸), the most netcost counts")
        }
    }

    /// Stage rows repeated 10⁶ to 2³¹ − 1 times are refused before a single block is expanded.
    @Test(arguments: [
        ("unbounded_stage_repeat_2147483647.json", "f", 0, "2,147,483,647"),
        ("unbounded_stage_repeat_mut_spec_00799.json", "features", 0, "1,000,000"),
        ("unbounded_stage_repeat_mut_spec_02439.json", "stage", 0, "2,147,483,647"),
        ("unbounded_stage_repeat_mut_spec_03869.json", "features.", 0, "2,147,483,647"),
        ("unbounded_stage_repeat_mut_spec_05529.json", "stage", 0, "2,147,483,647"),
        ("unbounded_stage_repeat_mut_spec_05642.json", "features.", 2, "2,147,483,647"),
    ])
    func stageRowsPastTheLayerLimit(file: String, layer: String, row: Int, repeats: String) throws {
        let path = Self.directory + file
        let message = "\(path):1: layer \"\(layer)\": field \"rows\": row \(row): \(repeats) repeats: the model would have more than 250,000 layers, the limit; --max-layers raises it"
        try Self.expectRefused(["report", path, "--format", "json"], message)
        try Self.expectRefused(["check", path], message)
        try Self.expectRefused(["verify", path, "--resolution", "32"], message)
    }

    /// User blocks each using the next: 20,000 of them (878 KB) overflowed the stack
    /// (signal 11) before nesting was bounded; 40 show the bound.
    @Test func userBlocksNestAtMostThirtyTwoDeep() throws {
        let path = Self.directory + "stack_user_block_chain_40.json"
        let layer = "x" + String(repeating: ".0", count: 32)
        try Self.expectRefused(["report", path],
                               "\(path):1: layer \"\(layer)\": field \"block\": blocks nest more than 32 deep: b0 → b1 → b2 → … → b32")
    }

    @Test func aLayerLimitOfTheUsersOwn() throws {
        try Self.expectRefused(["report", "mobilenet_v2", "--max-layers", "100"],
                               "builtin:mobilenet_v2:12: layer \"features.12.dw.act\": the model would have more than 100 layers, the limit; --max-layers raises it")
        // MobileNetV2 has 154 layers with its input: a limit of 154 passes.
        let result = try CommandLineTests.run(["report", "mobilenet_v2", "--max-layers", "154", "--format", "csv"])
        #expect(result.status == 0)
    }

    /// Two 6144-channel convs at 32×32: 6144·3·1024 + 6144·6144·9·1024 = 347,913,289,728
    /// MACs and 2·6144·1024 bias adds, half of which make the work 347,919,581,184: minutes of counting kernels within the old 4 GiB memory limit (2.8 GiB),
    /// which the memory limit is raised to here to show the MAC budget alone.
    @Test func verifyRefusesWorkPastTheMACBudget() throws {
        let path = Self.directory + "slow_verify_compute_within_limit.json"
        try Self.expectRefused(["verify", path, "--resolution", "32", "--max-memory", "4G"],
                               "\(path): field \"max-macs\": one pass of this graph does the work of 347.92G MACs (half its FLOPs, or its memory access if more), more than the --max-macs limit of 100.00G; shrink the input with --resolution or raise --max-macs")
        try Self.expectRefused(["bench", path, "--resolution", "32", "--max-macs", "1G", "--max-memory", "4G"],
                               "\(path): field \"max-macs\": one pass of this graph does the work of 347.92G MACs (half its FLOPs, or its memory access if more), more than the --max-macs limit of 1.00G; shrink the input with --resolution or raise --max-macs")
    }

    /// EfficientNet-B7 at width 3 (a mutation of its spec: 150 M weights): `verify` took
    /// 1.14 GB of resident memory under the old 4 GiB default; the plan now refuses it.
    @Test func verifyKeepsUnderOneGibibyteByDefault() throws {
        let path = Self.directory + "mem_verify_b7_width3.json"
        try Self.expectRefused(["verify", path, "--resolution", "16"],
                               "\(path): field \"max-memory\": running this graph needs 1.1 GiB (activations at their peak 144 KiB, parameters 1.1 GiB, scratch 27 KiB), more than the --max-memory limit of 1 GiB; shrink the input with --resolution or raise --max-memory")
    }

    /// Max pooling with a 1000×1000 window on 2000×2000: no MACs, 10¹² FLOPs. The budget
    /// counts the work, half the FLOPs: 1001² · 1000² = 1.002 · 10¹² FLOPs, 501 G.
    @Test func theWorkBudgetCountsMoreThanMACs() throws {
        let path = Self.directory + "slow_verify_pooling_no_macs.json"
        try Self.expectRefused(["verify", path],
                               "\(path): field \"max-macs\": one pass of this graph does the work of 501.00G MACs (half its FLOPs, or its memory access if more), more than the --max-macs limit of 100.00G; shrink the input with --resolution or raise --max-macs")
    }

    @Test func specialFilesAreRefusedByKind() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("netcost-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // FIFOs with no writer: open(2) would wait for one for ever.
        for (name, kind) in [("x.onnx", "an ONNX model"), ("x.json", "a spec file")] {
            let fifo = directory.appendingPathComponent(name).path
            #expect(mkfifo(fifo, 0o644) == 0)
            try Self.expectRefused(["report", fifo], "\(fifo): is a FIFO (named pipe), not \(kind)")
        }
        try Self.expectRefused(["report", "/dev/zero"], "/dev/zero: is a character device, not a spec file")
        let folder = directory.appendingPathComponent("model.onnx").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        try Self.expectRefused(["report", folder], "\(folder): is a directory, not an ONNX model")
    }

    /// A 2 GiB sparse spec, named directly or through a 28-byte spec's `extends`: refused
    /// by its size before a byte is read.
    @Test func oversizedSpecsAreRefusedBeforeReading() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("netcost-sparse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let sparse = directory.appendingPathComponent("sparse2g.json").path
        #expect(FileManager.default.createFile(atPath: sparse, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: sparse))
        try handle.truncate(atOffset: 2 << 30)
        try handle.close()
        let extending = directory.appendingPathComponent("mem_extends_2g_sparse.json").path
        try FileManager.default.copyItem(atPath: Self.directory + "mem_extends_2g_sparse.json", toPath: extending)
        for path in [sparse, extending] {
            try Self.expectRefused(["report", path], "\(sparse): is 2 GiB, over the limit of 64 MiB for a spec file")
        }
    }
}
