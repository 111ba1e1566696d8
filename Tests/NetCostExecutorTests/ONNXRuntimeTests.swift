import Foundation
import NetCost
@testable import NetCostExecutor
import Testing

/// ONNX exports with real weights, imported and run by the executor on the file's own
/// weights and input, against onnxruntime's output (written beside each file by
/// Tests/ONNXTests/Fixtures/make_fixtures.py): within 1e-4 relative error on the fast,
/// reference and counting paths. The import maps the file's nodes to netcost's ops; these
/// tests check that what the ops compute is what the file computes.
@Suite struct ONNXRuntimeTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ONNXTests/Fixtures/generated")

    /// A fixture's JSON: the input, onnxruntime's output, and the stored values.
    struct Fixture {
        let object: [String: Any]

        init(_ name: String) throws {
            let data = try Data(contentsOf: ONNXRuntimeTests.directory.appendingPathComponent(name + ".json"))
            object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        }

        static func values(_ tensor: Any?) -> [Float] {
            ((tensor as? [String: Any])?["data"] as? [Double] ?? []).map(Float.init)
        }

        func tensor(_ path: String...) -> [Float] {
            var current: Any? = object
            for key in path { current = (current as? [String: Any])?[key] }
            return Self.values(current)
        }
    }

    /// The file's weights and input for every layer that holds them: the constant layers
    /// the initializers became (by name), the norm's scale and shift, the conv's bias.
    static func overrides(_ graph: Graph, _ fixture: Fixture) -> (inputs: [Int: [Float]], parameters: [Int: LayerParameters]) {
        var inputs: [Int: [Float]] = [:], parameters: [Int: LayerParameters] = [:]
        for (index, layer) in graph.layers.enumerated() {
            switch layer.operation {
            case .input: inputs[index] = fixture.tensor("input")
            case .constant: inputs[index] = fixture.tensor("initializers", layer.name)
            case .normalization:
                let channels = layer.outputShape.dims[1]
                parameters[index] = LayerParameters(tensors: [
                    ParameterTensor(role: .scale, data: Tensor(dims: [channels], values: fixture.tensor("batchnorm", "scale"))),
                    ParameterTensor(role: .shift, data: Tensor(dims: [channels], values: fixture.tensor("batchnorm", "shift"))),
                ])
            case .dynamicConvolution:
                let bias = fixture.tensor("conv_bias")
                parameters[index] = LayerParameters(tensors: [ParameterTensor(role: .bias, data: Tensor(dims: [bias.count], values: bias))])
            default: break
            }
        }
        return (inputs, parameters)
    }

    /// NF-Nets' weight-standardized convolution (timm's ScaledStdConv2d, 3 → 4 channels,
    /// 3×3, padding 1, on a batch of two 6×6 maps), as PyTorch exports it at opset 13
    /// (BatchNormalization at inference on the computed statistics) and 17 (in training
    /// mode): the Conv's weight is computed from a stored copy at run time.
    @Test(arguments: ["weight_standardized_conv_opset13", "weight_standardized_conv_opset17"])
    func weightStandardizedConvolutionMatchesONNXRuntime(_ name: String) throws {
        let fixture = try Fixture(name)
        let graph = try ONNXImporter.load(file: Self.directory.appendingPathComponent(name + ".onnx").path).model.graph
        let kinds = graph.layers.map(\.operation.kind)
        #expect(kinds.contains("dynamic_batchnorm") && kinds.contains("dynamic_conv2d"), "\(kinds)")
        let (inputs, parameters) = Self.overrides(graph, fixture)
        #expect(inputs.values.allSatisfy { !$0.isEmpty }, "every constant layer is an initializer of the file")
        let prepared = try PreparedGraph(graph, seed: 1, limits: RunLimits(), parameterOverrides: parameters, inputOverrides: inputs)
        for (path, result) in [("fast", prepared.run()), ("reference", prepared.run(path: KernelPath.reference)),
                               ("counting", prepared.run(counting: true))] {
            let comparison = Comparison(observed: result.finalOutput?.values ?? [], expected: fixture.tensor("output"))
            #expect(comparison.within(1e-4), "\(name), \(path) path: \(comparison)")
        }
    }

    /// LSTMs: torch.nn.LSTM(5, 3, bidirectional=True) as PyTorch exports it (its initial
    /// states graph inputs, the output Y moved to `[T, N, 2H]`), and an LSTM node running
    /// in reverse from an initial hidden state, whose output is Y_h (a slice of Y). The
    /// fixture gives the weights in the layer's layout, torch's gate order.
    @Test(arguments: ["lstm_bidirectional_opset17", "lstm_reverse_opset14"])
    func lstmMatchesONNXRuntime(_ name: String) throws {
        let fixture = try Fixture(name)
        let graph = try ONNXImporter.load(file: Self.directory.appendingPathComponent(name + ".onnx").path).model.graph
        var inputs: [Int: [Float]] = [:], parameters: [Int: LayerParameters] = [:]
        for (index, layer) in graph.layers.enumerated() {
            switch layer.operation {
            case .input: inputs[index] = fixture.tensor("inputs", layer.name)
            case .lstm(let lstm):
                let roles: [(ParameterRole, String)] = [(.weight, "weight"), (.recurrentWeight, "weight_hh"), (.bias, "bias"), (.recurrentBias, "bias_hh")]
                let shapes = lstm.parameterShapes(layer.inputs.map { graph.layers[$0].outputShape })
                parameters[index] = LayerParameters(tensors: zip(roles, shapes).map { role, shape in
                    ParameterTensor(role: role.0, data: Tensor(dims: shape.dims, values: fixture.tensor("lstm", role.1)))
                })
            default: break
            }
        }
        #expect(parameters.count == 1 && inputs.values.allSatisfy { !$0.isEmpty })
        let prepared = try PreparedGraph(graph, seed: 1, limits: RunLimits(), parameterOverrides: parameters, inputOverrides: inputs)
        for (path, result) in [("fast", prepared.run()), ("counting", prepared.run(counting: true))] {
            let comparison = Comparison(observed: result.finalOutput?.values ?? [], expected: fixture.tensor("output"))
            #expect(comparison.within(1e-4), "\(name), \(path) path: \(comparison)")
        }
        #expect(try Verifier.verify(graph).allMatch)
    }

    /// Cubic Resize in each coordinate transformation netcost maps: half_pixel ×2,
    /// align_corners to 7×9, asymmetric ×1.5×2 with `cubic_coeff_a` −0.5, and
    /// pytorch_half_pixel down to 3×1 (a single column samples position 0).
    @Test(arguments: ["half_pixel", "align_corners", "asymmetric", "pytorch_half_pixel"])
    func cubicResizeMatchesONNXRuntime(_ mode: String) throws {
        let name = "resize_cubic_\(mode)_opset13"
        let fixture = try Fixture(name)
        let graph = try ONNXImporter.load(file: Self.directory.appendingPathComponent(name + ".onnx").path).model.graph
        #expect(graph.layers.map(\.operation.kind) == ["input", "upsample"])
        let inputs = [0: fixture.tensor("inputs", "x")]
        let prepared = try PreparedGraph(graph, seed: 1, limits: RunLimits(), inputOverrides: inputs)
        for (path, result) in [("fast", prepared.run()), ("counting", prepared.run(counting: true))] {
            let comparison = Comparison(observed: result.finalOutput?.values ?? [], expected: fixture.tensor("output"))
            #expect(comparison.within(1e-4), "\(name), \(path) path: \(comparison)")
        }
        #expect(try Verifier.verify(graph).allMatch)
    }

    /// Gather, GatherND, ScatterND, GatherElements and ScatterElements on run-time data and
    /// indices (repeats, negative indices, `batch_dims` 1, ScatterND's `reduction` add on a
    /// row named twice, ScatterElements' mul on an element named twice, GatherElements along
    /// the first of three axes, the deprecated Scatter of opset 10): the
    /// graph inputs are the fixture's, by name; `verify`'s own indices name distinct
    /// positions, so its counts are the rules'.
    @Test(arguments: [("gather_runtime_opset13", "gather"), ("gather_nd_opset13", "gather_nd"), ("gather_nd_batch_opset13", "gather_nd"),
                      ("scatter_nd_opset13", "scatter_nd"), ("scatter_nd_add_opset16", "scatter_nd"),
                      ("gather_elements_opset13", "gather_elements"), ("scatter_elements_opset16", "scatter_elements"),
                      ("gather_elements_axis0_opset13", "gather_elements"), ("scatter_opset10", "scatter_elements")])
    func indexingMatchesONNXRuntime(_ name: String, _ kind: String) throws {
        let fixture = try Fixture(name)
        let graph = try ONNXImporter.load(file: Self.directory.appendingPathComponent(name + ".onnx").path).model.graph
        #expect(graph.layers.last?.operation.kind == kind)
        var inputs: [Int: [Float]] = [:]
        for (index, layer) in graph.layers.enumerated() where layer.operation.kind == "input" {
            inputs[index] = fixture.tensor("inputs", layer.name)
            #expect(inputs[index]?.count == layer.outputShape.elements, "\(name): input \(layer.name)")
        }
        let prepared = try PreparedGraph(graph, seed: 1, limits: RunLimits(), inputOverrides: inputs)
        for (path, result) in [("fast", prepared.run()), ("counting", prepared.run(counting: true))] {
            let comparison = Comparison(observed: result.finalOutput?.values ?? [], expected: fixture.tensor("output"))
            #expect(comparison.within(1e-6), "\(name), \(path) path: \(comparison)")
        }
        let report = try Verifier.verify(graph)
        #expect(report.allMatch, "\(report.layers.filter { !$0.match })")
    }

    /// A Loop of 3 iterations (h ← tanh(h·w), each h kept in a sequence and stacked as a
    /// scan output), ConcatFromSequence, SequenceAt and a constant If, unrolled on import:
    /// the executor's output on the fixture's inputs is onnxruntime's, and `verify`
    /// counts what the rules say. The executor seeds constant layers as it seeds weights,
    /// so the If's constant 2 is given.
    @Test func unrolledControlFlowMatchesONNXRuntime() throws {
        let name = "control_flow_opset13"
        let fixture = try Fixture(name)
        let graph = try ONNXImporter.load(file: Self.directory.appendingPathComponent(name + ".onnx").path).model.graph
        var inputs: [Int: [Float]] = [:]
        for (index, layer) in graph.layers.enumerated() where layer.operation.kind == "input" {
            inputs[index] = fixture.tensor("inputs", layer.name)
        }
        #expect(inputs.count == 2)
        let two = try #require(graph.layers.firstIndex { $0.operation.kind == "constant" && $0.name == "two" })
        inputs[two] = [2]
        let prepared = try PreparedGraph(graph, seed: 1, limits: RunLimits(), inputOverrides: inputs)
        for (path, result) in [("fast", prepared.run()), ("counting", prepared.run(counting: true))] {
            let comparison = Comparison(observed: result.finalOutput?.values ?? [], expected: fixture.tensor("output"))
            #expect(comparison.within(1e-5), "\(path) path: \(comparison)")
        }
        let report = try Verifier.verify(graph)
        #expect(report.allMatch, "\(report.layers.filter { !$0.match })")
    }

    /// 1-D and 3-D transposed convolutions as an ONNX file writes them (output padding,
    /// `output_shape`, SAME_UPPER): every layer's counts match its rules.
    @Test func transposedConvolutions1DAnd3DVerify() throws {
        let path = Self.directory.appendingPathComponent("conv_transpose_1d_3d_opset17.onnx").path
        let report = try Verifier.verify(try ONNXImporter.load(file: path).model.graph)
        #expect(report.allMatch, "\(report.layers.filter { !$0.match })")
        #expect(report.layers.map(\.op) == ["conv_transpose1d", "conv_transpose1d", "reshape", "conv_transpose3d"])
    }

    /// `verify` runs such a graph, and its kernels count what the rules say: the
    /// convolution's 2·4·6·6 outputs times 3·3·3 taps, the norm's statistics read as inputs.
    @Test(arguments: ["weight_standardized_conv_opset13", "weight_standardized_conv_opset17"])
    func weightStandardizedConvolutionVerifies(_ name: String) throws {
        let graph = try ONNXImporter.load(file: Self.directory.appendingPathComponent(name + ".onnx").path).model.graph
        let report = try Verifier.verify(graph)
        #expect(report.allMatch, "\(report.layers.filter { !$0.match })")
        let conv = report.layers.first { $0.op == "dynamic_conv2d" }
        #expect(conv?.macs.counted == 2 * 4 * 6 * 6 * (3 * 3 * 3))
    }
}
