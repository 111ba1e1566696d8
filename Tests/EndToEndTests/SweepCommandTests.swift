import Foundation
import Testing

@Suite("Sweeps and model lists, end to end")
struct SweepCommandTests {
    @Test func gridInEveryFormat() throws {
        let arguments = ["sweep", "mobilenet_v1", "--width", "1,0.5", "--resolution", "224,128"]
        let text = try CommandLineTests.run(arguments)
        #expect(text.status == 0)
        // MobileNets Table 6 and 7: 569M at 1.0/224, 149M at 0.5/224, 186M at 1.0/128.
        #expect(text.output.contains("568.74M") && text.output.contains("149.50M") && text.output.contains("186.40M"))
        let csv = try CommandLineTests.run(arguments + ["--format", "csv"])
        #expect(csv.output.hasPrefix("width,resolution,params,macs,flops,macs_ratio,predicted\n1,224,4231976,568740352,"))
        let json = try CommandLineTests.run(arguments + ["--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect((object["points"] as? [Any])?.count == 4)
        let markdown = try CommandLineTests.run(arguments + ["--format", "markdown"])
        #expect(markdown.output.contains("| width | resolution |"))
    }

    @Test func compoundScalingBesideTheReleasedModels() throws {
        let result = try CommandLineTests.run(["sweep", "efficientnet_b0", "--phi", "0,1", "--format", "json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let points = try #require(object["points"] as? [[String: Any]])
        #expect(points[1]["resolution"] as? Int == 258)  // 224 × 1.15, rounded
        let released = try #require(points[1]["released"] as? [String: Any])
        #expect(released["name"] as? String == "efficientnet_b1")
        #expect(released["params"] as? Int == 7_794_184)  // torchvision efficientnet_b1
    }

    /// The options every model-reading command takes hold under every point: one input
    /// channel and 10 classes. MobileNet V1 at 224 has 4,231,976 params and 568,740,352
    /// MACs; one channel instead of three takes 3·3·2·32 = 576 weights and 112·112·32·18 =
    /// 7,225,344 MACs from the stem, and 10 classes instead of 1,000 take 990·1,025 =
    /// 1,014,750 params and 990·1,024 = 1,013,760 MACs from the classifier. At 128 the
    /// input keeps its one channel.
    @Test func sharedOptionsHoldUnderEveryPoint() throws {
        let result = try CommandLineTests.run(["sweep", "mobilenet_v1", "--width", "1", "--resolution", "224,128", "--input", "1x224x224",
                                               "--classes", "10", "--depth-multiplier", "1", "--max-layers", "1000", "--format", "csv"])
        #expect(result.status == 0, "\(result.errors)")
        let rows = result.output.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        #expect(rows.count == 3)
        #expect(rows.dropFirst().map { $0[2] } == ["3216650", "3216650"])
        #expect(rows[1][3] == String(568_740_352 - 7_225_344 - 1_013_760))
        #expect(rows[2][1] == "128")
        let tooFew = try CommandLineTests.run(["sweep", "mobilenet_v1", "--max-layers", "5"])
        #expect(tooFew.status == 1)
    }

    @Test func phiAndGridDoNotMix() throws {
        let result = try CommandLineTests.run(["sweep", "efficientnet_b0", "--phi", "1", "--width", "2"])
        #expect(result.status == 2)
    }

    @Test func modelsListsTheShippedSpecs() throws {
        let result = try CommandLineTests.run(["models", "--format", "csv"])
        #expect(result.status == 0)
        #expect(result.output.contains("mobilenet_v2,3x224x224,3504872,300774272,"))
        let specs = try FileManager.default.contentsOfDirectory(atPath: CommandLineTests.root.appendingPathComponent("specs").path)
            .filter { $0.hasSuffix(".json") }
        #expect(result.output.split(separator: "\n").count == specs.count + 1)
    }

    @Test func modelSizeOptions() throws {
        let result = try CommandLineTests.run(["report", "squeezenet1_0", "--bits", "8", "--density", "0.33", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let size = try #require(object["model_size"] as? [String: Any])
        // ⌈1,248,424 × 0.33⌉ = 411,980 weights × (8 + 4) bits / 8.
        #expect(size["bytes"] as? Int == 617_970)
    }
}
