import NetCost
import Testing

/// `fold` (PyTorch's nn.Fold, ONNX's Col2Im): blocks `[N, C·∏k, L]` summed back into an
/// image. Costs derived by hand, tap by tap; shapes that do not fit are errors.
@Suite struct FoldOpTests {
    static func fold(_ fold: Fold, input: [Int]) throws -> (Layer, LayerCost) {
        var builder = GraphBuilder(name: "fold")
        let x = try builder.addInput(name: "x", shape: try TensorShape(input, batchAxis: 0))
        try builder.add(name: "fold", operation: .fold(fold), inputs: [x])
        let graph = builder.build()
        return (graph.layers[1], try Analysis(graph).costs[1])
    }

    /// VOLO's fold: 3×3, stride 2, padding 1 into 7×6, 2 samples of 3 channels. Blocks:
    /// (7 + 2 − 3)/2 + 1 = 4 rows, (6 + 2 − 3)/2 + 1 = 3 columns, L = 12. Rows b·2 + t − 1:
    /// block 0 covers −1, 0, 1 (2 inside), blocks 1 and 2 three each, block 3 covers 5, 6, 7
    /// (2 inside): 10 landing pairs. Columns: 2 + 3 + 3 = 8. Each landing tap is one read
    /// and one addition: 2·3·10·8 = 480; the 2·3·7·6 = 252 outputs are written once.
    @Test func volosFoldDropsThePaddingTaps() throws {
        let op = Fold(outputSize: [7, 6], window: WindowND(kernel: [3, 3], stride: [2, 2], padding: .explicit(before: [1, 1], after: [1, 1])))
        let (layer, cost) = try Self.fold(op, input: [2, 27, 12])
        #expect(layer.outputShape.dims == [2, 3, 7, 6])
        #expect(cost.flops == 480)
        #expect(cost.macs == 0)
        #expect(cost.memoryAccess == 480 + 252)
        #expect(cost.params == 0)
    }

    /// Dilation 2 and strides 1×2, no padding, into 6×9 with a 2×3 kernel: 4 × 3 blocks,
    /// every tap inside, so the flops are the input's 1·(1·6)·12 = 72 elements.
    @Test func withoutPaddingEveryTapLands() throws {
        let op = Fold(outputSize: [6, 9], window: WindowND(kernel: [2, 3], stride: [1, 2], dilation: [2, 2]))
        let (layer, cost) = try Self.fold(op, input: [1, 6, 12])
        #expect(layer.outputShape.dims == [1, 1, 6, 9])
        #expect(cost.flops == 72)
    }

    @Test func blocksThatDoNotTileTheImageAreErrors() throws {
        let op = Fold(outputSize: [7, 6], window: WindowND(kernel: [3, 3], stride: [2, 2]))
        let error = try #require(throws: InputError.self) { try Self.fold(op, input: [1, 9, 12]) }
        #expect(error.message.contains("12 blocks given") && error.field == "output_size")
        let rows = try #require(throws: InputError.self) { try Self.fold(op, input: [1, 10, 6]) }
        #expect(rows.field == "kernel")
    }
}
