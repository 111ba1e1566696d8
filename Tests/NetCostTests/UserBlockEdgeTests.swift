import Foundation
@testable import NetCost
import Testing

/// Edges of user blocks and shared weights found in review: each once trapped, hung,
/// miscounted or gave the wrong message.
@Suite("User blocks and shared weights, edge cases")
struct UserBlockEdgeTests {
    static func refusal(_ text: String) -> InputError? {
        do {
            _ = try Analysis(try SpecLoader.load(text: text, file: "edge.json").graph)
            return nil
        } catch {
            return error
        }
    }

    @Test func aParameterThatDoublesEachLevelIsQuotedShort() throws {
        // Each block hands ["$p", "$p"] to the next: 2^20 values at the bottom, where it is
        // misused as a name. The message quotes about 100 bytes of it, not 20 MB.
        var blocks = (0..<20).map { #""b\#($0)": {"params": ["p"], "layers": [{"block": "b\#($0 + 1)", "p": ["$p", "$p"]}]}"# }
        blocks.append(#""b20": {"params": ["p"], "layers": [{"name": "$p", "op": "relu"}]}"#)
        let text = #"{"input": [3, 8, 8], "blocks": {\#(blocks.joined(separator: ", "))}, "layers": [{"block": "b0", "p": 1}]}"#
        let error = try #require(Self.refusal(text))
        #expect(error.field == "name")
        #expect(error.message.hasPrefix("expected a non-empty name without spaces, got [[[["))
        #expect(error.message.utf8.count < 300)
    }

    @Test func aBlockReadsOnlyItsInputsWhateverTheOrder() throws {
        // The block's conv shares with "base", a layer outside it: refused in either file order.
        let block = #""blocks": {"hb": {"params": ["o"], "layers": [{"name": "c", "op": "conv2d", "out": 8, "kernel": 3, "padding": 1, "share": "$o"}]}}"#
        let head = #"{"name": "h", "block": "hb", "o": "base", "inputs": "input"}"#
        let base = #"{"name": "base", "op": "conv2d", "out": 8, "kernel": 3, "padding": 1, "inputs": "input"}"#
        for layers in [[head, base], [base, head]] {
            let error = try #require(Self.refusal(#"{"input": [8, 16, 16], \#(block), "layers": [\#(layers.joined(separator: ", "))]}"#))
            #expect(error.message == "shares the weights of \"base\", which no layer or block is called; a block's layers read and share only its inputs and its own layers")
            #expect(error.layer == "h.c" && error.field == "share")
        }
    }

    @Test func weightsOnNormalizedAxesMustAgree() throws {
        // Layer norms over [4, 16] and [16, 4]: 128 weights each, but not the same ones.
        let text = #"{"input": [8, 4, 16], "layers": [{"name": "a", "op": "layernorm", "axes": 2}, {"name": "t", "op": "transpose", "perm": [0, 2, 1]}, {"name": "b", "op": "layernorm", "axes": 2, "share": "a"}]}"#
        #expect(Self.refusal(text) == InputError("cannot share the weights of \"a\": it is layernorm last 2 on 8x4x16, this is layernorm last 2 on 8x16x4",
                                                 file: "edge.json", line: 1, layer: "b", field: "share"))
    }

    @Test func foldingANormUnsharesTheWeights() throws {
        // Convs a and b share 8·8·9 = 576 weights, each followed by its own batch norm
        // (16 params, 16 buffers). Training graph: 576 + 2·16 = 608 params. Folding each norm
        // gives each conv weights of its own and a bias: 2·(576 + 8) = 1,168.
        let text = #"{"input": [8, 16, 16], "layers": [{"name": "a", "op": "conv2d", "out": 8, "kernel": 3, "padding": 1, "bias": false}, {"name": "an", "op": "batchnorm"}, {"name": "b", "inputs": "input", "op": "conv2d", "out": 8, "kernel": 3, "padding": 1, "bias": false, "share": "a"}, {"name": "bn", "op": "batchnorm"}]}"#
        let model = try SpecLoader.load(text: text)
        #expect(try Analysis(model.graph).totals.params == 608)
        #expect(try Analysis(try Fusion.deploy(model.graph)).totals.params == 1_168)
    }

