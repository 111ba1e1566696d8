import Foundation
import NetCost
import Testing

/// Every op's shape rule and parameter count against the PyTorch fixtures in
/// `Tests/Fixtures/kernels` (computed by torch, copied from shared/fixtures): the output
/// shape, the parameter tensors' sizes, and for convolutions and linear layers torch's
/// FlopCounterMode total, which is two flops per multiply-accumulate.
@Suite("Op rules against PyTorch fixtures")
struct KernelFixtureTests {
    struct Fixture: Sendable {
        var name: String
        var op: String
        var attrs: JSONObject
        var inputShapes: [[Int]]
        var outputShape: [Int]
        /// Parameter tensors by name (`weight`, `bias`, `running_mean`, `running_var`) and their element counts.
        var parameterSizes: [String: Int]
        var torchFlops: Int

        var batch: Int { inputShapes[0][0] }
    }

    static let directory = Repository.root.appendingPathComponent("Tests/Fixtures/kernels")

    static func fixtures() throws -> [Fixture] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".json") && $0 != "index.json" }.sorted()
        return try names.map { name in
            let bytes = try #require(FileManager.default.contents(atPath: directory.appendingPathComponent(name).path))
            guard case .object(let object) = try JSONParser.parse([UInt8](bytes)) else { throw FixtureError.malformed(name) }
            func shape(_ value: JSONValue?) -> [Int] {
                guard case .object(let tensor)? = value, case .array(let dims)? = tensor["shape"] else { return [] }
                return dims.compactMap { if case .integer(let size) = $0 { return size } else { return nil } }
            }
            var inputs: [[Int]] = []
            if case .array(let list)? = object["inputs"] { inputs = list.map { shape($0) } }
            var parameters: [String: Int] = [:]
            if case .object(let tensors)? = object["params"] {
                for (key, tensor) in tensors.entries { parameters[key] = shape(tensor).reduce(1, *) }
            }
            guard case .string(let op)? = object["op"], case .object(let attrs)? = object["attrs"],
                  case .integer(let flops)? = object["torch_flopcounter_flops"] else { throw FixtureError.malformed(name) }
            return Fixture(name: String(name.dropLast(5)), op: op, attrs: attrs, inputShapes: inputs,
                           outputShape: shape(object["output"]), parameterSizes: parameters, torchFlops: flops)
        }
    }

    enum FixtureError: Error { case malformed(String), unmapped(String) }

    /// The fixture as a netcost spec over one sample: its layers (the last one under test)
    /// and the input shape without the batch.
    static func spec(for fixture: Fixture) throws -> String {
        var fields = fixture.attrs
        func rename(_ from: String, _ to: String) {
            if let value = fields[from] { fields[from] = nil; fields[to] = value }
        }
        func drop(_ keys: String...) { for key in keys { fields[key] = nil } }
        var input = Array(fixture.inputShapes[0].dropFirst())
        var before: [String] = []
        let op: String
        switch fixture.op {
        case "conv2d", "conv_transpose2d":
            op = fixture.op
            rename("out_channels", "out")
            drop("in_channels")
        case "linear":
            op = "linear"
            rename("out_features", "out")
            drop("in_features")
        case "batchnorm2d":
            op = "batchnorm"
            drop("num_features", "eps")
        case "groupnorm":
            op = "groupnorm"
            rename("num_groups", "groups")
            drop("num_channels", "eps")
        case "leaky_relu":
            op = "leaky_relu"
            rename("negative_slope", "slope")
        case "maxpool2d", "avgpool2d":
            op = fixture.op == "maxpool2d" ? "maxpool" : "avgpool"
        case "adaptive_avgpool2d", "adaptive_maxpool2d":
            op = fixture.op == "adaptive_avgpool2d" ? "adaptive_avgpool" : "adaptive_maxpool"
        case "global_avgpool":
            op = "global_avgpool"
        case "flatten":
            op = "flatten"
            fields = JSONObject([("start", .integer(0))])
        case "softmax":
            op = "softmax"
            fields = JSONObject([("axis", .integer(0))])
        case "split":
            op = "split"
            fields["axis"] = .integer(0)
            rename("output_index", "index")
        case "channel_shuffle", "upsample":
            op = fixture.op
        case "pad":
            op = "pad"
        case "add", "concat":
            // Two inputs: the spec's one input is cut into the two operands first.
            op = fixture.op
            let sizes = fixture.inputShapes.map { $0[1] }
            input[0] = sizes.reduce(0, +)
            before = [#"{"name": "a", "op": "split", "sizes": \#(sizes), "index": 0, "inputs": "input"}"#,
                      #"{"name": "b", "op": "split", "sizes": \#(sizes), "index": 1, "inputs": "input"}"#]
            fields = JSONObject([("inputs", .array([.string("a"), .string("b")]))])
        case "mul":
            // Squeeze-excite's scale: the [C, 1, 1] operand is the input pooled.
            op = "mul"
            before = [#"{"name": "scale", "op": "global_avgpool", "inputs": "input"}"#]
            fields = JSONObject([("inputs", .array([.string("input"), .string("scale")]))])
        default:
            guard ["relu", "relu6", "sigmoid", "swish", "hardsigmoid", "hardswish", "gelu", "tanh"].contains(fixture.op) else {
                throw FixtureError.unmapped(fixture.op)
            }
            op = fixture.op
        }
        drop("note")
        var writer = JSONWriter(pretty: false)
        writer.value(.object(fields))
        let tested = "{\"name\": \"tested\", \"op\": \"\(op)\"" + (fields.entries.isEmpty ? "}" : ", " + writer.text.dropFirst())
        return "{\"input\": \(input), \"layers\": [\((before + [tested]).joined(separator: ", "))]}"
    }

    static func analysed(_ fixture: Fixture) throws -> (Layer, LayerCost) {
        let model = try SpecLoader.load(text: try spec(for: fixture), file: fixture.name)
        let analysis = try Analysis(model.graph)
        let index = try #require(model.graph.layers.firstIndex { $0.name == "tested" })
        return (model.graph.layers[index], analysis.costs[index])
    }

    @Test(arguments: try fixtures())
    func outputShapeMatchesPyTorch(_ fixture: Fixture) throws {
        let (layer, _) = try Self.analysed(fixture)
        #expect(layer.outputShape.dims == Array(fixture.outputShape.dropFirst()), "\(fixture.name)")
    }

    @Test(arguments: try fixtures())
    func parametersMatchPyTorch(_ fixture: Fixture) throws {
        let (_, cost) = try Self.analysed(fixture)
        let buffers = (fixture.parameterSizes["running_mean"] ?? 0) + (fixture.parameterSizes["running_var"] ?? 0)
        let learned = (fixture.parameterSizes["weight"] ?? 0) + (fixture.parameterSizes["bias"] ?? 0)
        #expect(cost.params == learned, "\(fixture.name)")
        #expect(cost.buffers == buffers, "\(fixture.name)")
    }

    /// torch's FlopCounterMode counts 2 flops per multiply-accumulate of conv, transposed
    /// conv and linear layers, for the whole batch, and nothing for the other ops.
    @Test(arguments: try fixtures())
    func multiplyAccumulatesMatchTorchFlopCounter(_ fixture: Fixture) throws {
        let (_, cost) = try Self.analysed(fixture)
        #expect(2 * cost.macs * fixture.batch == fixture.torchFlops, "\(fixture.name): netcost \(cost.macs) MACs per sample")
    }
}

extension KernelFixtureTests.Fixture: CustomTestStringConvertible {
    var testDescription: String { name }
}
