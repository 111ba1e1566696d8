import NetCost
import Testing

/// Ops whose weights or statistics are inputs computed at run time: `dynamic_conv1d`,
/// `2d`, `3d` and `dynamic_batchnorm`. Costs derived by hand; bad shapes are errors.
@Suite struct DynamicOpTests {
    /// A graph of an input `x`, a second input standing for the computed weight, and the op.
    static func graph(_ operation: Operation, _ shapes: [[Int]]) throws -> (Layer, LayerCost) {
        var builder = GraphBuilder(name: "dynamic")
        var inputs: [Int] = []
        for (position, dims) in shapes.enumerated() {
            inputs.append(try builder.addInput(name: "x\(position)", shape: try TensorShape(dims, batchAxis: position == 0 ? 0 : nil)))
        }
        try builder.add(name: "op", operation: operation, inputs: inputs)
        let graph = builder.build()
        let analysis = try Analysis(graph)
        return (graph.layers[graph.layers.count - 1], analysis.costs[graph.layers.count - 1])
    }

    /// 8 → 6 channels in 2 groups, 3×3, stride 2, pad 1, on a batch of 2 of 9×9: 5×5
    /// outputs; the weight `[6, 4, 3, 3]` is read whole and counts as input, not params.
    @Test func convolution2D() throws {
        let conv = DynamicConvolution(window: WindowND(kernel: [3, 3], stride: [2, 2], padding: .explicit(before: [1, 1], after: [1, 1])),
                                      groups: 2, bias: true)
        let (layer, cost) = try Self.graph(.dynamicConvolution(conv), [[2, 8, 9, 9], [6, 4, 3, 3]])
        #expect(layer.outputShape.dims == [2, 6, 5, 5])
        #expect(layer.operation.kind == "dynamic_conv2d")
        #expect(cost.macs == 2 * 6 * 5 * 5 * (4 * 3 * 3))
        #expect(cost.params == 6)
        #expect(cost.flops == 2 * (2 * 6 * 5 * 5 * 36) + 2 * 6 * 5 * 5)
        // Stride 2 with pad 1 and a 3-tap window reads every row and column of 9.
        #expect(cost.memoryAccess == 2 * 8 * 9 * 9 + 6 * 4 * 9 + 6 + 2 * 6 * 5 * 5)
    }

    /// 1-D: 3 → 5 channels, kernel 3, no padding, on 10 positions: 8 outputs.
    @Test func convolution1D() throws {
        let conv = DynamicConvolution(window: WindowND(kernel: [3]))
        let (layer, cost) = try Self.graph(.dynamicConvolution(conv), [[1, 3, 10], [5, 3, 3]])
        #expect(layer.outputShape.dims == [1, 5, 8])
        #expect(cost.macs == 5 * 8 * (3 * 3))
        #expect(cost.params == 0)
    }

    /// The weight must be `[C_out, C_in/g]` and the window's kernel.
    @Test func mismatchedWeightsAreErrors() throws {
        let conv = DynamicConvolution(window: WindowND(kernel: [3, 3]))
        #expect(throws: InputError.self) { try Self.graph(.dynamicConvolution(conv), [[1, 4, 8, 8], [6, 3, 3, 3]]) }
        #expect(throws: InputError.self) { try Self.graph(.dynamicConvolution(conv), [[1, 4, 8, 8], [6, 4, 5, 5]]) }
        #expect(throws: InputError.self) { try Self.graph(.dynamicConvolution(conv), [[1, 4, 8, 8], [6, 4, 3]]) }
        let grouped = DynamicConvolution(window: WindowND(kernel: [3, 3]), groups: 4)
        #expect(throws: InputError.self) { try Self.graph(.dynamicConvolution(grouped), [[1, 4, 8, 8], [6, 1, 3, 3]]) }
    }

    /// `[2, 4, 3, 5]` with a mean and variance of 4: 2 per element and 5 per channel;
    /// reads the input, both statistics and the 8 stored values.
    @Test func batchNormalization() throws {
        let (layer, cost) = try Self.graph(.normalization(Normalization(.dynamicBatch)), [[2, 4, 3, 5], [4], [4]])
        #expect(layer.operation.kind == "dynamic_batchnorm")
        #expect(cost.params == 2 * 4 && cost.buffers == 0)
        #expect(cost.flops == 2 * (2 * 4 * 3 * 5) + 5 * 4)
        #expect(cost.memoryAccess == 2 * 4 * 15 + 4 + 4 + 2 * 4 + 2 * 4 * 15)
        #expect(throws: InputError.self) { try Self.graph(.normalization(Normalization(.dynamicBatch)), [[2, 4, 3, 5], [3], [4]]) }
    }
}
