import NetCost
import Testing

/// How specs expand: naming, inputs in any order, groups, stage tables, the width,
/// depth and resolution multipliers and their rounding rules, and `extends`.
@Suite("Spec expansion")
struct SpecExpansionTests {
    private func load(_ text: String, overrides: SpecOverrides = SpecOverrides()) throws -> LoadedModel {
        try SpecLoader.load(text: text, overrides: overrides)
    }

    private func names(_ model: LoadedModel) -> [String] { model.graph.layers.map(\.name) }

    @Test func unnamedEntriesAreNumberedAndReadThePreviousOne() throws {
        let model = try load(#"{"input": [3, 8, 8], "layers": [{"op": "relu"}, {"op": "sigmoid"}]}"#)
        #expect(names(model) == ["input", "0", "1"])
        #expect(model.graph.layers[2].inputs == [1])
    }

    @Test func inputsMayNameLayersFurtherDown() throws {
        // "head" reads "tail", which is written after it; the file order does not matter.
        let model = try load(#"""
        {"input": [3, 8, 8], "layers": [
          {"name": "head", "op": "relu", "inputs": "tail"},
          {"name": "tail", "op": "conv2d", "out": 4, "kernel": 1, "inputs": "input"}
        ]}
        """#)
        #expect(names(model) == ["input", "tail", "head"])
    }

    @Test func groupsPrefixTheirNamesAndResolveInnerNamesFirst() throws {
        let model = try load(#"""
        {"input": [3, 8, 8], "layers": [
          {"name": "x", "op": "relu"},
          {"name": "block", "layers": [
            {"name": "x", "op": "conv2d", "out": 3, "kernel": 1},
            {"name": "sum", "op": "add", "inputs": ["x", "input"]}
          ]},
          {"name": "after", "op": "sigmoid"}
        ]}
        """#)
        let sum = try #require(model.graph.layers.first { $0.name == "block.sum" })
        #expect(sum.inputs.map { model.graph.layers[$0].name } == ["block.x", "input"])
        let after = try #require(model.graph.layers.first { $0.name == "after" })
        #expect(model.graph.layers[after.inputs[0]].name == "block.sum")
    }

    @Test func stageTableNamesBlocksContinuouslyOrNested() throws {
        let table = #"""
        {"input": [8, 16, 16], "layers": [
          {"name": "features", "block": "inverted_residual", "first_index": 1, "columns": ["t", "c", "n", "s"],
           "rows": [[1, 8, 1, 1], [6, 16, 2, 2]]},
          {"name": "layer", "block": "resnet_basic", "numbering": "nested", "first_index": 1, "columns": ["c", "n", "s"],
           "rows": [[16, 2, 1], [32, 1, 2]]}
        ]}
        """#
        let model = try load(table)
        let blocks = Set(names(model).compactMap { name -> String? in
            let parts = name.split(separator: ".")
            return parts.count >= 2 ? parts[0..<2].joined(separator: ".") : nil
        })
        #expect(blocks.isSuperset(of: ["features.1", "features.2", "features.3", "layer1.0", "layer1.1", "layer2.0"]))
        // Only the first block of a row takes the row's stride: 16 → 8 once.
        let last = try #require(model.graph.layers.last { $0.name.hasPrefix("features.3") })
        #expect(last.outputShape.sample == [16, 8, 8])
    }

    @Test func depthMultiplierRoundsRepeatsUp() throws {
        // ceil(2 × 1.2) = 3 and ceil(3 × 1.2) = 4: seven blocks where there were five.
        let text = #"""
        {"input": [8, 8, 8], "layers": [{"name": "s", "block": "inverted_residual", "columns": ["t", "c", "n", "s"],
          "rows": [[1, 8, 2, 1], [1, 8, 3, 1]]}]}
        """#
        let model = try load(text, overrides: SpecOverrides(depth: 1.2))
        let blocks = Set(names(model).filter { $0.hasPrefix("s.") }.map { $0.split(separator: ".")[1] })
        #expect(blocks.count == 7)
    }

    @Test func widthRoundingRules() {
        // MobileNet V1: int(c·α). 1024 × 0.75 = 768; 32 × 0.35 = 11.2 → 11.
        #expect(ChannelRounding.floor.apply(1024 * 0.75) == 768)
        #expect(ChannelRounding.floor.apply(32 * 0.35) == 11)
        // make_divisible(v, 8): max(8, int(v + 4) // 8 · 8), plus 8 if below 0.9·v.
        // 32 × 0.35 = 11.2 → int(15.2) // 8 · 8 = 8, and 8 < 0.9 × 11.2 = 10.08, so 16.
        #expect(ChannelRounding.divisible(by: 8).apply(32 * 0.35) == 16)
        // 16 × 0.35 = 5.6 → max(8, 8) = 8.
        #expect(ChannelRounding.divisible(by: 8).apply(16 * 0.35) == 8)
        // 320 × 1.1 = 352 stays 352 (already a multiple of 8).
        #expect(ChannelRounding.divisible(by: 8).apply(320 * 1.1) == 352)
    }

    @Test func widthScalesConvolutionsButNotTheClassifierOrOptOuts() throws {
        let text = #"""
        {"input": [3, 8, 8], "classes": 10, "width": 0.5, "layers": [
          {"name": "c", "op": "conv2d", "out": 64, "kernel": 1},
          {"name": "fixed", "op": "conv2d", "out": 64, "kernel": 1, "scale_width": false},
          {"name": "grow", "op": "conv2d", "out": 64, "kernel": 1, "scale_width": "grow_only"},
          {"op": "flatten"},
          {"name": "fc", "op": "linear", "out": "classes"}
        ]}
        """#
        let model = try load(text)
        func channels(_ name: String) -> Int? { model.graph.layers.first { $0.name == name }?.outputShape.sample[0] }
        #expect(channels("c") == 32)
        #expect(channels("fixed") == 64)
        #expect(channels("grow") == 64)
        #expect(channels("fc") == 10)
        let wider = try load(text, overrides: SpecOverrides(width: 1.5, classes: 7))
        #expect(wider.graph.layers.first { $0.name == "grow" }?.outputShape.sample[0] == 96)
        #expect(wider.graph.layers.last?.outputShape.sample == [7])
    }

    @Test func resolutionAndInputOverrides() throws {
        let text = #"{"input": [3, 224, 224], "layers": [{"op": "conv2d", "out": 4, "kernel": 3, "stride": 2, "padding": 1}]}"#
        #expect(try load(text, overrides: SpecOverrides(resolution: 160)).graph.layers.last?.outputShape.sample == [4, 80, 80])
        #expect(try load(text, overrides: SpecOverrides(input: [3, 32, 64])).graph.layers.last?.outputShape.sample == [4, 16, 32])
    }

    @Test func invertedResidualExpandsLikeTorchvision() throws {
        // t = 6 on 24 channels: expand 1x1 24→144, depthwise 3x3 on 144, project 144→24, add.
        // Params: 24·144 + 2·144 (bn) + 9·144 + 2·144 + 144·24 + 2·24 = 3456 + 288 + 1296 + 288 + 3456 + 48.
        let model = try load(#"{"input": [24, 56, 56], "layers": [{"name": "b", "block": "inverted_residual", "expand": 6, "out": 24}]}"#)
        let analysis = try Analysis(model.graph)
        #expect(analysis.totals.params == 3456 + 288 + 1296 + 288 + 3456 + 48)
        #expect(names(model).last == "b.add")
    }

    @Test func shuffleNetUnitSplitsAtStrideOneAndBranchesAtStrideTwo() throws {
        let one = try load(#"{"input": [116, 28, 28], "layers": [{"name": "u", "block": "shufflenet_v2", "out": 116}]}"#)
        #expect(names(one).contains("u.split.1"))
        #expect(one.graph.layers.last?.operation.kind == "channel_shuffle")
        let two = try load(#"{"input": [24, 56, 56], "layers": [{"name": "u", "block": "shufflenet_v2", "out": 116, "stride": 2}]}"#)
        #expect(names(two).contains("u.shortcut.dw.conv"))
        #expect(two.graph.layers.last?.outputShape.sample == [116, 28, 28])
    }

    @Test func shuffleNetUnitInTheAuthorsLayout() throws {
        // The authors' stride-2 unit from 24 to 116 channels: the shortcut keeps 24, the
        // main branch goes 24 → 58 → 58 (depthwise) → 116 − 24 = 92.
        let model = try load(#"{"input": [24, 56, 56], "layers": [{"name": "u", "block": "shufflenet_v2", "out": 116, "stride": 2, "split": "keep_input"}]}"#)
        func channels(_ name: String) -> Int? { model.graph.layers.first { $0.name == name }?.outputShape.channels }
        #expect(channels("u.shortcut.pw.conv") == 24)
        #expect(channels("u.branch.pw1.conv") == 58)
        #expect(channels("u.branch.pw2.conv") == 92)
        #expect(model.graph.layers.last?.outputShape.sample == [116, 28, 28])
    }

    @Test func extendsOverridesTheBase() throws {
        let model = try load(#"{"extends": "mobilenet_v2", "name": "narrow", "width": 0.5}"#)
        #expect(model.name == "narrow")
        #expect(model.width == 0.5)
        #expect(model.graph.layers.count > 100)
    }
}
