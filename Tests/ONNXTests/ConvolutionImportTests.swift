import Testing
@testable import NetCost

/// Conv, ConvTranspose, Gemm and MatMul on small generated models (make_fixtures.py);
/// expected counts are derived by hand in each test.
@Suite struct ConvolutionImportTests {
    /// 3→16 channels, 3×3, stride 2, pad 1 on 32×32: a 16×16 output.
    @Test func convolutionOpset11() throws {
        let model = try Imported("conv_opset11.onnx")
        #expect(model.result.opsetVersion == 11)
        #expect(model.kinds == ["conv2d", "relu"])
        #expect(model.outputDims == [16, 16, 16])
        #expect(model.params == 3 * 3 * 3 * 16 + 16)
        #expect(model.macs == 16 * 16 * 16 * (3 * 3 * 3))
        // Torch scope names become dotted paths.
        #expect(model.layers.map(\.name) == ["x", "features.0.0.conv", "features.0.1.relu"])
    }

    /// 8 channels in 4 groups (2 inputs per group), 3×3 dilated by 2, pad 2: size kept.
    @Test func groupedDilatedConvolution() throws {
        let model = try Imported("conv_grouped_dilated_opset13.onnx")
        #expect(model.outputDims == [8, 20, 20])
        guard case .convolution(let conv)? = model.layers.last?.operation else { Issue.record("not a conv"); return }
        #expect(conv.groups == 4 && conv.dilation == .square(2) && conv.bias == false)
        #expect(model.params == 8 * 2 * 3 * 3)
        #expect(model.macs == 8 * 20 * 20 * (2 * 3 * 3))
    }

    /// SAME_UPPER stride 2 on 15 → 8; SAME_LOWER 2×2 keeps 8 (pad 1 before); VALID 3×3 → 6.
    @Test func autoPadding() throws {
        let model = try Imported("conv_autopad_opset18.onnx")
        #expect(model.layers.map(\.outputShape.sample) == [[4, 15, 15], [6, 8, 8], [6, 8, 8], [2, 6, 6]])
        guard case .convolution(let lower) = model.layers[2].operation else { Issue.record("not a conv"); return }
        #expect(lower.padding == .explicit(top: 1, bottom: 0, left: 1, right: 0))
        #expect(model.macs == 6 * 8 * 8 * (4 * 9) + 6 * 8 * 8 * (6 * 4) + 2 * 6 * 6 * (6 * 9))
        #expect(model.params == 6 * 4 * 9 + 6 * 6 * 4 + 2 * 6 * 9)
    }

    /// 7 → (7−1)·2 − 2 + 3 + 1 = 14; then `output_shape` 28 with kernel 4, stride 2:
    /// total padding 2·13 + 4 − 28 = 2, split 1 and 1.
    @Test func transposedConvolution() throws {
        let model = try Imported("conv_transpose_opset17.onnx")
        #expect(model.kinds == ["conv_transpose2d", "conv_transpose2d"])
        #expect(model.layers.map(\.outputShape.sample) == [[8, 7, 7], [4, 14, 14], [2, 28, 28]])
        #expect(model.params == 8 * 4 * 9 + 4 + 4 * 1 * 16)
        #expect(model.macs == 8 * 7 * 7 * (4 * 9) + 4 * 14 * 14 * (1 * 16))
    }

    /// 1-D: 4 → 6 channels, kernel 3, stride 2, pad 1, output_padding 1 on 7 positions:
    /// (7 − 1)·2 − 2 + 2 + 1 + 1 = 14; then `output_shape` 30 with kernel 4, stride 2 in 2
    /// groups (6 → 4 channels): 2·13 + 3 + 1 = 30, no padding. 3-D on the map unsqueezed
    /// to 1×30×1: kernel 1×3×2, stride 1×2×2, SAME_UPPER gives 1×60×2, cropping one row
    /// of the 61 after. Each input element meets `(C_out/g)·∏k` taps.
    @Test func transposedConvolution1DAnd3D() throws {
        let model = try Imported("conv_transpose_1d_3d_opset17.onnx")
        #expect(model.result.unsupported.isEmpty)
        #expect(model.kinds == ["conv_transpose1d", "conv_transpose1d", "reshape", "conv_transpose3d"])
        #expect(model.layers.dropFirst().map(\.outputShape.sample) == [[6, 14], [4, 30], [4, 1, 30, 1], [3, 1, 60, 2]])
        let video: TransposedConvolutionND? = if case .transposedConvolutionND(let op)? = model.layers.last?.operation { op } else { nil }
        #expect(video?.cropping.before == [0, 0, 0] && video?.cropping.after == [0, 1, 0])
        #expect(model.macs == 4 * 7 * (6 * 3) + 6 * 14 * (2 * 4) + 4 * 30 * (3 * 1 * 3 * 2))
        #expect(model.params == 4 * 6 * 3 + 6 + 6 * 2 * 4 + 4 * 3 * 6)
    }

