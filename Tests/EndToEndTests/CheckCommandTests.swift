import Foundation
import Testing

@Suite("Check, end to end")
struct CheckCommandTests {
    @Test func jsonFollowsTheContract() throws {
        let result = try CommandLineTests.run(["check", "mobilenet_v2", "--format", "json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        let ratios = try #require(object["ratios"] as? [[String: Any]])
        for finding in findings {
            #expect(Set(finding.keys).isSuperset(of: ["rule", "severity", "layer", "message", "values"]))
        }
        for ratio in ratios {
            #expect(Set(ratio.keys).isSuperset(of: ["name", "layer", "measured", "predicted"]))
        }
        let rules = Set(findings.compactMap { $0["rule"] as? String })
        #expect(rules.isSuperset(of: ["G1", "G3", "G4", "DW-RATIO", "WIDTH-SCALING", "RESOLUTION-SCALING", "COMPOUND-SCALING", "RF"]))
    }

    @Test func failOnMakesCheckAGate() throws {
        // MobileNetV2 has G1 and G4 warnings and no errors.
        #expect(try CommandLineTests.run(["check", "mobilenet_v2", "--fail-on", "warning"]).status == 1)
        #expect(try CommandLineTests.run(["check", "mobilenet_v2", "--fail-on", "error"]).status == 0)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("netcost-misaligned-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #"""
        {"input": [3, 16, 16], "layers": [
          {"name": "a", "op": "conv2d", "out": 3, "kernel": 3, "padding": 1, "inputs": "input"},
          {"name": "b", "op": "conv2d", "out": 3, "kernel": 3, "padding": {"top": 0, "bottom": 2, "left": 1, "right": 1}, "inputs": "input"},
          {"name": "sum", "op": "add", "inputs": ["a", "b"]}
        ]}
        """#.write(toFile: path, atomically: true, encoding: .utf8)
        let misaligned = try CommandLineTests.run(["check", path, "--rules", "RF", "--fail-on", "error"])
        #expect(misaligned.status == 1)
        #expect(misaligned.output.contains("RF    error     sum"))
    }

    /// Rule FIT on tiny_net at fp32: its activation arena is its peak, 147,456 bytes (the
    /// stem's 16,384 waiting for the residual add beside the expansion and its batch norm,
    /// 65,536 each), exactly 144K: it fits 144K of SRAM with nothing to spare and misses
    /// 143K by 1,024 bytes, an error that --fail-on error turns into status 1.
    @Test func fitComparesTheArenaWithSRAM() throws {
        let tinyNet = CommandLineTests.root.appendingPathComponent("Tests/EndToEndTests/Fixtures/tiny_net.json").path
        let fits = try CommandLineTests.run(["check", tinyNet, "--rules", "FIT", "--sram", "144K", "--fail-on", "error"])
        #expect(fits.status == 0)
        #expect(fits.output.contains("needs 147,456 bytes of 147,456 of SRAM (100.0%): fits, 0 bytes to spare"))
        let over = try CommandLineTests.run(["check", tinyNet, "--rules", "FIT", "--sram", "143K", "--fail-on", "error"])
        #expect(over.status == 1)
        #expect(over.output.contains("does not fit, 1,024 bytes over"))
        // Without --sram or --flash FIT has nothing to compare.
        let none = try CommandLineTests.run(["check", tinyNet, "--rules", "FIT"])
        #expect(none.status == 0 && none.output.contains("0 findings"))
    }

    @Test func unknownRuleIsAUsageError() throws {
        let result = try CommandLineTests.run(["check", "mobilenet_v2", "--rules", "G5"])
        #expect(result.status == 2)
        #expect(result.errors.contains("G1, G2, G3, G4"))
    }

    @Test func onnxFilesAreChecked() throws {
        let model = CommandLineTests.root.appendingPathComponent("Tests/ONNXTests/Fixtures/shared/tv_mobilenet_v2.onnx").path
        let result = try CommandLineTests.run(["check", model, "--rules", "G1,WIDTH-SCALING"])
        #expect(result.status == 0)
        #expect(result.output.contains("skipped: scaling rebuilds the network from a spec"))
    }
}
