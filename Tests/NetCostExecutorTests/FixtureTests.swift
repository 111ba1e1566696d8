import Foundation
import NetCost
@testable import NetCostExecutor
import Testing

/// Every kernel against PyTorch: the fixtures of ../shared/fixtures/kernels, copied into
/// Fixtures/. Each runs per sample through the fast path, the reference (direct) path
/// and the counting path, with every kernel set this CPU runs; all must agree with
/// PyTorch within 1e-4 relative error.
@Suite struct FixtureTests {
    static let tolerance = 1e-4

    @Test(arguments: FixturePaths.all, KernelSet.available)
    func matchesPyTorch(_ name: String, kernels: KernelSet) throws {
        let fixture = try Fixture(name: name)
        let batch = fixture.inputs[0].shape[0]
        let perSample = fixture.inputs.map { Array($0.shape.dropFirst()) }
        let graph = try TestGraphs.single(try fixture.operation(inputs: perSample), inputs: perSample, name: name)
        let opIndex = graph.layers.count - 1
        let outputSize = fixture.output.data.count / batch
        for sample in 0..<batch {
            var inputs: [Int: [Float]] = [:]
            for (position, input) in fixture.inputs.enumerated() {
                let size = input.data.count / input.shape[0]
                inputs[position] = Array(input.data[sample * size..<(sample + 1) * size])
            }
            let prepared = try PreparedGraph(graph, seed: 1, limits: RunLimits(), kernels: kernels,
                                             parameterOverrides: [opIndex: fixture.parameters()], inputOverrides: inputs)
            let expected = Array(fixture.output.data[sample * outputSize..<(sample + 1) * outputSize])
            for (path, result) in [("fast", prepared.run()), ("reference", prepared.run(path: KernelPath.reference)),
                                   ("counting", prepared.run(counting: true))] {
                let observed = result.finalOutput?.values ?? []
                let comparison = Comparison(observed: observed, expected: expected)
                #expect(comparison.within(Self.tolerance), "\(name) sample \(sample), \(path) path, \(kernels.name) kernels: \(comparison)")
            }
        }
    }

    @Test func everyFixtureIsCopied() {
        #expect(FixturePaths.all.count >= 54)
    }
}

/// One fixture file: op, attributes, inputs, parameters and the expected output.
struct Fixture {
    struct Array4 {
        let shape: [Int]
        let data: [Float]
    }

    let op: String
    let attrs: [String: Any]
    let inputs: [Array4]
    let params: [String: Array4]
    let output: Array4

