import NetCost
@testable import NetCostExecutor
import Testing

/// Counted equals symbolic, and the three kernel paths agree, on tiny graphs that each
/// exercise one tricky case of the counting rules.
@Suite struct OpVerificationTests {
    /// A 1×1 stride-2 convolution reads a quarter of its 8×8 input: 4·(4·4) elements,
    /// plus 6·4 + 6 parameters, plus 6·(4·4) outputs.
    @Test func pointwiseStrideTwoReadsAQuarter() throws {
        let graph = try TestGraphs.spec(#"{"input": [4, 8, 8], "layers": [{"name": "c", "op": "conv2d", "out": 6, "kernel": 1, "stride": 2}]}"#)
        let report = try GraphCheck.all(graph)
        #expect(GraphCheck.layer(report, "c")?.memoryAccess.counted == 4 * (4 * 4) + (6 * 4 + 6) + 6 * (4 * 4))
        #expect(GraphCheck.layer(report, "c")?.macs.counted == 6 * 4 * 4 * 4)
    }

    /// Dilation (with and without stride) skips input positions; asymmetric and "same"
    /// padding with an even kernel; padding taps are multiplied and counted.
    @Test func dilatedAndPaddedConvolutions() throws {
        try GraphCheck.all(try TestGraphs.spec(#"""
        {"input": [3, 11, 11], "layers": [
          {"name": "dilated", "op": "conv2d", "out": 4, "kernel": 3, "dilation": 2, "padding": 2},
          {"name": "dilated_strided", "op": "conv2d", "out": 4, "kernel": 3, "dilation": 3, "stride": 4},
          {"name": "asymmetric", "op": "conv2d", "out": 5, "kernel": [2, 3], "padding": {"top": 0, "bottom": 2, "left": 1, "right": 0}},
          {"name": "same_even", "op": "conv2d", "out": 3, "kernel": 4, "stride": 2, "padding": "same"},
          {"name": "wide", "op": "conv2d", "out": 40, "kernel": 3, "padding": 1, "bias": false}
        ]}
        """#))
    }

    /// Grouped, depthwise (with a channel multiplier) and strided depthwise convolutions.
    @Test func groupedAndDepthwiseConvolutions() throws {
        try GraphCheck.all(try TestGraphs.spec(#"""
        {"input": [8, 13, 13], "layers": [
          {"name": "grouped", "op": "conv2d", "out": 12, "kernel": 3, "stride": 2, "padding": 1, "groups": 4},
          {"name": "depthwise", "op": "conv2d", "kernel": 3, "padding": 1, "groups": "depthwise", "multiplier": 2},
          {"name": "depthwise_s2", "op": "conv2d", "kernel": 5, "stride": 2, "padding": 2, "groups": "depthwise"},
          {"name": "depthwise_dilated", "op": "conv2d", "kernel": 3, "dilation": 2, "padding": 2, "groups": "depthwise", "bias": false},
          {"name": "wide_dw", "op": "conv2d", "kernel": 3, "padding": 1, "groups": "depthwise"},
          {"name": "dw_same_even", "op": "conv2d", "kernel": 4, "stride": 2, "padding": "same", "groups": "depthwise"},
          {"name": "dw_stride3", "op": "conv2d", "kernel": 3, "stride": [3, 2], "padding": [1, 0], "groups": "depthwise", "inputs": "input"}
        ]}
        """#))
    }

    /// Depthwise rows of every length class at every width: rows that split into phases
    /// (stride 2) a whole vector at a time, in four-lane steps or float by float, and
    /// output rows that end in part of a vector (stored in place where the kernels
    /// store part of a vector alone).
    @Test(arguments: [7, 9, 14, 30, 58, 112])
    func depthwiseRowsOfEveryLength(width: Int) throws {
        try GraphCheck.all(try TestGraphs.spec(#"""
        {"input": [3, 5, \#(width)], "layers": [
          {"name": "s2", "op": "conv2d", "kernel": 3, "stride": 2, "padding": 1, "groups": "depthwise"},
          {"name": "s1", "op": "conv2d", "kernel": 3, "padding": 1, "groups": "depthwise", "inputs": "input"},
          {"name": "s2_k5", "op": "conv2d", "kernel": 5, "stride": 2, "padding": 2, "groups": "depthwise", "inputs": "input"},
          {"name": "s2_even_pad", "op": "conv2d", "kernel": 4, "stride": 2, "padding": [1, 2], "groups": "depthwise", "inputs": "input"}
        ]}
        """#))
    }

    /// Transposed convolutions: output padding, groups, dilation, and taps that land in
    /// the cropped border (computed and counted by the scatter).
    @Test func transposedConvolutions() throws {
        try GraphCheck.all(try TestGraphs.spec(#"""
        {"input": [4, 5, 5], "layers": [
          {"name": "up", "op": "conv_transpose2d", "out": 6, "kernel": 3, "stride": 2, "padding": 1, "output_padding": 1},
          {"name": "grouped", "op": "conv_transpose2d", "out": 4, "kernel": 4, "stride": 2, "padding": 1, "groups": 2},
          {"name": "dilated", "op": "conv_transpose2d", "out": 3, "kernel": 3, "dilation": 2, "bias": false}
        ]}
        """#))
    }

    /// Ceil-mode windows that run past the input, padding excluded from the divisor,
    /// dilated max pooling, global and adaptive pooling.
    @Test func pooling() throws {
        try GraphCheck.all(try TestGraphs.spec(#"""
        {"input": [3, 10, 10], "layers": [
          {"name": "max_ceil", "op": "maxpool", "kernel": 3, "stride": 2, "ceil_mode": true},
          {"name": "avg_ceil_excl", "op": "avgpool", "kernel": 3, "stride": 2, "padding": 1, "ceil_mode": true, "count_include_pad": false, "inputs": "input"},
          {"name": "max_dilated", "op": "maxpool", "kernel": 2, "stride": 3, "dilation": 2, "inputs": "input"},
          {"name": "avg_strided", "op": "avgpool", "kernel": 2, "stride": 3, "inputs": "input"},
          {"name": "adaptive_avg", "op": "adaptive_avgpool", "output_size": [3, 4], "inputs": "input"},
          {"name": "adaptive_max", "op": "adaptive_maxpool", "output_size": 4, "inputs": "input"},
          {"name": "global_max", "op": "global_maxpool", "inputs": "input"},
          {"name": "global_avg", "op": "global_avgpool", "inputs": "input"}
        ]}
        """#))
    }

    /// Rows long enough for the fast path's vectors (stride 1 and 2) and their scalar
    /// tails: every window rule again, including padding-only edges and dilation.
    @Test(arguments: [7, 20, 37])
    func poolingRowsOfEveryLength(width: Int) throws {
        try GraphCheck.all(try TestGraphs.spec(#"""
        {"input": [5, 9, \#(width)], "layers": [
          {"name": "max3s2", "op": "maxpool", "kernel": 3, "stride": 2, "padding": 1},
          {"name": "max3s1", "op": "maxpool", "kernel": 3, "stride": 1, "padding": 1, "inputs": "input"},
          {"name": "max5s1", "op": "maxpool", "kernel": 5, "stride": 1, "padding": 2, "inputs": "input"},
          {"name": "max_dilated_s1", "op": "maxpool", "kernel": 3, "dilation": 2, "padding": 1, "stride": 1, "inputs": "input"},
          {"name": "max_ceil_s2", "op": "maxpool", "kernel": 2, "stride": 2, "ceil_mode": true, "inputs": "input"},
          {"name": "avg3s1_incl", "op": "avgpool", "kernel": 3, "stride": 1, "padding": 1, "inputs": "input"},
          {"name": "avg3s2_excl", "op": "avgpool", "kernel": 3, "stride": 2, "padding": 1, "count_include_pad": false, "ceil_mode": true, "inputs": "input"},
          {"name": "avg2s2", "op": "avgpool", "kernel": 2, "stride": 2, "inputs": "input"},
          {"name": "avg_s3", "op": "avgpool", "kernel": 4, "stride": 3, "padding": 2, "inputs": "input"}
        ]}
        """#))
    }

    /// Tensors large enough that activations, batch norm, adds, channel-wise products,
    /// concat and pooling take their split-over-the-cores paths.
    @Test func largeCheapOpsSplitAcrossCores() throws {
        try GraphCheck.all(try TestGraphs.spec(#"""
        {"input": [16, 130, 127], "layers": [
          {"name": "bn", "op": "batchnorm"},
          {"name": "act", "op": "relu6"},
          {"name": "swish", "op": "swish", "inputs": "bn"},
          {"name": "sigmoid", "op": "sigmoid", "inputs": "bn"},
          {"name": "tanh", "op": "tanh", "inputs": "bn"},
          {"name": "exp", "op": "exp", "inputs": "bn"},
          {"name": "sum", "op": "add", "inputs": ["swish", "act"]},
          {"name": "pooled", "op": "global_avgpool"},
          {"name": "scaled", "op": "mul", "inputs": ["sum", "pooled"]},
          {"name": "joined", "op": "concat", "inputs": ["scaled", "input"]},
          {"name": "max", "op": "maxpool", "kernel": 3, "stride": 2, "padding": 1},
          {"name": "avg", "op": "avgpool", "kernel": 3, "stride": 1, "padding": 1, "inputs": "joined"}
        ]}
        """#))
    }

    /// ShuffleNet V2's unit: channel split (views), a branch, concat and shuffle (copies).
    /// The split halves cost nothing; concat and shuffle read and write everything.
    @Test func splitShuffleConcat() throws {
        let report = try GraphCheck.all(try TestGraphs.spec(#"""
        {"input": [8, 6, 6], "layers": [
          {"name": "left", "op": "split", "index": 0},
          {"name": "right", "op": "split", "index": 1, "inputs": "input"},
          {"name": "branch", "op": "conv2d", "out": 4, "kernel": 1},
          {"name": "joined", "op": "concat", "inputs": ["left", "branch"]},
          {"name": "shuffled", "op": "channel_shuffle", "groups": 2},
          {"name": "thirds", "op": "split", "sizes": [2, 3, 3], "index": 1},
          {"name": "cols", "op": "slice", "axis": 2, "start": 1, "end": 6, "step": 2, "inputs": "shuffled"},
          {"name": "after_strided_view", "op": "conv2d", "out": 2, "kernel": 3, "padding": 1},
          {"name": "rows_concat", "op": "concat", "axis": 1, "inputs": ["shuffled", "shuffled"]}
        ]}
        """#))
        #expect(GraphCheck.layer(report, "left")?.memoryAccess.counted == 0)
        #expect(GraphCheck.layer(report, "shuffled")?.memoryAccess.counted == 2 * 8 * 36)
    }

    /// Squeeze-excite: `[C, H, W] × [C, 1, 1]`; the broadcast operand is read once.
    @Test func squeezeExciteMultiply() throws {
        let report = try GraphCheck.all(try TestGraphs.spec(#"""
        {"input": [6, 5, 5], "layers": [
          {"name": "squeeze", "op": "global_avgpool"},
          {"name": "reduce", "op": "conv2d", "out": 2, "kernel": 1},
          {"name": "relu", "op": "relu"},
          {"name": "expand", "op": "conv2d", "out": 6, "kernel": 1},
          {"name": "gate", "op": "hardsigmoid"},
          {"name": "scale", "op": "mul", "inputs": ["input", "gate"]},
          {"name": "residual", "op": "add", "inputs": ["scale", "input", "scale"]},
          {"name": "difference", "op": "sub", "inputs": ["residual", "gate"]},
          {"name": "ratio", "op": "div", "inputs": ["difference", "gate"]}
        ]}
        """#))
        #expect(GraphCheck.layer(report, "scale")?.memoryAccess.counted == 150 + 6 + 150)
    }

    /// A residual add long enough (4·128·130 = 66,560 elements) to be split across the
    /// workers: it reads both operands once and writes once, 3 · 66,560 elements.
    @Test func longResidualAddSplitAcrossWorkers() throws {
        let report = try GraphCheck.all(try TestGraphs.spec(#"""
        {"input": [4, 128, 130], "layers": [
          {"name": "branch", "op": "relu"},
          {"name": "residual", "op": "add", "inputs": ["branch", "input"]}
        ]}
        """#))
        #expect(GraphCheck.layer(report, "residual")?.memoryAccess.counted == 3 * 66_560)
    }

    /// Reductions over any axes: ConvNeXt V2's global response norm (an L2 norm over H
    /// and W, its mean over channels, a gate) and a max over the last two axes.
    @Test func reductions() throws {
        try GraphCheck.all(try TestGraphs.spec(#"""
        {"input": [8, 9, 7], "layers": [
          {"name": "conv", "op": "conv2d", "out": 6, "kernel": 3, "padding": 1},
          {"name": "norm", "op": "reduce_l2", "axes": [1, 2], "keepdims": true},
          {"name": "mean", "op": "reduce_mean", "axes": [0], "keepdims": true, "inputs": ["norm"]},
          {"name": "gate", "op": "div", "inputs": ["norm", "mean"]},
          {"name": "scaled", "op": "mul", "inputs": ["conv", "gate"]},
          {"name": "sum", "op": "reduce_sum", "axes": [0]},
          {"name": "low", "op": "reduce_min", "axes": [-1], "inputs": ["scaled"]},
          {"name": "top", "op": "reduce_max", "axes": [-1, -2], "inputs": ["scaled"]}
        ]}
        """#))
    }

    /// Nearest (up and down), bilinear and bicubic resizing, and constant padding; the
    /// bicubic reduction of 10×12 to 2×2 reads rows 1–4 and 6–9 and columns 1–4 and 7–10
    /// (four taps around 2 and 7, and around 2.5 and 8.5), not the whole map.
    @Test func resamplingAndPadding() throws {
        try GraphCheck.all(try TestGraphs.spec(#"""
        {"input": [2, 5, 6], "layers": [
          {"name": "nearest", "op": "upsample", "scale": 2},
          {"name": "nearest_down", "op": "upsample", "size": [3, 4], "inputs": "input"},
          {"name": "nearest_uneven", "op": "upsample", "scale": [3, 1.5], "inputs": "input"},
          {"name": "bilinear", "op": "upsample", "mode": "bilinear", "scale": 2, "inputs": "input"},
          {"name": "bilinear_corners", "op": "upsample", "mode": "bilinear", "size": [7, 9], "align_corners": true, "inputs": "input"},
          {"name": "padded", "op": "pad", "pads": {"top": 1, "bottom": 2, "left": 0, "right": 3}, "value": 0.5, "inputs": "input"},
          {"name": "bicubic", "op": "upsample", "mode": "bicubic", "scale": 2, "inputs": "input"},
          {"name": "bicubic_corners", "op": "upsample", "mode": "bicubic", "size": [7, 9], "align_corners": true, "inputs": "input"},
          {"name": "bicubic_down", "op": "upsample", "mode": "bicubic", "size": [2, 2], "inputs": "nearest"}
        ]}
        """#))
        let down = try GraphCheck.all(try TestGraphs.spec(#"""
        {"input": [2, 5, 6], "layers": [
          {"name": "nearest", "op": "upsample", "scale": 2},
          {"name": "bicubic_down", "op": "upsample", "mode": "bicubic", "size": [2, 2]}
        ]}
        """#))
        #expect(GraphCheck.layer(down, "bicubic_down")?.memoryAccess.counted == 2 * (8 * 8) + 2 * 2 * 2)
    }

    /// Spec layers of ops that ONNX files brought: 1-D transposed convolutions on a
    /// `[C, L]` sequence, grouped and dilated; a 3-D one on a `[C, T, H, W]` clip; an LSTM
    /// over the sequence read batch first. Counted equals symbolic for each.
    @Test func sequencesAndVideoDecoders() throws {
        try GraphCheck.all(try TestGraphs.spec(#"""
        {"input": [4, 9], "layers": [
          {"name": "up", "op": "conv_transpose1d", "out": 6, "kernel": 3, "stride": 2, "padding": 1, "output_padding": 1},
          {"name": "grouped", "op": "conv_transpose1d", "out": 4, "kernel": 3, "dilation": 2, "groups": 2, "bias": false},
          {"name": "tokens", "op": "transpose", "perm": [1, 0]},
          {"name": "lstm", "op": "lstm", "hidden": 3, "batch_first": true, "bidirectional": true}
        ]}
        """#))
        let report = try GraphCheck.all(try TestGraphs.spec(#"""
        {"input": [3, 2, 3, 4], "layers": [
          {"name": "decoder", "op": "conv_transpose3d", "out": 4, "kernel": [2, 4, 4], "stride": [1, 2, 2], "padding": [0, 1, 1]}
        ]}
        """#))
        // 3·(2·3·4) inputs, each through 4·(2·4·4) taps.
        #expect(GraphCheck.layer(report, "decoder")?.macs.counted == 3 * 24 * 4 * 32)
    }

    /// Normalizations, every activation, softmax, flatten/reshape views, linear on rows,
    /// transpose and matmul (with a broadcast batch axis).
    @Test func vectorsAndSequences() throws {
        try GraphCheck.all(try TestGraphs.spec(#"""
        {"input": [4, 6, 6], "layers": [
          {"name": "bn", "op": "batchnorm"},
          {"name": "gn", "op": "groupnorm", "groups": 2},
          {"name": "ln", "op": "layernorm", "axes": 2},
          {"name": "a1", "op": "relu6"}, {"name": "a2", "op": "leaky_relu", "slope": 0.2}, {"name": "a3", "op": "sigmoid"},
          {"name": "a4", "op": "swish"}, {"name": "a5", "op": "hardswish"}, {"name": "a6", "op": "gelu"}, {"name": "a7", "op": "tanh"},
          {"name": "a8", "op": "relu"},
          {"name": "seq", "op": "reshape", "shape": [4, 36]},
          {"name": "tokens", "op": "transpose", "perm": [1, 0]},
          {"name": "proj", "op": "linear", "out": 5},
          {"name": "keys", "op": "transpose", "perm": [1, 0]},
          {"name": "scores", "op": "matmul", "inputs": ["proj", "keys"]},
          {"name": "attention", "op": "softmax", "axis": -1},
          {"name": "mixed", "op": "matmul", "inputs": ["attention", "proj"]},
          {"name": "flat", "op": "flatten"},
          {"name": "drop", "op": "dropout"},
          {"name": "same", "op": "identity"},
          {"name": "bn1d", "op": "batchnorm"},
          {"name": "head", "op": "linear", "out": 3},
          {"name": "probabilities", "op": "softmax"}
        ]}
        """#))
    }

    /// Matmul broadcasting a batch axis, and a rank-1 operand.
    @Test func batchedMatMul() throws {
        var builder = GraphBuilder(name: "matmul")
        let a = try builder.addInput(name: "a", shape: try TensorShape([3, 4, 5]))
        let b = try builder.addInput(name: "b", shape: try TensorShape([1, 5, 2]))
        let v = try builder.addInput(name: "v", shape: try TensorShape([2]))
        let product = try builder.add(name: "product", operation: .matmul(MatMul()), inputs: [a, b])
        try builder.add(name: "vector", operation: .matmul(MatMul()), inputs: [product, v])
        try GraphCheck.all(builder.build())
    }

    /// A stored constant operand (as ONNX files have) added to an activation.
    @Test func constantOperand() throws {
        var builder = GraphBuilder(name: "constant")
        let x = try builder.addInput(name: "x", shape: try TensorShape([3, 4, 4]))
        let c = try builder.add(name: "bias", operation: .constant(ConstantTensor(shape: try TensorShape([3, 1, 1]))), inputs: [])
        try builder.add(name: "shifted", operation: .elementwise(Elementwise(.add)), inputs: [x, c])
        try GraphCheck.all(builder.build())
    }

    /// The deployed graph: batch norms folded into convolutions (standard, depthwise,
    /// transposed) and linear layers, activations applied in their epilogues.
    @Test func fusedLayers() throws {
        let graph = try Fusion.deploy(try TestGraphs.spec(#"""
        {"input": [3, 12, 12], "layers": [
          {"name": "stem", "op": "conv2d", "out": 8, "kernel": 3, "stride": 2, "padding": 1, "bias": false},
          {"name": "stem_bn", "op": "batchnorm"}, {"name": "stem_act", "op": "relu6"},
          {"name": "dw", "op": "conv2d", "kernel": 3, "padding": 1, "groups": "depthwise", "bias": false},
          {"name": "dw_bn", "op": "batchnorm"}, {"name": "dw_act", "op": "hardswish"},
          {"name": "pw", "op": "conv2d", "out": 16, "kernel": 1, "bias": false},
          {"name": "pw_bn", "op": "batchnorm"}, {"name": "pw_act", "op": "swish"},
          {"name": "up", "op": "conv_transpose2d", "out": 4, "kernel": 2, "stride": 2},
          {"name": "up_bn", "op": "batchnorm"}, {"name": "up_act", "op": "relu"},
          {"name": "pool", "op": "global_avgpool"}, {"name": "flat", "op": "flatten"},
          {"name": "fc", "op": "linear", "out": 6, "bias": false}, {"name": "fc_bn", "op": "batchnorm"}, {"name": "fc_act", "op": "gelu"}
        ]}
        """#))
        let fused = graph.layers.filter { if case .fused = $0.operation { true } else { false } }
        #expect(fused.count == 5)
        try GraphCheck.all(graph)
    }
}

/// Padding of any axes, as Swin pads a channels-last `[N, H, W, C]` map.
@Suite struct PadKernelTests {
    /// `[1, 2, 2, 3]` (values 1…12) padded by 1 before H and 2 after W, with 9: the
    /// output is `[1, 3, 4, 3]`; its first row (H = 0) is all 9, and the next holds the
    /// input's first row, 1 2 3 | 4 5 6, then two pixels of 9. Counted: 12 read, 36 written.
    @Test func channelsLastPadding() throws {
        var builder = GraphBuilder(name: "pad")
        let input = try builder.addInput(name: "x", shape: try TensorShape([1, 2, 2, 3], batchAxis: 0))
        try builder.add(name: "p", operation: .pad(Pad(before: [0, 1, 0, 0], after: [0, 0, 2, 0], value: 9)), inputs: [input])
        let graph = builder.build()
        #expect(graph.layers[1].outputShape.dims == [1, 3, 4, 3])
        let values = (1...12).map(Float.init)
        let prepared = try PreparedGraph(graph, seed: 1, limits: RunLimits(), inputOverrides: [0: values])
        let output = prepared.run().finalOutput?.values ?? []
        let nines = [Float](repeating: 9, count: 6)
        let expected: [Float] = [Float](repeating: 9, count: 12) + [1, 2, 3, 4, 5, 6] + nines + [7, 8, 9, 10, 11, 12] + nines
        #expect(output == expected)
        let report = try Verifier.verify(graph)
        #expect(report.allMatch)
        #expect(report.layers.first?.memoryAccess.counted == 12 + 36)
    }
}
