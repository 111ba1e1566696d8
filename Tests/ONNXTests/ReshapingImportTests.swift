import Testing
@testable import NetCost

/// Split, Slice, Concat, Reshape and the shape arithmetic folded at import time.
@Suite struct ReshapingImportTests {
    /// Split sizes as an attribute (opset 11) and as an input (13): 8 channels → 2 + 6.
    @Test(arguments: ["split_opset11.onnx", "split_opset13.onnx"])
    func splitWithSizes(file: String) throws {
        let model = try Imported(file)
        #expect(model.kinds == ["split", "split"])
        #expect(model.layers.dropFirst().map(\.operation) == [.slice(Slice(axis: 1, start: 0, end: 2, label: "split")),
                                                              .slice(Slice(axis: 1, start: 2, end: 8, label: "split"))])
    }

    /// `num_outputs` (opset 18): 8 in 3 parts of ceil(8/3) = 3, the last 2.
    @Test func splitIntoParts() throws {
        let model = try Imported("split_opset18.onnx")
        #expect(model.layers.dropFirst().map(\.outputShape.sample) == [[3, 4, 4], [3, 4, 4], [2, 4, 4]])
    }

    /// Batch kept by [0:1]; channels [2:6]; width [1:100:2] of 10 → 1, 3, 5, 7, 9.
    @Test func slice() throws {
        let model = try Imported("slice_opset13.onnx")
        #expect(model.kinds == ["slice", "slice"])
        #expect(model.outputDims == [4, 10, 5])
    }

    /// A stored [1, 2, 2, 2] tensor joined to a [4, 2, 2] activation: 6 channels, 8 params.
    @Test func concatWithAConstant() throws {
        let model = try Imported("concat_constant_opset13.onnx")
        #expect(model.kinds == ["concat"])
        #expect(model.outputDims == [6, 2, 2])
        #expect(model.params == 2 * 2 * 2)
    }

    /// ShuffleNet's shuffle with both reshape targets computed by Shape → Gather → Div →
    /// Unsqueeze → Concat: one channel shuffle of 2 groups, no rank change.
    @Test func channelShuffleFromShapeChain() throws {
        let model = try Imported("shuffle_dynamic_opset13.onnx")
        #expect(model.kinds == ["conv2d", "channel_shuffle", "relu"])
        #expect(model.layer("stage.channel_shuffle")?.operation == .channelShuffle(ChannelShuffle(groups: 2)))
        #expect(model.layers.allSatisfy { $0.outputShape.sample == [8, 4, 4] })
    }

    /// Transpose to [H, W, C] = [2, 3, 4]; Flatten → [24]; Reshape [0, 6, -1, 1] → [6, 4, 1]
    /// (batch 0 copied); Squeeze axis 3 → [6, 4]; Unsqueeze axis 1 → [1, 6, 4].
    @Test func reshapesOpset11() throws {
        let model = try Imported("reshape_opset11.onnx")
        #expect(model.kinds == ["transpose", "flatten", "reshape", "reshape", "reshape"])
        #expect(model.layers.map(\.outputShape.sample) == [[4, 2, 3], [2, 3, 4], [24], [6, 4, 1], [6, 4], [1, 6, 4]])
    }

    /// Squeeze and Unsqueeze with axes as an input (opset 13): [4, 1, 1] → [4] → [4, 1, 1].
    @Test func squeezeOpset13() throws {
        let model = try Imported("squeeze_opset13.onnx")
        #expect(model.layers.map(\.outputShape.sample) == [[4, 1, 1], [4], [4, 1, 1]])
    }

    /// The same file at --resolution 32: its Squeeze names axes 2 and 3, which are then
    /// 32 wide, so the model cannot take that input (ONNX's Squeeze removes only axes of
    /// size 1). The refusal names the layer, the field, the first bad axis in the node's
    /// order and the override, and is the same on every import: the check once picked
    /// the axis from a `Set`, whose order changes from one instance to the next.
    @Test func squeezeOfAResizedAxisIsRefusedTheSameWayEveryTime() throws {
        let path = Fixtures.generated("squeeze_opset13.onnx")
        var overrides = SpecOverrides()
        overrides.resolution = 32
        let refusal = InputError("Squeeze node: axis 2 of [1, 4, 32, 32] has size 32, not 1 (the file's input is 4x1x1; --resolution 32 made it 4x32x32)",
                                 file: path, layer: "s", field: "axes")
        for _ in 0..<20 {
            #expect(throws: refusal) { try ModelLoader.load(path, overrides: overrides) }
        }
    }

    /// A Squeeze folded at import time on a stored [2, 3] tensor, of axes [0, 1] (an
    /// attribute, opset 11), neither of size 1: refused naming axis 0, the first the
    /// node lists, on every import.
    @Test func foldedSqueezeOfAWideAxisIsRefusedTheSameWayEveryTime() throws {
        var model = ProtobufWriter()
        model.int(1, 8)
        model.message(8) { $0.int(2, 11) }
        model.message(7) { graph in
            graph.message(1) { node in
                node.string(1, "c"); node.string(2, "s"); node.string(4, "Squeeze")
                node.message(5) { axes in
                    axes.string(1, "axes"); axes.int(8, 0); axes.int(8, 1); axes.int(20, 7)    // INTS
                }
            }
            graph.message(1) { node in node.string(1, "x"); node.string(2, "y"); node.string(4, "Relu") }
            graph.message(5) { tensor in
                tensor.int(1, 2); tensor.int(1, 3); tensor.int(2, 1); tensor.string(8, "c")
            }
            graph.bytes(11, ProtobufWriter.valueInfo("x", [1, 3, 4, 4]))
        }
        let refusal = InputError("Squeeze node: axis 0 of [2, 3] has size 2, not 1", file: "squeeze_constant.onnx", layer: "s", field: "axes")
        for _ in 0..<20 {
            #expect(throws: refusal) { try ONNXImporter.load(bytes: model.bytes, file: "squeeze_constant.onnx") }
        }
    }

    /// The target [1, 2·3·4] computed with Shape, Slice, ReduceProd, Concat, Equal,
    /// Where and Cast folds to a constant; Range and ConstantOfShape fold too.
    @Test func foldedShapeArithmetic() throws {
        let model = try Imported("fold_ops_opset13.onnx")
        #expect(model.kinds == ["reshape"])
        #expect(model.outputDims == [24])
        #expect(model.result.unsupported.isEmpty)
    }

    /// `x[:, 0]` on [5, 8]: a slice of one row, then a reshape dropping the axis.
    @Test func gatherOneIndex() throws {
        let model = try Imported("gather_opset13.onnx")
        #expect(model.kinds == ["gather", "reshape"])
        #expect(model.layers.map(\.outputShape.sample) == [[5, 8], [1, 8], [8]])
    }
}

