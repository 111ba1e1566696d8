import Foundation
import Testing

@Suite("ONNX files, end to end")
struct ONNXCommandTests {
    static let fixtures = CommandLineTests.root.appendingPathComponent("Tests/ONNXTests/Fixtures")

    @Test func sharedModelsReportTheirTruth() throws {
        // shared/onnx/truth.json: tv_resnet18 has 11,680,872 float initializer elements
        // and 1,814,073,344 conv+linear multiply-accumulates.
        let result = try CommandLineTests.run(["report", Self.fixtures.appendingPathComponent("shared/tv_resnet18.onnx").path, "--format", "json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let totals = try #require(object["totals"] as? [String: Any])
        #expect(totals["params"] as? Int == 11_680_872)
        #expect(totals["macs"] as? Int == 1_814_073_344)
        #expect(object["partial"] as? Bool == false)
    }

    /// TopK (both its outputs) and NonZero are marked as data-dependent in JSON, and named so on stderr.
    @Test func postProcessingIsMarked() throws {
        let model = Self.fixtures.appendingPathComponent("generated/post_processing_opset13.onnx").path
        let json = try CommandLineTests.run(["report", model, "--format", "json"])
        #expect(json.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        let unsupported = try #require(object["unsupported"] as? [[String: Any]])
        #expect(unsupported.filter { $0["data_dependent"] as? Bool == true }.compactMap { $0["op"] as? String } == ["TopK", "TopK", "NonZero"])
        #expect(json.errors.contains("warning: control flow and post-processing, whose work depends on the data: TopK ×1, NonZero ×1"))
    }

    @Test func unsupportedOpsMakeAPartialResultThatSaysSo() throws {
        let model = Self.fixtures.appendingPathComponent("generated/unsupported_opset13.onnx").path
        let text = try CommandLineTests.run(["report", model])
        #expect(text.status == 1)
        #expect(text.output.contains("PARTIAL: 4 layers (Celu ×1, Elu ×1, PRelu ×1, com.example.Foo ×1) were not counted"))
        #expect(text.errors.contains("warning: com.example.Foo ×1 not counted (g)"))
        let json = try CommandLineTests.run(["report", model, "--format", "json"])
        #expect(json.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect(object["partial"] as? Bool == true)
        #expect((object["unsupported"] as? [Any])?.count == 4)
        // The two convs are still counted: 3x3 4→4 on 8x8 and 1x1 4→2 on 10x10.
        let totals = try #require(object["totals"] as? [String: Any])
        #expect(totals["macs"] as? Int == 4 * 8 * 8 * 4 * 9 + 2 * 10 * 10 * 4)
    }

    @Test func resolutionOverrideReinfersShapes() throws {
        // ResNet-18 at 160: the stem's 7x7/2 conv gives 64x80x80; 3·49·64 weights × 6400 positions.
        let result = try CommandLineTests.run(["report", Self.fixtures.appendingPathComponent("shared/tv_resnet18.onnx").path,
                                               "--resolution", "160", "--flat", "--format", "csv"])
        #expect(result.status == 0)
        #expect(result.output.contains(",64x80x80,"))
        #expect(result.output.contains(",\(3 * 49 * 64 * 6400),"))
    }

    /// `verify --fuse` of the Squeeze fixture: at its own 4x1x1 input both reshapes
    /// match; at --resolution 32 its Squeeze of axes 2 and 3 (then 32 wide) cannot run,
    /// and six runs (six processes, six hash seeds) give the same refusal byte for byte.
    @Test func squeezeFixtureVerifiesAtItsOwnSizeAndIsRefusedTheSameWayAtAnother() throws {
        let model = Self.fixtures.appendingPathComponent("generated/squeeze_opset13.onnx").path
        let own = try CommandLineTests.run(["verify", model, "--fuse"])
        #expect(own.status == 0)
        #expect(own.output.hasPrefix("""
            squeeze_opset13: symbolic counts (left) against what the kernels counted (right), seed 0

            Layer  Op       MACs  counted  Memory  counted  Params  counted
            -----  -------  ----  -------  ------  -------  ------  -------  --
            s      reshape     0        0       0        0       0        0  ok
            y      reshape     0        0       0        0       0        0  ok

            squeeze_opset13: 2 of 2 layers match

            """))
        let refusal = "error: \(model): layer \"s\": field \"axes\": Squeeze node: axis 2 of [1, 4, 32, 32] has size 32, not 1 (the file's input is 4x1x1; --resolution 32 made it 4x32x32)\n"
        for _ in 0..<6 {
            let resized = try CommandLineTests.run(["verify", model, "--fuse", "--resolution", "32"])
            #expect(resized.status == 1)
            #expect(resized.output.isEmpty)
            #expect(resized.errors == refusal)
        }
    }

    /// `symbolic_input_opset13.onnx` is one Relu on an input declared `[N, 3, H, W]`.
    /// At `--input 3x32x32` it is one relu layer on 3·32·32 elements (docs/counting.md):
    /// no params or MACs, 1 flop per element, memory access = its reads and writes,
    /// activations = its output. A leading batch axis of 2 doubles all but the
    /// (absent) weights, and `--resolution 32` keeps the file's 3 channels.
    @Test func symbolicInputTakesTheGivenSize() throws {
        let model = Self.fixtures.appendingPathComponent("generated/symbolic_input_opset13.onnx").path
        let elements = 3 * 32 * 32
        for (arguments, batch) in [(["--input", "3x32x32"], 1), (["--input", "2x3x32x32"], 2), (["--resolution", "32"], 1)] {
            let result = try CommandLineTests.run(["report", model, "--format", "json"] + arguments)
            #expect(result.status == 0, "\(arguments): \(result.errors)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
            #expect(object["input"] as? [Int] == [3, 32, 32])
            #expect(object["batch"] as? Int == batch)
            let totals = try #require(object["totals"] as? [String: Any])
            #expect(totals["params"] as? Int == 0)
            #expect(totals["buffers"] as? Int == 0)
            #expect(totals["macs"] as? Int == 0)
            #expect(totals["flops"] as? Int == batch * elements * 1)
            #expect(totals["memory_access"] as? Int == batch * (elements + elements))
            #expect(totals["memory_access_bytes"] as? Int == batch * (elements + elements) * 4)
            #expect(totals["activations"] as? Int == batch * elements)
        }
        let refused = try CommandLineTests.run(["report", model])
        #expect(refused.status == 1)
        #expect(refused.output.isEmpty)
        #expect(refused.errors == "error: \(model): field \"input\": dimension 2 of graph input \"x\" is symbolic (H in [N, 3, H, W]); give the input size with --input (per sample: 3xHxW)\n")
    }

    @Test func widthCannotChangeAnONNXFile() throws {
        let result = try CommandLineTests.run(["report", Self.fixtures.appendingPathComponent("shared/tv_resnet18.onnx").path, "--width", "0.5"])
        #expect(result.status == 1)
        #expect(result.errors.contains("--width, --depth-multiplier and --classes need a spec"))
    }

    @Test func truncatedFileIsAClearError() throws {
        let source = Self.fixtures.appendingPathComponent("shared/tv_alexnet.onnx")
        let data = try Data(contentsOf: source)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("netcost-truncated-\(UUID().uuidString).onnx").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
        let result = try CommandLineTests.run(["report", path])
        #expect(result.status == 1)
        #expect(result.errors.hasPrefix("error: \(path)"))
    }
}