    @Test func aCodebookPerWeightTensorNotPerCall() throws {
        // Two convs sharing 8·8·9 + 8 = 584 weights: one codebook of 2^4 float32s = 64 bytes.
        // 584 weights at 4 bits = 292 bytes; total 356.
        let text = #"{"input": [8, 16, 16], "layers": [{"name": "a", "op": "conv2d", "out": 8, "kernel": 3, "padding": 1}, {"name": "b", "op": "conv2d", "out": 8, "kernel": 3, "padding": 1, "share": "a"}]}"#
        let analysis = try Analysis(try SpecLoader.load(text: text).graph)
        #expect(analysis.weightedLayerCount == 1)
        #expect(try analysis.storedBytes(StorageModel(bits: 4, codebook: true)) == 292 + 64)
    }

    @Test func stageTablesOfUserBlocksRepeatAndShare() throws {
        // A block without a stride parameter repeats (n = 2) in a table without a stride
        // column; a second table shares the first's weights: 8·8·9 + 8 = 584 and
        // 8·16·9 + 16 = 1,168 for the 16-channel row: 584·2 + 1,168 = 2,336, counted once.
        let block = #""blocks": {"cb": {"params": ["out"], "layers": [{"name": "c", "op": "conv2d", "out": "$out", "kernel": 3, "padding": 1}, {"name": "r", "op": "relu"}]}}"#
        let text = #"{"input": [8, 16, 16], \#(block), "layers": [{"name": "s", "block": "cb", "columns": ["c", "n"], "rows": [[8, 2], [16, 1]]}, {"name": "t", "block": "cb", "columns": ["c", "n"], "rows": [[8, 2], [16, 1]], "inputs": "input", "share": "s"}]}"#
        let analysis = try Analysis(try SpecLoader.load(text: text).graph)
        #expect(analysis.totals.params == 584 * 2 + 1_168)
        #expect(analysis.sharedWeights.count == 3)
    }

    @Test func aCycleThroughSharesSaysSo() throws {
        let text = #"{"input": [8, 8, 8], "layers": [{"name": "a", "op": "conv2d", "out": 8, "kernel": 1, "share": "b"}, {"name": "b", "inputs": "input", "op": "conv2d", "out": 8, "kernel": 1, "share": "a"}]}"#
        #expect(Self.refusal(text)?.message.hasPrefix("the inputs and shared weights form a cycle") == true)
    }

    @Test func theFinalFieldLeadsToAnOutput() throws {
        // Two 3×3 convs side by side; only "a" is an output, so b's equal field is not reported.
        let text = #"{"input": [8, 16, 16], "outputs": ["a"], "layers": [{"name": "b", "op": "conv2d", "out": 8, "kernel": 3, "padding": 1}, {"name": "a", "inputs": "input", "op": "conv2d", "out": 8, "kernel": 3, "padding": 1}]}"#
        let analysis = try Analysis(try SpecLoader.load(text: text).graph)
        #expect(analysis.finalReceptiveField.map { analysis.graph.layers[$0.layer].name } == "a")
    }

    @Test func batchesAreBounded() throws {
        let text = #"{"input": [3, 8, 8], "layers": [{"op": "relu"}]}"#
        #expect(throws: InputError("[4, 3, 8, 8] leads with a batch of 4, but the batch is 1; drop the batch axis or give one batch", file: "edge.json", field: "input")) {
            try SpecLoader.load(text: text, file: "edge.json", overrides: SpecOverrides(input: [4, 3, 8, 8], batch: 1))
        }
        #expect(throws: InputError("[2000000000, 3, 8, 8] leads with a batch of 2000000000, more than the 1048576 netcost counts", file: "edge.json", field: "input")) {
            try SpecLoader.load(text: text, file: "edge.json", overrides: SpecOverrides(input: [2_000_000_000, 3, 8, 8]))
        }
    }
}
