import NetCost
import Testing

/// Receptive fields on small hand-built graphs, each derived by hand with
/// r_out = r_in + (k_eff − 1)·j_in, j_out = j_in·s, p_out = p_in + pad·j_in.
@Suite("Receptive fields")
struct ReceptiveFieldTests {
    private func fields(_ layers: String, input: String = "[3, 64, 64]") throws -> (Analysis, (String) -> ReceptiveField?) {
        let model = try SpecLoader.load(text: #"{"input": \#(input), "layers": [\#(layers)]}"#)
        let analysis = try Analysis(model.graph)
        return (analysis, { name in
            model.graph.layers.firstIndex { $0.name == name }.flatMap { analysis.receptiveFields[$0] }
        })
    }

    @Test func stackedConvolutionsAndPooling() throws {
        // 3x3 s1 p1: r 3, j 1, p 1. Then 2x2 max pool s2: r 3 + 1·1 = 4, j 2, p 1.
        // Then 3x3 s1 p1: r 4 + 2·2 = 8, j 2, p 1 + 1·2 = 3.
        let (_, field) = try fields(#"""
        {"name": "c1", "op": "conv2d", "out": 8, "kernel": 3, "padding": 1},
        {"name": "pool", "op": "maxpool", "kernel": 2},
        {"name": "c2", "op": "conv2d", "out": 8, "kernel": 3, "padding": 1}
        """#)
        #expect(try #require(field("c1")).height == AxisReceptiveField(size: 3, jump: 1, padding: 1))
        #expect(try #require(field("pool")).height == AxisReceptiveField(size: 4, jump: 2, padding: 1))
        #expect(try #require(field("c2")).width == AxisReceptiveField(size: 8, jump: 2, padding: 3))
    }

    @Test func dilatedThreeByThreeSeesAsFarAsFiveByFive() throws {
        // SqueezeNet's remark: a 3x3 with dilation 2 spans d(k − 1) + 1 = 5 pixels.
        let (_, field) = try fields(#"""
        {"name": "dilated", "op": "conv2d", "out": 4, "kernel": 3, "dilation": 2, "padding": 2},
        {"name": "plain", "op": "conv2d", "out": 4, "kernel": 5, "padding": 2, "inputs": "input"}
        """#)
        #expect(try #require(field("dilated")) == (try #require(field("plain"))))
        #expect(try #require(field("dilated")).height.size == 5)
    }

    @Test func asymmetricKernelHasAnAxisEach() throws {
        // 1x5 then 5x1: height 1 then 5, width 5 then 5.
        let (_, field) = try fields(#"""
        {"name": "row", "op": "conv2d", "out": 4, "kernel": [1, 5], "padding": [0, 2]},
        {"name": "column", "op": "conv2d", "out": 4, "kernel": [5, 1], "padding": [2, 0]}
        """#)
        let row = try #require(field("row")), column = try #require(field("column"))
        #expect(row.height.size == 1 && row.width.size == 5)
        #expect(column.height.size == 5 && column.width.size == 5)
    }

    @Test func alignedResidualKeepsTheLargerField() throws {
        // The branch adds 3x3 twice (r 5, p 2); the identity is one pixel (r 1, p 0). Both
        // centre on the same pixel, so the sum is aligned and its field is the branch's.
        let (analysis, field) = try fields(#"""
        {"name": "a", "op": "conv2d", "out": 3, "kernel": 3, "padding": 1},
        {"name": "b", "op": "conv2d", "out": 3, "kernel": 3, "padding": 1},
        {"name": "sum", "op": "add", "inputs": ["b", "input"]}
        """#)
        #expect(try #require(field("sum")).height == AxisReceptiveField(size: 5, jump: 1, padding: 2))
        #expect(analysis.misalignments.isEmpty)
    }

    @Test func misalignedBranchesAreFlaggedAndMergedAsTheirUnion() throws {
        // Branch "shifted" pads 0 on top and 2 below: its 3x3 window starts on the pixel
        // itself (p 0), so its centre sits one pixel lower than the padded branch's.
        // The union spans rows −1 to 2: size 4, padding 1; the widths agree.
        let (analysis, field) = try fields(#"""
        {"name": "centred", "op": "conv2d", "out": 3, "kernel": 3, "padding": 1},
        {"name": "shifted", "op": "conv2d", "out": 3, "kernel": 3, "padding": {"top": 0, "bottom": 2, "left": 1, "right": 1}, "inputs": "input"},
        {"name": "sum", "op": "add", "inputs": ["centred", "shifted"]}
        """#)
        #expect(analysis.misalignments.count == 1)
        #expect(try #require(field("sum")).height == AxisReceptiveField(size: 4, jump: 1, padding: 1))
        #expect(try #require(field("sum")).width == AxisReceptiveField(size: 3, jump: 1, padding: 1))
    }

    @Test func squeezeExciteScaleDoesNotMakeTheFieldGlobal() throws {
        // The [C, 1, 1] channel weights carry global context; the reported field is the
        // spatial path's: the 3x3 conv's r 3.
        let (analysis, field) = try fields(#"""
        {"name": "c", "op": "conv2d", "out": 8, "kernel": 3, "padding": 1},
        {"name": "se", "block": "squeeze_excite", "squeeze": 2}
        """#)
        #expect(try #require(field("se.scale")).height == AxisReceptiveField(size: 3, jump: 1, padding: 1))
        #expect(analysis.misalignments.isEmpty)
    }

    @Test func tensorFlowSamePaddingAtStrideTwoPadsAfter() throws {
        // "same" on an even input at stride 2: total padding (112 − 1)·2 + 3 − 224 = 1, all
        // after, so the effective padding stays 0 (why MobileNet V1 in TF reports 126, not 157).
        let (_, field) = try fields(#"{"name": "s", "op": "conv2d", "out": 8, "kernel": 3, "stride": 2, "padding": "same"}"#, input: "[3, 224, 224]")
        #expect(try #require(field("s")).height == AxisReceptiveField(size: 3, jump: 2, padding: 0))
    }

    @Test func upsamplingHalvesTheJump() throws {
        // Nearest x2: each output reads one input; the jump goes from 2 to 1.
        let (_, field) = try fields(#"""
        {"name": "down", "op": "conv2d", "out": 4, "kernel": 2, "stride": 2},
        {"name": "up", "op": "upsample", "mode": "nearest", "scale": 2}
        """#)
        #expect(try #require(field("up")).height == AxisReceptiveField(size: 2, jump: 1, padding: 0))
    }

    @Test func finalFieldIsTheLastMapWithSpatialExtent() throws {
        let (analysis, _) = try fields(#"""
        {"name": "c", "op": "conv2d", "out": 4, "kernel": 3},
        {"name": "pool", "op": "global_avgpool"},
        {"op": "flatten"}
        """#, input: "[3, 8, 8]")
        let final = try #require(analysis.finalReceptiveField)
        #expect(analysis.graph.layers[final.layer].name == "c")
        #expect(final.field.height.size == 3)
    }
}

@Suite("Rules found by the executor")
struct ExecutorFoundRuleTests {
    @Test func nearestUpsamplingByANonIntegerScaleSkipsInput() throws {
        // PyTorch's nearest at scale 1.1 on 5 positions reads floor(o / 1.1) for o = 0…4:
        // 0, 0, 1, 2, 3 — four distinct rows and four columns, so 4·4 = 16 reads and 25 writes.
        let model = try SpecLoader.load(text: #"{"input": [1, 5, 5], "layers": [{"op": "upsample", "mode": "nearest", "scale": 1.1}]}"#)
        let cost = try Analysis(model.graph).costs[1]
        #expect(cost.inputReads == 16)
        #expect(cost.memoryAccess == 16 + 25)
        // A whole factor reads everything: ×2 on 3x4 reads all 12 and writes 48.
        let doubled = try SpecLoader.load(text: #"{"input": [1, 3, 4], "layers": [{"op": "upsample", "scale": 2}]}"#)
        #expect(try Analysis(doubled.graph).costs[1].memoryAccess == 12 + 48)
    }

    @Test func aGraphOutOfOrderIsAnErrorNotATrap() throws {
        let shape = try TensorShape([3, 8, 8])
        let layers = [
            Layer(name: "input", operation: .input(GraphInput(shape: shape)), inputs: [], outputShape: shape),
            Layer(name: "ahead", operation: .activation(Activation(.relu)), inputs: [2], outputShape: shape),
            Layer(name: "later", operation: .activation(Activation(.relu)), inputs: [0], outputShape: shape),
        ]
        #expect(throws: InputError.self) { try Analysis(Graph(name: "bad", layers: layers)) }
    }
}