    init(name: String) throws {
        let data = try Data(contentsOf: FixturePaths.directory.appendingPathComponent(name + ".json"))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw FixtureError("not an object") }
        op = object["op"] as? String ?? ""
        attrs = object["attrs"] as? [String: Any] ?? [:]
        inputs = try (object["inputs"] as? [[String: Any]] ?? []).map(Self.array)
        params = try (object["params"] as? [String: [String: Any]] ?? [:]).mapValues(Self.array)
        guard let output = object["output"] as? [String: Any] else { throw FixtureError("no output") }
        self.output = try Self.array(output)
    }

    static func array(_ object: [String: Any]) throws -> Array4 {
        guard let shape = object["shape"] as? [Int], let data = object["data"] as? [Double] else { throw FixtureError("bad array") }
        return Array4(shape: shape, data: data.map(Float.init))
    }

    private func int(_ key: String, _ fallback: Int = 0) -> Int { attrs[key] as? Int ?? fallback }
    private func pair(_ key: String, _ fallback: Int) -> Size2D {
        let values = attrs[key] as? [Int] ?? [fallback, fallback]
        return Size2D(values[0], values[1])
    }
    private func bool(_ key: String, _ fallback: Bool) -> Bool { attrs[key] as? Bool ?? fallback }

    /// The netcost operation the fixture's PyTorch module corresponds to.
    func operation(inputs: [[Int]]) throws -> NetCost.Operation {
        switch op {
        case "conv2d":
            let padding: Padding = (attrs["padding"] as? String) == "same" ? .same
                : .symmetric(pair("padding", 0).height, pair("padding", 0).width)
            return .convolution(Convolution(outChannels: int("out_channels"), kernel: pair("kernel", 1), stride: pair("stride", 1),
                                            dilation: pair("dilation", 1), padding: padding, groups: int("groups", 1), bias: bool("bias", true)))
        case "conv_transpose2d":
            let padding = pair("padding", 0)
            return .transposedConvolution(TransposedConvolution(
                outChannels: int("out_channels"), kernel: pair("kernel", 1), stride: pair("stride", 1), dilation: pair("dilation", 1),
                padding: .symmetric(padding.height, padding.width), outputPadding: pair("output_padding", 0),
                groups: int("groups", 1), bias: bool("bias", true)))
        case "linear": return .linear(Linear(outFeatures: int("out_features"), bias: bool("bias", true)))
        case "batchnorm2d": return .normalization(Normalization(.batch))
        case "groupnorm": return .normalization(Normalization(.group(groups: int("num_groups"))))
        case "relu": return .activation(Activation(.relu))
        case "relu6": return .activation(Activation(.relu6))
        case "sigmoid": return .activation(Activation(.sigmoid))
        case "swish": return .activation(Activation(.swish))
        case "hardsigmoid": return .activation(Activation(.hardSigmoid))
        case "hardswish": return .activation(Activation(.hardSwish))
        case "gelu": return .activation(Activation(.gelu))
        case "tanh": return .activation(Activation(.tanh))
        case "leaky_relu": return .activation(Activation(.leakyRelu(slope: attrs["negative_slope"] as? Double ?? 0.01)))
        case "softmax": return .softmax(Softmax(axis: int("axis", 1) - 1))
        case "maxpool2d", "avgpool2d":
            let padding = pair("padding", 0)
            return .pooling(Pooling(op == "maxpool2d" ? .max : .average, kernel: pair("kernel", 1), stride: pair("stride", 1),
                                    padding: .symmetric(padding.height, padding.width), ceilMode: bool("ceil_mode", false),
                                    countIncludePad: bool("count_include_pad", true)))
        case "adaptive_avgpool2d": return .adaptivePooling(AdaptivePooling(.average, outputSize: pair("output_size", 1)))
        case "adaptive_maxpool2d": return .adaptivePooling(AdaptivePooling(.max, outputSize: pair("output_size", 1)))
        case "global_avgpool": return .globalPooling(GlobalPooling(.average))
        case "add": return .elementwise(Elementwise(.add))
        case "mul": return .elementwise(Elementwise(.mul))
        case "concat": return .concat(Concat(axis: int("axis", 1) - 1))
        case "split":
            let sizes = attrs["sizes"] as? [Int] ?? []
            let index = int("output_index")
            let start = sizes.prefix(index).reduce(0, +)
            return .slice(Slice(axis: int("axis", 1) - 1, start: start, end: start + sizes[index], label: "split"))
        case "channel_shuffle": return .channelShuffle(ChannelShuffle(groups: int("groups")))
        case "flatten": return .reshape(Reshape(.flatten(start: int("start_axis", 1) - 1, end: -1)))
        case "upsample":
            let scale = attrs["scale"] as? [Double] ?? [1, 1]
            return .upsample(Upsample(attrs["mode"] as? String == "bilinear" ? .bilinear : .nearest,
                                      target: .scale(height: scale[0], width: scale[1]), alignCorners: bool("align_corners", false)))
        case "pad":
            let pads = attrs["pads"] as? [String: Int] ?? [:]
            return .pad(Pad(top: pads["top"] ?? 0, bottom: pads["bottom"] ?? 0, left: pads["left"] ?? 0, right: pads["right"] ?? 0))
        default:
            throw FixtureError("no mapping for fixture op \(op)")
        }
    }

    /// The fixture's parameters under the executor's roles, in its layout order.
    func parameters() -> LayerParameters {
        let roles: [(String, ParameterRole)] = op.hasSuffix("norm2d") || op == "groupnorm"
            ? [("weight", .scale), ("bias", .shift), ("running_mean", .runningMean), ("running_var", .runningVariance)]
            : [("weight", .weight), ("bias", .bias)]
        var result = LayerParameters()
        for (key, role) in roles {
            guard let array = params[key] else { continue }
            result.tensors.append(ParameterTensor(role: role, data: Tensor(dims: array.shape, values: array.data)))
        }
        return result
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
