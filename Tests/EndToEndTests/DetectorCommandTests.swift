import Foundation
import Testing

/// Issue 13 as a new user meets it: batch on the command line, the overrides echoed,
/// several outputs in the JSON and the footer, the RetinaNet specs and their checks.
@Suite("Detectors and batch, end to end")
struct DetectorCommandTests {
    static func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try CommandLineTests.run(arguments)
        #expect(result.status == 0, "\(arguments): \(result.errors)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    }

    @Test func aLeadingBatchAxisIsTheBatch() throws {
        // torchvision mobilenet_v2: 300,774,272 MACs a sample, 3,504,872 parameters.
        let report = try Self.json(["report", "mobilenet_v2", "--input", "4x3x224x224", "--format", "json"])
        #expect(report["batch"] as? Int == 4)
        #expect(report["input"] as? [Int] == [3, 224, 224])
        let totals = try #require(report["totals"] as? [String: Any])
        #expect(totals["macs"] as? Int == 4 * 300_774_272)
        #expect(totals["params"] as? Int == 3_504_872)
        #expect((report["overrides"] as? [String: Any])?["input"] as? [Int] == [4, 3, 224, 224])
        let text = try CommandLineTests.run(["report", "mobilenet_v2", "--batch", "2", "--width", "0.5", "--depth", "0"])
        #expect(text.output.hasPrefix("mobilenet_v2: input 3x224x224, batch 2, fp32, 153 layers\nas given: --width 0.5 --batch 2\n"))
        let conflict = try CommandLineTests.run(["report", "mobilenet_v2", "--input", "2x3x224x224", "--batch", "4"])
        #expect(conflict.status == 1)
        #expect(conflict.errors == "error: builtin:mobilenet_v2: field \"input\": [2, 3, 224, 224] leads with a batch of 2, but the batch is 4; drop the batch axis or give one batch\n")
        // verify runs the batch: both samples' kernels, counted, against the symbolic counts.
        let verify = try CommandLineTests.run(["verify", "mobilenet_v2", "--input", "2x3x32x32"])
        #expect(verify.status == 0)
        #expect(verify.output.contains("mobilenet_v2: 153 of 153 layers match"))
        #expect(try CommandLineTests.run(["bench", "mobilenet_v2", "--batch", "2"]).status == 2)
    }

    @Test func retinaNetReportsBothOutputsAndChecksClean() throws {
        let report = try Self.json(["report", "retinanet_resnet18_fpn", "--format", "json"])
        let outputs = try #require(report["outputs"] as? [[String: Any]])
        // 9 anchors on 64² + 32² + 16² + 8² + 4² = 5,456 positions: 49,104 anchors, 2 classes or 4 box values each.
        #expect(outputs.map { $0["name"] as? String } == ["cls_logits", "bbox_regression"])
        #expect(outputs.map { $0["shape"] as? [Int] } == [[49_104, 2], [49_104, 4]])
        #expect(outputs.allSatisfy { $0["receptive_field"] is NSNull })
        let text = try CommandLineTests.run(["report", "retinanet_resnet18_fpn", "--depth", "1"])
        #expect(text.output.contains("Outputs (2)"))
        #expect(text.output.contains("(weights of cls_p3") == false, "folded to depth 1")
        let check = try CommandLineTests.run(["check", "retinanet_resnet18_fpn", "--fail-on", "warning"])
        #expect(check.status == 0, "\(check.output)")
    }

    @Test func sweepStatesItsBaseline() throws {
        let result = try CommandLineTests.run(["sweep", "efficientnet_b0", "--phi", "1,2"])
        #expect(result.status == 0)
        #expect(result.output.contains("growth and 2^(φ−1) are against the first row, φ = 1"))
    }
}
