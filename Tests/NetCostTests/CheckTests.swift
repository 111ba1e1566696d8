import Foundation
import NetCost
import Testing

/// `netcost check`'s rules, each on a small network built to break it (numbers derived
/// by hand from the papers' formulas) and on shipped specs.
@Suite("Checks")
struct CheckTests {
    private func check(_ layers: String, input: String = "[32, 56, 56]", rules: Set<String>) throws -> CheckReport {
        let text = #"{"name": "probe", "input": \#(input), "classes": 10, "layers": [\#(layers)]}"#
        let model = try SpecLoader.load(text: text)
        var options = CheckOptions()
        options.rules = rules
        return try Checker.check(model, rebuild: { (overrides: SpecOverrides) throws(InputError) -> LoadedModel in
            try SpecLoader.load(text: text, overrides: overrides)
        }, options: options)
    }

    private func builtIn(_ name: String, rules: Set<String>) throws -> CheckReport {
        var options = CheckOptions()
        options.rules = rules
        return try Checker.check(try BuiltinModels.load(name), rebuild: { (overrides: SpecOverrides) throws(InputError) -> LoadedModel in
            try BuiltinModels.load(name, overrides: overrides)
        }, options: options)
    }

    private func value(_ finding: Finding?, _ key: String) -> Double? {
        finding?.values.first { $0.key == key }?.value
    }

    // MARK: G1

