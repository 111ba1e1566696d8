import Foundation
import NetCost
import Testing

/// `report --convention keras` against TensorFlow's profiler on the same networks built in
/// Keras: Fixtures/keras_totals.json (scripts/keras_truth.py: TensorFlow 2.21, Keras 3.15,
/// keras.applications with random weights and no classifier activation, batch 1).
@Suite struct KerasConventionTests {
    struct Truth: Decodable {
        struct Model: Decodable {
            let spec: String
            let input: Int
            let total: Int
            /// What the Keras model's Rescaling and Normalization layers add; the specs
            /// start after them.
            let preprocessing: Int
        }
        let models: [String: Model]
    }

    static func total(_ spec: String, resolution: Int) throws -> Int {
        let path = spec.hasSuffix(".json") ? Repository.root.appendingPathComponent(spec).path : spec
        let graph = try ModelLoader.load(path, overrides: SpecOverrides(resolution: resolution)).graph
        return try ConventionCount(try Analysis(graph), convention: .keras).total
    }

    @Test func everyKerasApplicationsModelAndTheMixedNet() throws {
        let data = try Data(contentsOf: Repository.testsDirectory.appendingPathComponent("Fixtures/keras_totals.json"))
        let truth = try JSONDecoder().decode(Truth.self, from: data)
        #expect(truth.models.count == 12)
        for (name, model) in truth.models {
            #expect(try Self.total(model.spec, resolution: model.input) == model.total - model.preprocessing, "\(name)")
        }
    }

    /// Keras' MobileNetV2 at 224, summed from the profiler's figures by op type
    /// (Fixtures/keras_totals.json): Conv2D 557,555,712, DepthwiseConv2dNative 41,432,832,
    /// MatMul 2,560,000, BiasAdd 1,000, Mean 62,720, and the batch norms' and residual
    /// adds' AddV2 6,911,552, Mul 6,712,224, Rsqrt 34,112 and Sub 17,056.
    @Test func mobileNetV2ByOpType() throws {
        let products = 557_555_712 + 41_432_832 + 2_560_000 + 1_000
        let elementwise = 6_911_552 + 6_712_224 + 34_112 + 17_056
        #expect(try Self.total("mobilenet_v2", resolution: 224) == products + 62_720 + elementwise)
    }

    /// A grouped convolution runs in Keras as a compiled call the profiler cannot look into:
    /// not counted, where a depthwise one is.
    @Test func groupedConvolutionIsNotCounted() throws {
        let spec = """
        {"name": "g", "input": [8, 4, 4], "layers": [
          {"name": "grouped", "op": "conv2d", "out": 8, "kernel": 1, "groups": 2, "bias": false},
          {"name": "depthwise", "op": "conv2d", "out": 8, "kernel": 1, "groups": 8, "bias": false}]}
        """
        let analysis = try AnalysedSpec(text: spec).analysis
        let count = try ConventionCount(analysis, convention: .keras)
        let grouped = try #require(analysis.graph.layers.firstIndex { $0.name == "grouped" })
        let depthwise = try #require(analysis.graph.layers.firstIndex { $0.name == "depthwise" })
        #expect(count.layers[grouped] == nil)
        // The depthwise 1×1: 8 channels × 16 positions, 2 FLOPs each.
        #expect(count.layers[depthwise] == 256)
        #expect(count.total == 256)
    }
}
