import Foundation
import Testing

@Suite("Conventions, end to end")
struct ConventionCommandTests {
    /// The JSON names of DESIGN-NOTES: `convention: {name, total, unit}` with thop's
    /// 327,486,720 for MobileNetV2 (thop 0.1.1's own output), and with `--training`
    /// `training: {forward_flops, backward_flops}`: FlopCounterMode's 601,548,544 and
    /// 11,678,152,448 (torch 2.13's own output).
    @Test func jsonNamesAndFigures() throws {
        let thop = try CommandLineTests.run(["report", "mobilenet_v2", "--convention", "thop", "--format", "json"])
        #expect(thop.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(thop.output.utf8)) as? [String: Any])
        let convention = try #require(object["convention"] as? [String: Any])
        #expect(convention["name"] as? String == "thop")
        #expect(convention["total"] as? Int == 327_486_720)
        #expect(convention["unit"] as? String == "MACs")

        let training = try CommandLineTests.run(["report", "mobilenet_v2", "--convention", "flopcounter", "--training", "--format", "json"])
        let trained = try #require(try JSONSerialization.jsonObject(with: Data(training.output.utf8)) as? [String: Any])
        let step = try #require(trained["training"] as? [String: Any])
        #expect(step["forward_flops"] as? Int == 601_548_544)
        #expect(step["backward_flops"] as? Int == 11_678_152_448)

        let text = try CommandLineTests.run(["report", "mobilenet_v2", "--convention", "fvcore"])
        #expect(text.output.contains("Total: 314,193,216 flops"))
        #expect(text.output.contains("not counted"))
        let misuse = try CommandLineTests.run(["report", "mobilenet_v2", "--convention", "fvcore", "--fuse"])
        #expect(misuse.status == 2)
        let noBackward = try CommandLineTests.run(["report", "mobilenet_v2", "--convention", "thop", "--training"])
        #expect(noBackward.status == 2)
        #expect(noBackward.errors.contains("thop counts no backward pass"))
    }

    /// `--explain fvcore,ptflops` on MobileNetV2: the tools' own totals differ by
    /// 320,300,008 − 314,193,216 = 6,106,792, which is ptflops' ReLU6 (6,105,792 output
    /// elements, once each) and the classifier's 1,000 bias adds; the parts add up.
    @Test func explainSplitsTheGap() throws {
        let result = try CommandLineTests.run(["report", "mobilenet_v2", "--explain", "fvcore,ptflops", "--format", "json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let explain = try #require(object["explain"] as? [String: Any])
        #expect(explain["difference"] as? Int == 6_106_792)
        let families = try #require(explain["by_family"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: families.map { ($0["family"] as? String ?? "", $0["difference"] as? Int ?? 0) })
        #expect(byName == ["activation": 6_105_792, "linear": 1_000])
        let layers = try #require(explain["layers"] as? [[String: Any]])
        #expect(layers.reduce(0) { $0 + ($1["difference"] as? Int ?? 0) } == 6_106_792)
        let misuse = try CommandLineTests.run(["report", "mobilenet_v2", "--explain", "fvcore"])
        #expect(misuse.status == 2)
    }

    /// `sweep --convention fvcore`: each point's total under fvcore's rules; at width 1
    /// it is fvcore's own 314,193,216 for MobileNetV2.
    @Test func sweepCarriesTheConvention() throws {
        let result = try CommandLineTests.run(["sweep", "mobilenet_v2", "--width", "1.0,0.5", "--convention", "fvcore", "--format", "json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let points = try #require(object["points"] as? [[String: Any]])
        #expect(points.first?["convention_total"] as? Int == 314_193_216)
        #expect((object["convention"] as? [String: Any])?["name"] as? String == "fvcore")
    }
}

