import NetCost
@testable import NetCostExecutor
import Testing

/// The activation arena (`ActivationArena`): a timed run writes every layer's output but
/// the graph's into one block laid out by the library's arena plan.
@Suite struct ActivationArenaTests {
    /// Graphs whose output is a view (SqueezeNet's flatten), with concatenated branches
    /// (SqueezeNet's fire modules), slices and a channel shuffle (ShuffleNet V2), merged
    /// 1×1+depthwise pairs (MobileNetV2) and residual adds merged into convolutions
    /// (ResNet-18): a run in the arena gives exactly the output of a run that keeps every
    /// layer in its own buffer, and the same output when run again over its own leftovers.
    @Test(arguments: ["squeezenet1_1", "shufflenet_v2_x1_0", "mobilenet_v2", "resnet18"])
    func aRunInTheArenaGivesTheOutputOfARunWithABufferPerLayer(_ name: String) throws {
        let graph = try Fusion.deploy(try SpecVerificationTests.smallGraph(name))
        let prepared = try PreparedGraph(graph, seed: 11, limits: RunLimits())
        #expect(prepared.arena != nil)
        let separate = try #require(prepared.run(keepAll: true).finalOutput).values
        let first = try #require(prepared.run().finalOutput).values
        let again = try #require(prepared.run().finalOutput).values
        #expect(first == separate, "\(name)")
        #expect(again == separate, "\(name)")
    }

    /// No two outputs that are alive at the same step share memory. Lifetimes are derived
    /// here from the runner's own rules, not the library's schedule: a layer's output is
    /// written at its step (a merged pair's second at its first's), and lives until the
    /// last reader of it or of a view of it.
    @Test(arguments: ["squeezenet1_1", "shufflenet_v2_x1_0", "mobilenet_v2", "resnet18", "efficientnet_b0"])
    func outputsAliveTogetherNeverOverlap(_ name: String) throws {
        let graph = try Fusion.deploy(try SpecVerificationTests.smallGraph(name))
        let prepared = try PreparedGraph(graph, seed: 1, limits: RunLimits())
        let arena = try #require(prepared.arena)
        let layers = graph.layers
        var root = Array(layers.indices)
        var death = prepared.lastReader
        for (index, layer) in layers.enumerated() where layer.operation.rules.storage == .view {
            root[index] = root[layer.inputs[0]]
            death[root[index]] = max(death[root[index]], prepared.lastReader[index])
        }
        var birth = Array(layers.indices)
        for case let pair? in prepared.merges { birth[pair.second] = pair.first }
        let placed = layers.indices.compactMap { index in
            arena.offsets[index].map { (index, $0, $0 + layers[index].outputShape.elements) }
        }
        #expect(placed.count >= layers.count / 2)
        for (a, aStart, aEnd) in placed {
            for (b, bStart, bEnd) in placed where a < b && birth[b] <= death[a] && birth[a] <= death[b] {
                #expect(aEnd <= bStart || bEnd <= aStart, "\(name): \(layers[a].name) and \(layers[b].name) overlap")
            }
            #expect(aEnd <= arena.count)
        }
    }

    /// The arena holds MobileNetV2's maps in far less than a buffer per map. At 224×224
    /// the most bytes alive at one step are at the second block's expansion, run apart:
    /// its input, 16×112×112 floats (802,816 bytes), and its output, 96×112×112
    /// (4,816,896 bytes), 5,619,712 bytes together, so no plan is smaller. (The pair's
    /// expansion is planned though merged runs never write it: the plan serves runs apart too.)
    @Test func mobileNetV2FitsInAFewMegabytes() throws {
        let path = TestGraphs.specsDirectory.appendingPathComponent("mobilenet_v2.json").path
        let graph = try Fusion.deploy(try SpecLoader.load(file: path).graph)
        let prepared = try PreparedGraph(graph, seed: 1, limits: RunLimits())
        let arena = try #require(prepared.arena)
        let bytes = arena.count * 4
        #expect(bytes >= 5_619_712)
        // The greedy plan came to 6.8 MB; a buffer per output would take 27.6 MB.
        #expect(bytes <= 8_000_000)
    }
}
