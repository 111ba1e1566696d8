import NetCost
import Testing

/// The graph's groups (`Graph.groups`) on small graphs: how names file layers, who says
/// what a group is, and what a rebuilt (fused) graph keeps.
@Suite("Layer groups")
struct LayerGroupTests {
    /// A graph of 1×1 convs on an 8-channel input, one per name, each reading the input.
    private func graph(_ names: [String], kinds: [(String, GroupKind)] = []) throws -> Graph {
        var builder = GraphBuilder(name: "names")
        let input = try builder.addInput(name: "input", shape: TensorShape([1, 8, 4, 4], batchAxis: 0))
        for name in names {
            try builder.add(name: name, operation: .convolution(Convolution(outChannels: 8, kernel: .square(1))), inputs: [input])
        }
        for (name, kind) in kinds { builder.setKind(kind, ofGroup: name) }
        return builder.build()
    }

    private func index(_ name: String, _ graph: Graph) throws -> Int {
        try #require(graph.groups.firstIndex { $0.name == name }, "no group \(name)")
    }

    private func layer(_ name: String, _ graph: Graph) throws -> Int {
        try #require(graph.layers.firstIndex { $0.name == name }, "no layer \(name)")
    }

    @Test func aDottedNameFilesTheLayerUnderEachPrefix() throws {
        let graph = try graph(["a.b.c", "a.b.d", "a.e", "f"])
        #expect(graph.groups.map { String($0.name) } == ["a", "a.b"])
        let (a, ab) = (try index("a", graph), try index("a.b", graph))
        #expect(graph.groups[a].parent == nil && graph.groups[a].depth == 1)
        #expect(graph.groups[ab].parent == a && graph.groups[ab].depth == 2)
        // Layers 0 (the input) and 4 ("f") are at the top level, beside "a".
        #expect(graph.groups.topLevel == [.layer(0), .group(a), .layer(4)])
        #expect(graph.groups.members(of: a) == [.group(ab), .layer(3)])
        #expect(graph.groups.members(of: ab) == [.layer(1), .layer(2)])
        #expect(graph.groups.group(ofLayer: 2) == ab)
        #expect(graph.groups.ancestors(ofLayer: 2) == [a, ab])
        #expect(graph.groups.layers(in: a) == [1, 2, 3])
        #expect(graph.groups[a].firstLayer == 1)
        // Nothing names a kind: every prefix is a module, which reports call a group.
        #expect(graph.groups.allSatisfy { $0.kind == .module && $0.kind.name == "group" })
    }

    @Test func kindsNamedBeforeOrAfterTheLayersAndOnlyForPrefixes() throws {
        var builder = GraphBuilder(name: "kinds")
        let input = try builder.addInput(name: "input", shape: TensorShape([1, 8, 4, 4], batchAxis: 0))
        builder.setKind(.block(.fire), ofGroup: "early")
        builder.setKind(.stage, ofGroup: "single")
        #expect(builder.hasKind(ofGroup: "early") && !builder.hasKind(ofGroup: "late"))
        for name in ["early.x", "late.x", "single"] {
            try builder.add(name: name, operation: .activation(Activation(.relu)), inputs: [input])
        }
        builder.setKind(.userBlock("head"), ofGroup: "late")
        let graph = builder.build()
        #expect(graph.groups.map(\.kind) == [.block(.fire), .userBlock("head")])
        #expect(graph.groups.map(\.kind.name) == ["fire", "head"])
        // "single" is a layer's whole name, not a prefix: no group.
        #expect(!graph.groups.contains { $0.name == "single" })
    }

    @Test func aLayerNamedLikeAGroupSitsBesideIt() throws {
        let graph = try graph(["a", "a.b"])
        let a = try index("a", graph)
        #expect(graph.groups.topLevel == [.layer(0), .layer(1), .group(a)])
        #expect(graph.groups.members(of: a) == [.layer(2)])
        #expect(graph.groups.group(ofLayer: 1) == nil)
    }

