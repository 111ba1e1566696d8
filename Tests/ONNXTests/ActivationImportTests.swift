import Testing
@testable import NetCost

/// Normalization, activations and the fused activation patterns.
@Suite struct ActivationImportTests {
    /// Conv 3→4 (1×1, no bias) then batch norm: scale and shift are parameters
    /// (2·4), running mean and variance buffers (2·4).
    @Test func batchNormalization() throws {
        let model = try Imported("batchnorm_opset15.onnx")
        #expect(model.kinds == ["conv2d", "batchnorm", "relu"])
        #expect(model.params == 4 * 3 + 2 * 4)
        #expect(model.buffers == 2 * 4)
        #expect(model.macs == 4 * 8 * 8 * 3)
    }

    /// The running variance is the scale itself (an Identity of it): one stored tensor,
    /// learned, so it counts once as a parameter; the mean alone is a buffer.
    @Test func batchNormalizationSharingItsScale() throws {
        let model = try Imported("batchnorm_shared_opset15.onnx")
        #expect(model.params == 4 + 4)
        #expect(model.buffers == 4)
    }

    /// Instance norm is group norm with a group per channel; GroupNormalization (opset 21)
    /// with 2 groups. Each has a scale and a shift of 4.
    @Test func instanceAndGroupNormalization() throws {
        let model = try Imported("norms_opset21.onnx")
        #expect(model.layers.dropFirst().map(\.operation) == [.normalization(Normalization(.group(groups: 4))),
                                                              .normalization(Normalization(.group(groups: 2)))])
        #expect(model.params == 4 * 4)
    }

    /// LayerNormalization over the last axis of [5, 32]: scale and shift of 32.
    @Test func layerNormalization() throws {
        let model = try Imported("layernorm_opset17.onnx")
        #expect(model.layers.last?.operation == .normalization(Normalization(.layer(axes: 1))))
        #expect(model.params == 2 * 32)
    }

    /// Clip(0, 6) is relu6 and Clip(0, ∞) relu; softmax's axis stays ONNX's 1, the channels.
    @Test func activations() throws {
        let model = try Imported("activations_opset14.onnx")
        #expect(model.kinds == ["relu", "sigmoid", "hardsigmoid", "hardswish", "leaky_relu", "tanh", "relu6", "relu", "softmax"])
        let leaky = model.layers.first { $0.operation.kind == "leaky_relu" }?.operation
        guard case .activation(let activation)? = leaky, case .leakyRelu(let slope) = activation.function else {
            Issue.record("no leaky relu")
            return
        }
        #expect(abs(slope - 0.1) < 1e-6)
        #expect(model.layers.last?.operation == .softmax(Softmax(axis: 1)))
        #expect(model.params == 0)
        #expect(model.result.unsupported.isEmpty)
    }

    /// Clip bounds given as float initializers (opset 11): still relu6, and the two
    /// stored floats count, as every float initializer does.
    @Test func clipWithInitializerBounds() throws {
        let model = try Imported("clip_initializers_opset11.onnx")
        #expect(model.kinds == ["relu6"])
        #expect(model.params == 1 + 1)
    }

    /// Sigmoid·x is swish; GELU spelled with Erf, as `x/√2` and as `x·(1/√2)`, is gelu.
    @Test func fusedSwishAndGELU() throws {
        let model = try Imported("swish_gelu_opset13.onnx")
        #expect(model.kinds == ["swish", "gelu", "gelu"])
        #expect(model.layers.map(\.name) == ["x", "act1.swish", "act2.gelu", "act3.gelu"])
        #expect(model.result.unsupported.isEmpty)
    }

    @Test func geluOpset20() throws {
        let model = try Imported("gelu_opset20.onnx")
        #expect(model.result.opsetVersion == 20)
        #expect(model.kinds == ["gelu"])
    }

    /// x·relu6(x + 3)/6 stays four honest layers with constant operands of shape [1];
    /// Constant nodes are not initializers, so nothing counts as a parameter.
    @Test func decomposedHardswish() throws {
        let model = try Imported("hardswish_decomposed_opset11.onnx")
        #expect(model.kinds == ["add", "relu6", "mul", "div"])
        let constants = model.layers.filter { if case .constant = $0.operation { true } else { false } }
        #expect(constants.map(\.outputShape.sample) == [[1], [1]])
        #expect(model.params == 0)
        #expect(model.outputDims == [8, 4, 4])
    }
}

