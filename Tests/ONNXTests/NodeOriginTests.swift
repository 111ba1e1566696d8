import Foundation
import Testing
@testable import NetCost

/// Which layers each ONNX node became (`ONNXNodeOrigin`), what `report --format netron`
/// shows on the file's nodes.
@Suite struct NodeOriginTests {
    /// `netron_nodes_opset13.onnx`: one node of each fate.
    @Test func eachNodesFate() throws {
        let model = try Imported("netron_nodes_opset13.onnx")
        let origins = try #require(model.result.model.onnxNodes)
        let layers = model.layers
        func fate(_ name: String) -> ONNXNodeOrigin.Fate? { origins.first { $0.name == name }?.fate }
        func index(_ layer: String) -> Int? { layers.firstIndex { $0.name == layer } }
        func node(_ name: String) -> Int? { origins.firstIndex { $0.name == name } }

        #expect(origins.count == 25)
        #expect(fate("/stem/Conv") == .layers([try #require(index("stem.conv"))], outputs: [try #require(index("stem.conv"))]))
        // A Split adds one slice per output.
        let halves = [try #require(index("split")), try #require(index("split_1"))]
        #expect(fate("/Split") == .layers(halves, outputs: halves))
        // Reshape → Transpose → Reshape is one channel shuffle, shown at the first Reshape.
        let shuffle = try #require(index("shuffle.channel_shuffle"))
        #expect(fate("/shuffle/Reshape") == .layers([shuffle], outputs: [shuffle]))
        #expect(fate("/shuffle/Transpose") == .merged(layer: shuffle, shownAt: try #require(node("/shuffle/Reshape"))))
        #expect(fate("/shuffle/Reshape_1") == .merged(layer: shuffle, shownAt: try #require(node("/shuffle/Reshape"))))
        // MatMul + Add is one linear, shown at the MatMul.
        let linear = try #require(index("fc.linear"))
        #expect(fate("/fc/MatMul") == .layers([linear], outputs: [linear]))
        #expect(fate("/fc/Add") == .merged(layer: linear, shownAt: try #require(node("/fc/MatMul"))))
        // Shape arithmetic and Constant nodes are folded; an Expand to the same shape adds nothing.
        for name in ["/shuffle/Constant", "/Shape", "/Constant", "/Gather", "/Unsqueeze", "/Concat_1"] {
            #expect(fate(name) == .folded, "\(name)")
        }
        #expect(fate("/head/Expand") == .passedThrough)
        // The unnamed Softmax keeps its place, with an empty name.
        #expect(origins.last?.name == "")
        #expect(origins.last?.opType == "Softmax")
    }

    /// Every layer but the input is shown at exactly one node.
    @Test(arguments: ["netron_nodes_opset13.onnx", "shuffle_dynamic_opset13.onnx", "convnext_block_opset17.onnx",
                      "layernorm_decomposed_opset13.onnx", "swish_gelu_opset13.onnx", "gemm_opset11.onnx"])
    func everyLayerIsShownOnce(file: String) throws {
        let model = try Imported(file)
        let origins = try #require(model.result.model.onnxNodes)
        var shown: [Int] = []
        for origin in origins { if case .layers(let layers, _) = origin.fate { shown += layers } }
        let expected = model.layers.indices.filter { if case .input = model.layers[$0].operation { false } else { true } }
        #expect(shown.sorted() == expected)
    }

    /// The node each channel shuffle comes from in a real export: its first Reshape.
    @Test func shuffleNetsShufflesAreShownAtTheirFirstReshape() throws {
        let imported = try ONNXImporter.load(file: Fixtures.shared("tv_shufflenet_v2_x1_0.onnx"))
        let origins = try #require(imported.model.onnxNodes)
        let graph = imported.model.graph
        let shuffles = origins.compactMap { origin -> String? in
            guard case .layers(let layers, _) = origin.fate, layers.count == 1,
                  case .channelShuffle = graph.layers[layers[0]].operation else { return nil }
            return origin.name
        }
        #expect(shuffles.count == 16)
        #expect(shuffles.allSatisfy { $0.hasSuffix("/Reshape") })
        #expect(origins.filter { if case .merged = $0.fate { true } else { false } }.count == 32)
    }

    /// Nodes that share a name cannot be told apart in Netron: they get a note and no
    /// numbers, and the warnings count them with the unnamed ones.
    @Test func sharedNamesGetNoNumbers() throws {
        var model = try Imported("netron_nodes_opset13.onnx").result.model
        var nodes = try #require(model.onnxNodes)
        let relu = try #require(nodes.firstIndex { $0.name == "/branch/Relu" })
        nodes[relu].name = "/stem/Relu"
        model.onnxNodes = nodes
        let attachment = try NetronAttachment(report: CostReport(model: model, analysis: try Analysis(model.graph)))
        #expect(attachment.warnings == [
            "1 node has no name; Netron finds attachment entries by node name, so it shows no netcost numbers",
            "2 nodes share 1 name (\"/stem/Relu\"); Netron cannot tell them apart, so they show no netcost numbers",
        ])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(attachment.render())) as? [String: Any])
        let metadata = try #require(object["metadata"] as? [[String: Any]]).filter { $0["target"] as? String == "/stem/Relu" }
        #expect(metadata.count == 1)
        #expect(metadata.first?["value"] as? String == "2 nodes have this name; Netron cannot tell them apart, so netcost's numbers are not shown (report --format json has them by layer)")
        let metrics = try #require(object["metrics"] as? [[String: Any]])
        #expect(!metrics.contains { $0["target"] as? String == "/stem/Relu" })
    }

    /// A spec has no file for Netron to open.
    @Test func specsAreRefused() throws {
        let loaded = try ModelLoader.load("mobilenet_v2")
        #expect(throws: InputError.self) { try NetronAttachment(report: CostReport(model: loaded, analysis: try Analysis(loaded.graph))) }
    }

    /// Specs and built-in models have no file nodes.
    @Test func specsHaveNone() throws {
        let loaded = try ModelLoader.load("mobilenet_v2")
        #expect(loaded.onnxNodes == nil)
    }
}