    @Test func equalWidthsMeetTheLowerBoundExactly() throws {
        // c1 = c2 = 32 on 56x56: MAC = hw(c1 + c2) + c1·c2 = 3136·64 + 1024, and the bound
        // 2√(hw·B) + B/hw = 2·3136·32 + 1024 is the same number (equality iff c1 = c2).
        let report = try check(#"{"name": "pw", "op": "conv2d", "out": 32, "kernel": 1, "bias": false}"#, rules: ["G1"])
        #expect(report.findings.filter { $0.severity == .warning }.isEmpty)
        #expect(value(report.findings.first { $0.layer == nil }, "worst_ratio") == 1)
    }

    @Test func unequalWidthsAreFlaggedWithTheirRatio() throws {
        // 16 → 192 (1:12) on 56x56: MAC = 3136·(16 + 192) + 16·192 = 655,360;
        // bound = 2·3136·√(16·192) + 16·192 = 6272·55.4256… + 3072 = 350,709.6…; ratio 1.8687.
        let report = try check(#"{"name": "pw", "op": "conv2d", "out": 192, "kernel": 1, "bias": false}"#, input: "[16, 56, 56]", rules: ["G1"])
        let warning = try #require(report.findings.first { $0.severity == .warning })
        #expect(warning.layer == "pw")
        let memoryAccess: Double = 3136 * 208 + 3072
        let bound: Double = 2 * 3136 * (16.0 * 192).squareRoot() + 3072
        let expected = memoryAccess / bound
        #expect(abs((value(warning, "ratio") ?? 0) - expected) < 1e-9)
        #expect(warning.message.contains("1:12"))
    }

    // MARK: G2

    @Test func groupConvolutionMovesMoreThanUngrouped() throws {
        // 1x1 conv 64 → 64 with g = 4 on 28x28 (hw = 784), no bias:
        // MAC(g) = hw·c1 + hw·c2 + c1·c2/g = 784·64 + 784·64 + 1024 = 101,376;
        // at g = 1 with the same MACs the output has c2/g = 16 channels: 784·64 + 784·16 + 1024 = 63,744.
        let report = try check(#"{"name": "gc", "op": "conv2d", "out": 64, "kernel": 1, "groups": 4, "bias": false}"#, input: "[64, 28, 28]", rules: ["G2"])
        let finding = try #require(report.findings.first { $0.rule == "G2" })
        #expect(value(finding, "memory_access") == 101_376)
        #expect(value(finding, "memory_access_at_g1") == 63_744)
        #expect(finding.severity == .warning)  // 101,376 / 63,744 = 1.59 > 1.25
    }

    @Test func depthwiseConvolutionIsLeftToG4() throws {
        let report = try check(#"{"op": "conv2d", "out": 32, "kernel": 3, "padding": 1, "groups": "depthwise"}"#, rules: ["G2"])
        #expect(report.findings.isEmpty)
    }

    // MARK: G3

    @Test func fourParallelBranchesAreFragmented() throws {
        // A user's Inception-like block, written as a group: four 1x1 convs side by side
        // on the block's input, then concatenated.
        let block = #"""
        {"name": "mixed", "layers": [
          {"name": "b0", "op": "conv2d", "out": 8, "kernel": 1, "inputs": "input"},
          {"name": "b1", "op": "conv2d", "out": 8, "kernel": 1, "inputs": "input"},
          {"name": "b2", "op": "conv2d", "out": 8, "kernel": 1, "inputs": "input"},
          {"name": "b3", "op": "conv2d", "out": 8, "kernel": 1, "inputs": "input"},
          {"name": "cat", "op": "concat", "inputs": ["b0", "b1", "b2", "b3"]}
        ]}
        """#
        let report = try check(block, rules: ["G3"])
        let warning = try #require(report.findings.first { $0.severity == .warning })
        #expect(warning.layer == "mixed")
        #expect(value(warning, "parallel") == 4)
        #expect(value(warning, "series") == 1)
    }

    @Test func shuffleNetUnitsStayInSeries() throws {
        // A stride-2 ShuffleNet V2 unit: three convs in series on the branch, two on the
        // shortcut: at most 3 in series and 2 side by side.
        let report = try builtIn("shufflenet_v2_x1_0", rules: ["G3"])
        let summary = try #require(report.findings.first { $0.layer == nil })
        #expect(value(summary, "max_series") == 3)
        #expect(value(summary, "max_parallel") == 2)
        #expect(report.findings.allSatisfy { $0.severity == .info })
    }

    // MARK: G4

    @Test func mobileNetV2IsDominatedByElementwiseTraffic() throws {
        let report = try builtIn("mobilenet_v2", rules: ["G4"])
        let finding = try #require(report.findings.first)
        #expect(finding.severity == .warning)
        #expect((value(finding, "memory_access_share") ?? 0) > 0.5)
        #expect((value(finding, "fuse_saving") ?? 0) > 0.3)
    }

    @Test func elementwiseSharesFromAHandDerivation() throws {
        // On [16, 8, 8]: a 1×1 conv 16 → 16 without bias, then a ReLU.
        // conv: memory 1,024 read + 256 weights + 1,024 written = 2,304; FLOPs 2·(64·16·16) = 32,768.
        // relu: memory 1,024 + 1,024 = 2,048; FLOPs 1,024 (one per element).
        // Element-wise share of memory 2,048 / 4,352, of FLOPs 1,024 / 33,792. Fused, the ReLU
        // runs inside the conv and its 2,048 vanish: saving 2,048 / 4,352 as well.
        let layers = #"{"name": "pw", "op": "conv2d", "out": 16, "kernel": 1, "bias": false}, {"name": "act", "op": "relu"}"#
        let report = try check(layers, input: "[16, 8, 8]", rules: ["G4"])
        let finding = try #require(report.findings.first)
        #expect(abs((value(finding, "memory_access_share") ?? 0) - 2_048.0 / 4_352) < 1e-12)
        #expect(abs((value(finding, "flops_share") ?? 0) - 1_024.0 / 33_792) < 1e-12)
        #expect(value(finding, "fused_memory_access") == 2_304)
        #expect(abs((value(finding, "fuse_saving") ?? 0) - 2_048.0 / 4_352) < 1e-12)
        // 47.1% is under the 50% threshold: information, not a warning.
        #expect(finding.severity == .info)
    }

    // MARK: DW-RATIO

    @Test func depthwiseSeparableReproducesMobileNetsTableThree() throws {
        // MobileNets Table 3: Dk = 3, M = N = 512, DF = 14: standard 462M mult-adds and 2.36M
        // params, separable 52.3M and 0.27M; 1/N + 1/Dk² = 1/512 + 1/9 = 0.11306.
        let layers = #"{"name": "sep", "block": "depthwise_separable", "out": 512, "norm": "none", "activation": null}"#
        let report = try check(layers, input: "[512, 14, 14]", rules: ["DW-RATIO"])
        let macs = try #require(report.ratios.first { $0.name == "depthwise-separable-macs" })
        #expect(abs(macs.predicted - (1.0 / 512 + 1.0 / 9)) < 1e-12)
        #expect(abs(macs.measured - 52.3 / 462) < 0.001)
        #expect(abs(macs.deviation) < 1e-12)
    }

    // MARK: WIDTH-SCALING and RESOLUTION-SCALING

    @Test func widthScalingNamesTheLayersThatBreakAlphaSquared() throws {
        let report = try builtIn("mobilenet_v1", rules: ["WIDTH-SCALING"])
        let finding = try #require(report.findings.first)
        // The stem reads 3 channels and the classifier writes 1000 at any width.
        #expect(finding.message.contains("input channels do not scale: features.0.conv"))
        #expect(finding.message.contains("output channels do not scale: classifier"))
        // MobileNets Table 6: 1.0 → 569M, 0.5 → 149M mult-adds: 149.5/568.7 = 0.263 against α² = 0.25.
        let macs = try #require(report.ratios.first { $0.name == "width-0.5-macs" })
        #expect(abs(macs.measured - 149_500_000.0 / 568_740_352) < 0.001)
    }

    @Test func resolutionLeavesParametersAloneUnlessAWeightDependsOnIt() throws {
        let good = try builtIn("mobilenet_v1", rules: ["RESOLUTION-SCALING"])
        #expect(good.ratios.first { $0.name.hasSuffix("-params") }?.measured == 1)
        #expect(good.findings.first?.severity == .info)
        // A classifier on the flattened map (no global pooling) grows with the input.
        let layers = #"{"op": "conv2d", "out": 4, "kernel": 3, "padding": 1}, {"op": "flatten"}, {"op": "linear", "out": 10}"#
        let bad = try check(layers, input: "[3, 28, 28]", rules: ["RESOLUTION-SCALING"])
        #expect(bad.findings.first?.severity == .warning)
    }

    // MARK: COMPOUND-SCALING

    @Test func compoundScalingMeasuresGrowthAgainstTwoToThePhi() throws {
        let report = try builtIn("efficientnet_b0", rules: ["COMPOUND-SCALING"])
        let growth = try #require(report.ratios.first { $0.name == "compound-phi-1-macs-growth" })
        #expect(growth.predicted == 2)
        // B0 scaled by depth 1.2, width 1.1 at 258x258 (see docs/scaling.md): 992,627,… MACs.
        #expect(abs(growth.measured - 992_630_000.0 / 385_814_752) < 0.01)
        #expect(abs((value(report.findings.first, "alpha_beta2_gamma2") ?? 0) - 1.2 * 1.21 * 1.3225) < 1e-12)
    }

    // MARK: SQUEEZE

    @Test func squeezeNetFireModulesHaveThePapersSqueezeRatio() throws {
        // SqueezeNet 1.0: SR = 0.125 and pct3x3 = 0.5 in every fire module (paper Sec. 3.2).
        let report = try builtIn("squeezenet1_0", rules: ["SQUEEZE"])
        let fires = report.findings.filter { $0.message.hasPrefix("strategy 2") }
        #expect(fires.count == 8)
        #expect(fires.allSatisfy { value($0, "squeeze_ratio") == 0.125 && value($0, "pct3x3") == 0.5 })
    }

    // MARK: RF

    @Test func misalignedBranchesAreAnError() throws {
        let layers = #"""
        {"name": "centred", "op": "conv2d", "out": 3, "kernel": 3, "padding": 1, "inputs": "input"},
        {"name": "shifted", "op": "conv2d", "out": 3, "kernel": 3, "padding": {"top": 0, "bottom": 2, "left": 1, "right": 1}, "inputs": "input"},
        {"name": "sum", "op": "add", "inputs": ["centred", "shifted"]}
        """#
        let report = try check(layers, input: "[3, 16, 16]", rules: ["RF"])
        let error = try #require(report.findings.first { $0.severity == .error })
        #expect(error.layer == "sum")
        #expect(report.worst == .error)
    }

    @Test func receptiveFieldsOfTheGoogleResearchTable() throws {
        // google-research/receptive_field: VGG-16 212/32/90, MobileNet V1 315/32/126.
        for (name, size, stride, padding) in [("vgg16", 212.0, 32.0, 90.0), ("mobilenet_v1", 315.0, 32.0, 126.0)] {
            let finding = try #require(try builtIn(name, rules: ["RF"]).findings.last)
            #expect([value(finding, "size"), value(finding, "stride"), value(finding, "padding")] == [size, stride, padding], "\(name)")
        }
    }

    @Test func aSmallFieldIsAWarning() throws {
        let report = try check(#"{"op": "conv2d", "out": 4, "kernel": 3, "padding": 1}"#, input: "[3, 32, 32]", rules: ["RF"])
        #expect(report.findings.last?.severity == .warning)
        #expect(value(report.findings.last, "coverage") == 3.0 / 32)
    }

    @Test func dilationIsExplained() throws {
        let report = try check(#"{"name": "d", "op": "conv2d", "out": 4, "kernel": 3, "dilation": 2, "padding": 2}"#, input: "[3, 32, 32]", rules: ["RF"])
        #expect(report.findings.first { $0.layer == "d" }?.message.contains("sees as far as a 5x5") == true)
    }

    /// Every rule runs on every shipped spec, and every spec rebuilds at the probed
    /// settings, but ShuffleNet 1: its stride-2 units join the pooled input to a branch of
    /// the stage's width less the input's, a number the spec states (432 = 480 − 48), so
    /// a compound-scaled network's widths no longer add up, and the rule says so.
    @Test(arguments: BuiltinModels.names)
    func everyRuleRunsOnEveryShippedSpec(_ name: String) throws {
        let report = try builtIn(name, rules: Set(Checker.rules))
        #expect(report.findings.contains { $0.rule == "RF" }, "\(name)")
        let unprobed = report.findings.filter { $0.message.hasPrefix("cannot be probed") }.map(\.rule)
        #expect(unprobed == (name == "shufflenet_v1_2x_g3" ? ["COMPOUND-SCALING"] : []), "\(name)")
    }

    @Test func aNetworkThatDoesNotRebuildGetsAFindingNotAFailure() throws {
        // A stride-1 ShuffleNet unit needs an even channel count equal to its input's; the
        // input keeps its 58 channels, so at every probed width (29, 44, 15, 116) it fails:
        // the rule says it cannot be probed, as information, not a warning.
        let layers = #"{"name": "u", "block": "shufflenet_v2", "out": 58}"#
        let report = try check(layers, input: "[58, 28, 28]", rules: ["WIDTH-SCALING"])
        let finding = try #require(report.findings.first)
        #expect(finding.severity == .info)
        #expect(finding.message.hasPrefix("cannot be probed: the network does not rebuild"))
    }

    @Test func onnxModelsSkipTheScalingRules() throws {
        var options = CheckOptions()
        options.rules = ["WIDTH-SCALING"]
        let report = try Checker.check(try BuiltinModels.load("mobilenet_v2"), rebuild: nil, options: options)
        #expect(report.findings.first?.message.hasPrefix("skipped") == true)
    }
}