    @Test func emptyPartsOfANameAreGroupsToo() throws {
        // As the report tree always read them: "x..y" is y in "x." in "x".
        let graph = try graph(["x..y", ".z", "w."])
        #expect(graph.groups.map { String($0.name) } == ["x", "x.", "", "w"])
        #expect(graph.groups.ancestors(ofLayer: try layer("x..y", graph)) == [try index("x", graph), try index("x.", graph)])
        #expect(graph.groups.group(ofLayer: try layer("w.", graph)) == (try index("w", graph)))
    }

    @Test func membersComeInGraphOrderWhateverTheFileOrder() throws {
        // "p" reads "later", written after the group: "q" is expanded first.
        let model = try SpecLoader.load(text: #"""
        {"input": [8, 4, 4], "layers": [
          {"name": "g", "layers": [
            {"name": "p", "op": "conv2d", "out": 8, "kernel": 1, "inputs": "later"},
            {"name": "q", "op": "conv2d", "out": 8, "kernel": 1, "inputs": "input"},
            {"name": "r", "op": "add", "inputs": ["p", "q"]}
          ]},
          {"name": "later", "op": "relu", "inputs": "input"}
        ]}
        """#)
        let graph = model.graph
        let g = try index("g", graph)
        #expect(graph.groups[g].kind == .list)
        let names = graph.groups.members(of: g).map { member -> String in
            if case .layer(let layer) = member { graph.layers[layer].name } else { "a group" }
        }
        #expect(names == ["g.q", "g.p", "g.r"])
    }

    @Test func theExpanderNamesBlocksUnitsStagesListsAndUserBlocks() throws {
        let model = try SpecLoader.load(text: #"""
        {"input": [8, 16, 16],
         "blocks": {"pair": {"params": ["out"], "layers": [
            {"name": "one", "block": "conv", "out": "$out", "kernel": 3},
            {"name": "two", "op": "conv2d", "out": "$out", "kernel": 1}]}},
         "layers": [
          {"name": "stem", "block": "conv", "out": 8, "kernel": 3},
          {"name": "layer", "block": "resnet_basic", "numbering": "nested", "first_index": 1, "columns": ["c", "n"], "rows": [[8, 2]]},
          {"name": "mine", "block": "pair", "out": 8},
          {"name": "head", "layers": [{"op": "global_avgpool"}, {"op": "flatten"}]}
        ]}
        """#)
        let graph = model.graph
        let expected: [(String, GroupKind)] = [
            ("stem", .block(.conv)), ("layer1", .stage), ("layer1.0", .block(.resnetBasic)), ("layer1.0.conv1", .block(.conv)),
            ("mine", .userBlock("pair")), ("mine.one", .block(.conv)), ("head", .list),
        ]
        for (name, kind) in expected {
            #expect(graph.groups[try index(name, graph)].kind == kind, "\(name)")
        }
        // The nested table's own name, "layer", prefixes no layer name: it is no group.
        #expect(!graph.groups.contains { $0.name == "layer" })
        #expect(graph.groups.members(of: try index("layer1", graph)).count == 2)
    }

    @Test func fusionKeepsTheKindsAndDropsTheFoldedLayers() throws {
        let model = try SpecLoader.load(text: #"""
        {"input": [8, 16, 16], "layers": [
          {"name": "block", "block": "inverted_residual", "expand": 2, "out": 8, "stride": 1}
        ]}
        """#)
        let deployed = try Fusion.deploy(model.graph)
        let block = try index("block", deployed), expand = try index("block.expand", deployed)
        #expect(deployed.groups[block].kind == .block(.invertedResidual))
        #expect(deployed.groups[expand].kind == .block(.conv))
        // conv, bn and relu of the unit are one fused layer now.
        #expect(deployed.groups.members(of: expand) == [.layer(try layer("block.expand.conv", deployed))])
    }
}
