import NetCost
import Testing

/// The group trees of the built-in models against the papers' architecture tables:
/// how many blocks each stage has, and the channels and map size it ends with
/// (at 224×224 input).
@Suite("Built-in models' groups")
struct BuiltinGroupTests {
    private func group(_ name: String, _ graph: Graph) throws -> Int {
        try #require(graph.groups.firstIndex { $0.name == name }, "no group \(name)")
    }

    /// The groups a group holds directly.
    private func children(_ group: Int, _ graph: Graph) -> [Int] {
        graph.groups.members(of: group).compactMap { if case .group(let child) = $0 { child } else { nil } }
    }

    /// The output of the group's last layer, `[C, H, W]`.
    private func output(_ group: Int, _ graph: Graph) throws -> [Int] {
        let last = try #require(graph.groups.layers(in: group).last)
        return graph.layers[last].outputShape.sample
    }

    /// Sandler et al. 2018, Table 2: the bottleneck rows (t, c, n, s) = (1, 16, 1, 1),
    /// (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2),
    /// (6, 320, 1, 1), after a stride-2 stem: 17 blocks in 7 rows.
    @Test func mobileNetV2HasSeventeenBottlenecksInTheSevenRowsOfTable2() throws {
        let graph = try BuiltinModels.load("mobilenet_v2").graph
        let features = try group("features", graph)
        #expect(graph.groups[features].kind == .stageTable)
        // torchvision's `features`: the stem conv, the bottlenecks, the final 1x1 conv.
        let kinds = children(features, graph).map { graph.groups[$0].kind }
        #expect(kinds == [.block(.conv)] + Array(repeating: .block(.invertedResidual), count: 1 + 2 + 3 + 4 + 3 + 3 + 1) + [.block(.conv)])
        // Consecutive blocks with the same output, run-length: each row's c, n and map size.
        var rows: [(channels: Int, blocks: Int, size: Int)] = []
        for block in graph.groups.indices where graph.groups[block].kind == .block(.invertedResidual) {
            let shape = try output(block, graph)
            if let last = rows.last, last.channels == shape[0] {
                rows[rows.count - 1].blocks += 1
            } else {
                rows.append((shape[0], 1, shape[1]))
            }
        }
        #expect(rows.map(\.channels) == [16, 24, 32, 64, 96, 160, 320])
        #expect(rows.map(\.blocks) == [1, 2, 3, 4, 3, 3, 1])
        #expect(rows.map(\.size) == [112, 56, 28, 14, 14, 7, 7])
    }

    /// He et al. 2016, Table 1, 50-layer column: conv2_x to conv5_x hold 3, 4, 6, 3
    /// bottlenecks and end at 256×56², 512×28², 1024×14², 2048×7².
    @Test func resNet50StagesFollowTable1() throws {
        let graph = try BuiltinModels.load("resnet50").graph
        let stages = try ["layer1", "layer2", "layer3", "layer4"].map { try group($0, graph) }
        #expect(stages.allSatisfy { graph.groups[$0].kind == .stage })
        #expect(stages.map { children($0, graph).count } == [3, 4, 6, 3])
        #expect(stages.allSatisfy { children($0, graph).allSatisfy { graph.groups[$0].kind == .block(.resnetBottleneck) } })
        #expect(try stages.map { try output($0, graph) } == [[256, 56, 56], [512, 28, 28], [1024, 14, 14], [2048, 7, 7]])
    }

    /// Ma et al. 2018, Table 5, 1× column: Stage2, Stage3, Stage4 repeat 1 + 3, 1 + 7 and
    /// 1 + 3 units and end at 116×28², 232×14², 464×7².
    @Test func shuffleNetV2StagesFollowTable5() throws {
        let graph = try BuiltinModels.load("shufflenet_v2_x1_0").graph
        let stages = try ["stage2", "stage3", "stage4"].map { try group($0, graph) }
        #expect(stages.map { children($0, graph).count } == [4, 8, 4])
        #expect(stages.allSatisfy { children($0, graph).allSatisfy { graph.groups[$0].kind == .block(.shuffleNetV2) } })
        #expect(try stages.map { try output($0, graph) } == [[116, 28, 28], [232, 14, 14], [464, 7, 7]])
    }

    /// Tan & Le 2019, Table 1: stages 2 to 8 are MBConv blocks, 1, 2, 2, 3, 3, 4, 1 of
    /// them, with 16, 24, 40, 80, 112, 192, 320 channels; the next stage's resolution
    /// column gives each one's map size.
    @Test func efficientNetB0StagesFollowTable1() throws {
        let graph = try BuiltinModels.load("efficientnet_b0").graph
        let stages = try (1...7).map { try group("features.\($0)", graph) }
        #expect(stages.allSatisfy { graph.groups[$0].kind == .stage })
        #expect(stages.map { children($0, graph).count } == [1, 2, 2, 3, 3, 4, 1])
        #expect(stages.allSatisfy { children($0, graph).allSatisfy { graph.groups[$0].kind == .block(.mbconv) } })
        #expect(try stages.map { try output($0, graph)[0] } == [16, 24, 40, 80, 112, 192, 320])
        #expect(try stages.map { try output($0, graph)[1] } == [112, 56, 28, 14, 14, 7, 7])
    }

    /// Iandola et al. 2016, Table 1: fire2 to fire9, squeezing to 16, 16, 32, 32, 48, 48,
    /// 64, 64 channels.
    @Test func squeezeNetHasEightFireModules() throws {
        let graph = try BuiltinModels.load("squeezenet1_0").graph
        let fires = graph.groups.indices.filter { graph.groups[$0].kind == .block(.fire) }
        let squeezes = fires.map { graph.layers[graph.groups[$0].firstLayer].outputShape.channels }
        #expect(squeezes == [16, 16, 32, 32, 48, 48, 64, 64])
    }

    /// Every group's name is a prefix of its members' names, and a group's layers are
    /// its own and its subgroups': what lets the reports show the groups under the
    /// layers' names.
    @Test(arguments: ["mobilenet_v2", "efficientnet_b0", "shufflenet_v2_x1_0", "retinanet_resnet18_fpn"])
    func groupsAgreeWithTheNames(model: String) throws {
        let graph = try BuiltinModels.load(model).graph
        for (index, group) in graph.groups.enumerated() {
            var layers: [Int] = []
            for member in graph.groups.members(of: index) {
                switch member {
                case .layer(let layer):
                    #expect(graph.layers[layer].name.hasPrefix(group.name + "."))
                    #expect(graph.groups.group(ofLayer: layer) == index)
                    layers.append(layer)
                case .group(let child):
                    #expect(graph.groups[child].name.hasPrefix(group.name + "."))
                    #expect(graph.groups[child].parent == index && graph.groups[child].depth == group.depth + 1)
                    layers += graph.groups.layers(in: child)
                }
            }
            #expect(layers.sorted() == graph.groups.layers(in: index), "\(group.name)")
            #expect(layers.min() == group.firstLayer)
        }
    }
}