/// Masks and copies on computed tensors.
@Suite struct MaskAndCopyImportTests {
    /// On a 1×4×5×6 input: Greater and Where against a constant 0 (120 elements, one flop
    /// each), an exclusive CumSum along H (axis 2), the 4×1×1 pooled map
    /// expanded back to 4×5×6 (a copy: 4 read, 120 written), and a tile along H to 4×10×6.
    @Test func whereCumSumExpandTile() throws {
        let model = try Imported("where_cumsum_expand_tile_opset13.onnx")
        #expect(model.kinds == ["greater", "where", "cumsum", "global_avgpool", "expand", "tile"])
        #expect(model.layer("cs")?.operation == .cumulativeSum(CumulativeSum(axis: 2, exclusive: true)))
        #expect(model.layer("e")?.outputShape.sample == [4, 5, 6])
        #expect(model.layer("t")?.outputShape.sample == [4, 10, 6])
        #expect(model.cost("w")?.flops == 120)
        #expect(model.cost("e")?.memoryAccess == 4 + 120)
        #expect(model.result.unsupported.isEmpty)
    }
}

/// Gathers of several indices.
@Suite struct GatherImportTests {
    /// A 2×2 block of constant indices along axis 1 of a 1×6×8 input: a take of rows
    /// 0, 2, 2, 5 (three distinct rows of 8 read, 32 written) and a reshape to 2×2×8.
    @Test func constantIndicesTake() throws {
        let model = try Imported("gather_take_opset13.onnx")
        #expect(model.kinds == ["take", "reshape"])
        #expect(model.layers.first { $0.operation.kind == "take" }?.operation == .take(Take(axis: 1, indices: [0, 2, 2, 5])))
        #expect(model.outputDims == [2, 2, 8])
        #expect(model.cost("y")?.memoryAccess == 3 * 8 + 32)
    }

    /// An embedding lookup: run-time token ids [1, 5] into a stored 10×4 table give
    /// [1, 5, 4]; the table counts as 40 parameters, and the 5 lookups read 5 rows of 4.
    @Test func embeddingLookup() throws {
        let model = try Imported("embedding_opset13.onnx")
        #expect(model.result.unsupported.isEmpty)
        #expect(model.layers.last?.operation == .embedding(Embedding(vocabulary: 10, features: 4)))
        #expect(model.params == 40)
        #expect(model.outputDims == [5, 4])
        #expect(model.cost(model.layers.last?.name ?? "")?.memoryAccess == 5 + 5 * 4 + 5 * 4)
    }
}

/// Einsum.
@Suite struct EinsumImportTests {
    /// Attention scores of a 1×2×4×5 input with itself, 1·2·4·4·5 = 160 MACs; by a
    /// stored [5, 3] operand, 1·2·4·5·3 = 120; with "..." standing for the first two
    /// axes, the scores again: 160, of shape [1, 2, 4, 4].
    @Test func attentionScores() throws {
        let model = try Imported("einsum_opset13.onnx")
        #expect(model.layer("s")?.operation == .einsum(Einsum(equation: "bhid,bhjd->bhij")))
        #expect(model.cost("s")?.macs == 160)
        #expect(model.cost("p")?.macs == 120)
        #expect(model.cost("e")?.macs == 160)
        #expect(model.layer("e")?.outputShape.dims == [1, 2, 4, 4])
        #expect(model.result.unsupported.isEmpty)
    }
}