    /// A video stem: Conv 3→4, 3×3×3, stride 1×2×2, pad 1, on 4×8×8 gives 4×4×4×4, so
    /// 4·4·4·4 outputs of 3·27 taps = 20,736 MACs and 4·3·27 = 324 weights; batch norm's
    /// 4 + 4 params and 4 + 4 buffers; max 2×2×2 → 4×2×2×2, average 1×2×2 → 4×2×1×1,
    /// global → 4×1×1×1.
    @Test func convolutionAndPooling3D() throws {
        let model = try Imported("conv3d_pool3d_opset13.onnx")
        #expect(model.result.unsupported.isEmpty)
        #expect(model.kinds == ["conv3d", "batchnorm", "maxpool3d", "avgpool3d", "global_avgpool"])
        #expect(model.layers.dropFirst().map(\.outputShape.sample) == [[4, 4, 4, 4], [4, 4, 4, 4], [4, 2, 2, 2], [4, 2, 1, 1], [4, 1, 1, 1]])
        #expect(model.macs == 4 * 4 * 4 * 4 * 3 * 27)
        #expect(model.params == 4 * 3 * 27 + 8)
        #expect(model.analysis.totals.buffers == 8)
    }

    /// Conv1d 4→6 in 2 groups, kernel 3, pad 1, on 10 positions: 6·10 outputs of 2·3
    /// taps = 360 MACs, 6·2·3 + 6 = 42 params; max pool 2 → 6×5.
    @Test func convolution1D() throws {
        let model = try Imported("conv1d_opset13.onnx")
        #expect(model.kinds == ["conv1d", "maxpool1d"])
        #expect(model.outputDims == [6, 5])
        #expect(model.macs == 6 * 10 * 2 * 3)
        #expect(model.params == 6 * 2 * 3 + 6)
    }

    /// Gemm with transB (weight [10, 64]) and without (weight [10, 5]).
    @Test func gemm() throws {
        let model = try Imported("gemm_opset11.onnx")
        #expect(model.kinds == ["linear", "linear"])
        #expect(model.outputDims == [5])
        #expect(model.params == 64 * 10 + 10 + 10 * 5)
        #expect(model.macs == 64 * 10 + 10 * 5)
    }

    /// MatMul + Add of a stored bias is one linear layer; a MatMul by a stored matrix
    /// alone is linear without bias; between two activations it is a matmul.
    @Test func matmul() throws {
        let model = try Imported("matmul_opset13.onnx")
        #expect(model.kinds == ["linear", "linear", "transpose", "matmul", "softmax"])
        #expect(model.layer("blocks.0.mlp.fc1.linear") != nil)
        #expect(model.outputDims == [5, 5])
        #expect(model.params == 32 * 16 + 16 + 16 * 8)
        #expect(model.macs == 5 * 32 * 16 + 5 * 16 * 8 + 5 * 8 * 5)
    }

    /// Two convolutions read one weight and bias, a third reads the weight through an
    /// Identity: the stored tensors count once.
    @Test func sharedWeightsCountOnce() throws {
        let model = try Imported("shared_weights_opset13.onnx")
        #expect(model.kinds == ["conv2d", "conv2d", "conv2d"])
        #expect(model.params == 4 * 4 * 3 * 3 + 4)
        #expect(model.macs == 3 * (4 * 6 * 6 * 4 * 9))
    }

    /// Weights in a side file that is not there: their dims are enough.
    @Test func externalDataWithoutTheSideFile() throws {
        let model = try Imported("external_data_opset13.onnx")
        #expect(model.outputDims == [64, 6, 6])
        #expect(model.params == 64 * 16 * 3 * 3 + 64)
        #expect(model.macs == 64 * 6 * 6 * (16 * 9))
    }