/// LayerNorm written out as torch exports it before opset 17.
@Suite struct DecomposedLayerNormTests {
    /// ReduceMean, Sub, Pow, ReduceMean, Add ε, Sqrt, Div, Mul γ, Add β over the last
    /// axis of [5, 32]: one layernorm with 32 + 32 parameters.
    @Test func decomposedLayerNorm() throws {
        let model = try Imported("layernorm_decomposed_opset13.onnx")
        #expect(model.result.unsupported.isEmpty)
        #expect(model.kinds == ["layernorm"])
        #expect(model.layers.last?.name == "norm.layernorm")
        #expect(model.params == 32 + 32)
        #expect(model.outputDims == [5, 32])
    }

    /// Each math function on the 120 elements of a 4×5×6 sample is a layer of its own, one
    /// flop per element; Pow by the constant 2 is `pow` ^2, and by a `[4, 1, 1]` tensor of
    /// exponents a broadcast `pow_tensor`, one flop per output element too.
    @Test func elementwiseMath() throws {
        let model = try Imported("math_opset13.onnx")
        #expect(model.kinds == ["abs", "exp", "log", "sqrt", "reciprocal", "neg", "sin", "cos", "erf", "pow", "pow_tensor"])
        #expect(model.layers.first { $0.operation.kind == "pow" }?.operation == .activation(Activation(.pow(exponent: 2))))
        let counted = model.layers.filter { !["input", "constant"].contains($0.operation.kind) }
        #expect(counted.map { model.cost($0.name)?.flops } == Array(repeating: 120, count: 11))
        #expect(model.result.unsupported.isEmpty)
    }
}

/// Constants that are not parameters.
@Suite struct ConstantParameterTests {
    /// InstanceNormalization whose scale and shift are Constant-node ones and zeros (as
    /// PyTorch exports GroupNorm) has no affine map of its own: the 8 parameters are the
    /// stored γ and β of the Mul and Add after it, the file's float initializers.
    @Test func groupNormAsInstanceNorm() throws {
        let model = try Imported("groupnorm_as_instancenorm_opset13.onnx")
        #expect(model.layer("n")?.operation == .normalization(Normalization(.group(groups: 4), affine: false)))
        #expect(model.cost("n")?.params == 0)
        #expect(model.params == 8)
        // 6 flops per element without the affine, 5 per group of 30.
        #expect(model.cost("n")?.flops == 6 * 120 + 5 * 4)
    }

    /// A fixed blur filter in a Constant node, read as a depthwise Conv's weights in a file
    /// whose learned weights are initializers: the file's 16 stored floats (the 1×1 conv's
    /// 4×4) are its parameters, and the blur keeps its work: 4 channels × 4×4 outputs × 9
    /// taps = 576 multiply-adds.
    @Test func fixedFilterInAConstantNodeIsNotAParameter() throws {
        let model = try Imported("blur_filter_constant_opset13.onnx")
        #expect(model.params == 16)
        let blur = try #require(model.layers.firstIndex { $0.name == "y" })
        #expect(model.analysis.ownedWeights[blur]?.params == 0)
        #expect(model.cost("y")?.macs == 576)
        #expect(model.result.unsupported.isEmpty)
    }
}

/// Clip to bounds other than relu's and relu6's.
@Suite struct ClipImportTests {
    /// A lower bound only (1e-12, as Swin V2 clamps a norm): a `clip` to [1e-12, ∞),
    /// 2 flops per element.
    @Test func lowerBoundOnly() throws {
        let model = try Imported("clip_lower_opset13.onnx")
        #expect(model.kinds == ["clip"])
        #expect(model.layers.last?.operation == .activation(Activation(.clip(low: Double(Float(1e-12)), high: .infinity))))
        #expect(model.cost("y")?.flops == 2 * 120)
        #expect(model.result.unsupported.isEmpty)
    }
}
