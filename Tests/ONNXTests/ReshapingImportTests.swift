import Testing
@testable import NetCost

/// Split, Slice, Concat, Reshape and the shape arithmetic folded at import time.
@Suite struct ReshapingImportTests {
    /// Split sizes as an attribute (opset 11) and as an input (13): 8 channels → 2 + 6.
    @Test(arguments: ["split_opset11.onnx", "split_opset13.onnx"])
    func splitWithSizes(file: String) throws {
        let model = try Imported(file)
        #expect(model.kinds == ["split", "split"])
        #expect(model.layers.dropFirst().map(\.operation) == [.slice(Slice(axis: 0, start: 0, end: 2, label: "split")),
                                                              .slice(Slice(axis: 0, start: 2, end: 8, label: "split"))])
    }

    /// `num_outputs` (opset 18): 8 in 3 parts of ceil(8/3) = 3, the last 2.
    @Test func splitIntoParts() throws {
        let model = try Imported("split_opset18.onnx")
        #expect(model.layers.dropFirst().map(\.outputShape.dims) == [[3, 4, 4], [3, 4, 4], [2, 4, 4]])
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
        #expect(model.layers.allSatisfy { $0.outputShape.dims == [8, 4, 4] })
    }

    /// Transpose to [H, W, C] = [2, 3, 4]; Flatten → [24]; Reshape [0, 6, -1, 1] → [6, 4, 1]
    /// (batch 0 copied); Squeeze axis 3 → [6, 4]; Unsqueeze axis 1 → [1, 6, 4].
    @Test func reshapesOpset11() throws {
        let model = try Imported("reshape_opset11.onnx")
        #expect(model.kinds == ["transpose", "flatten", "reshape", "reshape", "reshape"])
        #expect(model.layers.map(\.outputShape.dims) == [[4, 2, 3], [2, 3, 4], [24], [6, 4, 1], [6, 4], [1, 6, 4]])
    }

    /// Squeeze and Unsqueeze with axes as an input (opset 13): [4, 1, 1] → [4] → [4, 1, 1].
    @Test func squeezeOpset13() throws {
        let model = try Imported("squeeze_opset13.onnx")
        #expect(model.layers.map(\.outputShape.dims) == [[4, 1, 1], [4], [4, 1, 1]])
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
        #expect(model.layers.map(\.outputShape.dims) == [[5, 8], [1, 8], [8]])
    }
}