    /// Index tensors in a side file next to the model are read (torch's dynamo exporter
    /// keeps larger constants there): the Gather becomes a take of the file's 8 indices.
    /// A location that climbs out of the model's directory is not read: the Gather is then
    /// a `gather` at indices whose values netcost does not know, counted all the same.
    @Test func indicesInASideFile() throws {
        let model = try Imported("external_indices_opset13.onnx")
        #expect(model.result.unsupported.isEmpty)
        #expect(model.layers.first { $0.operation.kind == "take" }?.operation == .take(Take(axis: 0, indices: [3, 1, 0, 2, 7, 6, 5, 4])))
        let escaping = try Imported("external_indices_escaping_opset13.onnx")
        #expect(escaping.result.unsupported.isEmpty)
        #expect(escaping.layers.first { $0.operation.kind == "gather" }?.operation == .gather(Gather(axis: 0)))
    }
}

/// A ConvNeXt block and head as torchvision's exporter writes them at opset 17.
@Suite struct ConvNeXtImportTests {
    /// Stem 3→16, 4×4 stride 4 on 32×32 → 8×8; depthwise 7×7 pad 3; channels-last
    /// LayerNorm; linear 16→64 (MatMul + Add), GELU, linear 64→16; layer scale;
    /// residual add; global pool; LayerNorm on [1, 1, 16]; Gemm 16→10.
    @Test func convNeXtBlock() throws {
        let model = try Imported("convnext_block_opset17.onnx")
        #expect(model.result.unsupported.isEmpty)
        #expect(model.kinds == ["conv2d", "conv2d", "transpose", "layernorm", "linear", "gelu", "linear", "mul", "transpose",
                                "add", "global_avgpool", "transpose", "layernorm", "transpose", "flatten", "linear"])
        #expect(model.outputDims == [10])
        let params = (3 * 16 * 4 * 4 + 16) + (16 * 7 * 7 + 16) + 2 * 16 + (16 * 64 + 64) + (64 * 16 + 16) + 16 + 2 * 16 + (16 * 10 + 10)
        #expect(model.params == params)
        let macs = 16 * 8 * 8 * (3 * 4 * 4) + 16 * 8 * 8 * (1 * 7 * 7) + 8 * 8 * 16 * 64 + 8 * 8 * 64 * 16 + 16 * 10
        #expect(model.macs == macs)
    }
}

/// NF-Nets' weight-standardized convolution as PyTorch exports it (timm's ScaledStdConv2d,
/// 3 → 4 channels, 3×3, pad 1, on a batch of two 6×6 maps): the weight is stored twice,
/// as W `[1, 4, 27]` and as its transpose `[1, 27, 4]`, whose per-channel mean
/// (ReduceMean) and variance (ReduceMean, Sub, Mul, ReduceMean) feed a BatchNormalization
/// of W with the gain `[4]`; its output, reshaped to `[4, 3, 3, 3]`, is the Conv's weight.
@Suite struct WeightStandardizationImportTests {
    @Test(arguments: ["weight_standardized_conv_opset13.onnx", "weight_standardized_conv_opset17.onnx"])
    func convolutionByAComputedWeight(_ name: String) throws {
        let model = try Imported(name)
        #expect(model.result.unsupported.isEmpty)
        #expect(model.kinds == ["reduce_mean", "reduce_mean", "sub", "mul", "reduce_mean", "dynamic_batchnorm", "reshape",
                                "dynamic_conv2d", "relu"])
        #expect(model.outputDims == [4, 6, 6])
        // The stored tensors, each once: both copies of the weight, the gain, the bias.
        #expect(model.params == 4 * 27 + 27 * 4 + 4 + 4)
        #expect(model.buffers == 0)
        // 2·4·6·6 outputs of 3·3·3 taps.
        #expect(model.macs == 2 * 4 * 6 * 6 * (3 * 3 * 3))
        // The standardization is arithmetic: the mean of 27 values per channel (108 adds),
        // the variance (a mean, 108 subtractions, 108 products, a mean), and the norm's
        // 2 per element and 5 per channel.
        let standardization = ["reducemean", "reducemean_1", "sub", "mul", "reducemean_2", "batchnormalization"]
            .compactMap { model.cost("0." + $0)?.flops }
        #expect(standardization == [108, 108, 108, 108, 108, 2 * 108 + 5 * 4])
        let conv = model.cost("0.conv")
        // The input's 2·3·6·6 elements and the 108 weights are read, the 4 biases, the output written.
        #expect(conv?.memoryAccess == 2 * 3 * 36 + 108 + 4 + 2 * 4 * 36)
        #expect(conv?.params == 4)
    }
}
