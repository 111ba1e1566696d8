import NetCost
import Testing

/// `netcost memory`'s schedule: buffers alive per step, the peak, views, in-place ops.
/// Peaks derived by hand, step by step.
@Suite struct MemoryScheduleTests {
    /// x [1, 4, 8, 8] → two 1×1 convs to 8 channels (a, b) → add (c) → relu (d) →
    /// flatten (e, a view) → linear to 10 (f), at batch `batch`.
    static func branches(batch: Int = 1) throws -> Graph {
        var builder = GraphBuilder(name: "branches")
        let x = try builder.addInput(name: "x", shape: try TensorShape([batch, 4, 8, 8], batchAxis: 0))
        let a = try builder.add(name: "a", operation: .convolution(Convolution(outChannels: 8, kernel: .square(1))), inputs: [x])
        let b = try builder.add(name: "b", operation: .convolution(Convolution(outChannels: 8, kernel: .square(1))), inputs: [x])
        let c = try builder.add(name: "c", operation: .elementwise(Elementwise(.add)), inputs: [a, b])
        let d = try builder.add(name: "d", operation: .activation(Activation(.relu)), inputs: [c])
        let e = try builder.add(name: "e", operation: .reshape(Reshape(.flatten(start: 1, end: -1))), inputs: [d])
        try builder.add(name: "f", operation: .linear(Linear(outFeatures: 10)), inputs: [e])
        return builder.build()
    }

    /// fp32: x is 4·64·4 = 1,024 bytes, a to d 8·64·4 = 2,048 each, f 40. Live while each
    /// step runs: x 1,024; a 3,072; b 5,120 (x freed after b, its last reader); c
    /// 2,048·3 = 6,144, the peak (a and b freed after it); d 4,096 (c freed after it); e a
    /// view of d, 2,048; f 2,088 (d's buffer kept for e's reader).
    @Test func branchesPeakWhereBothArmsAndTheSumAreAlive() throws {
        let graph = try Self.branches()
        let schedule = try MemorySchedule(graph, bytesPerElement: 4)
        #expect(schedule.steps.map(\.liveBytes) == [1_024, 3_072, 5_120, 6_144, 4_096, 2_048, 2_088])
        #expect(schedule.peakBytes == 6_144)
        #expect(graph.layers[schedule.steps[schedule.peakStep].layer].name == "c")
        #expect(schedule.steps[5].allocated == nil)
    }

    /// In place: c writes over a (nothing reads a after c), d over the same buffer; x, a
    /// graph input, is never written over. Live: x 1,024; a 3,072; b 5,120, now the peak;
    /// c 4,096; d 2,048 (b freed after c); e 2,048; f 2,088.
    @Test func inPlaceOpsWriteOverTheirLastReadInput() throws {
        let graph = try Self.branches()
        let schedule = try MemorySchedule(graph, bytesPerElement: 4, inPlace: true)
        #expect(schedule.steps.map(\.liveBytes) == [1_024, 3_072, 5_120, 4_096, 2_048, 2_048, 2_088])
        #expect(schedule.peakBytes == 5_120)
        #expect(graph.layers[schedule.steps[schedule.peakStep].layer].name == "b")
        #expect(schedule.steps[3].reused == schedule.bufferOfLayer[1])
    }

    /// Batch 2 at int8 (1 byte): every activation doubles and shrinks by 4: 6,144 · 2 / 4.
    @Test func batchAndDataTypeScaleTheBytes() throws {
        let schedule = try MemorySchedule(try Self.branches(batch: 2), bytesPerElement: 1)
        #expect(schedule.peakBytes == 3_072)
    }
}

/// Arena plans: offsets in one buffer, against the peak as lower bound.
@Suite struct ArenaPlanTests {
    /// Four buffers (bytes, first and last step): A 64 [0, 2], B 80 [0, 0], C 16 [1, 3],
    /// D 96 [3, 5]. Live per step: 144, 80, 80, 112, 96, 96: the peak is 144.
    /// Largest first, first fit: D at 0; B at 0 (never alive with D); A at 80, above B;
    /// C meets D (0–96) and A (80–144), and no gap below 144 holds it: C at 144, an arena
    /// of 160. First used first: B at 0, A at 80, C at 0 (B is gone by step 1), D above C
    /// at 16: 112, and A ends at 144, the peak.
    @Test func aBetterOrderReachesThePeakWhereGreedyBySizeDoesNot() throws {
        let buffers = [MemorySchedule.Buffer(layer: 0, bytes: 64, first: 0, last: 2), MemorySchedule.Buffer(layer: 1, bytes: 80, first: 0, last: 0),
                       MemorySchedule.Buffer(layer: 2, bytes: 16, first: 1, last: 3), MemorySchedule.Buffer(layer: 3, bytes: 96, first: 3, last: 5)]
        let greedy = try #require(try ArenaPlan(buffers, strategy: .greedyBySize))
        #expect(greedy.offsets == [80, 0, 144, 0])
        #expect(greedy.bytes == 160)
        let best = try #require(try ArenaPlan(buffers, strategy: .best))
        #expect(best.bytes == 144)
        // No two buffers alive at one step overlap.
        for i in buffers.indices {
            for j in buffers.indices where i < j && buffers[i].first <= buffers[j].last && buffers[j].first <= buffers[i].last {
                #expect(best.offsets[i] + buffers[i].bytes <= best.offsets[j] || best.offsets[j] + buffers[j].bytes <= best.offsets[i])
            }
        }
    }

    /// Offsets and sizes round up to the alignment: 10-byte buffers alive together take 16 each.
    @Test func alignmentRoundsEveryBufferUp() throws {
        let buffers = [MemorySchedule.Buffer(layer: 0, bytes: 10, first: 0, last: 1), MemorySchedule.Buffer(layer: 1, bytes: 10, first: 1, last: 2)]
        let plan = try #require(try ArenaPlan(buffers, strategy: .greedyBySize, alignment: 16))
        #expect(plan.bytes == 32)
        #expect(plan.offsets == [0, 16])
    }
}

/// The order with the smallest peak.
@Suite struct PeakMinimizingOrderTests {
    /// x [1, 1, 8, 8] (256 bytes) feeds two branches, each a 1×1 conv to 8 channels (2,048
    /// bytes) and back to 1 (256), joined by a concat (512); the layers are written both
    /// expansions first. In that order b1 runs while x, a1 and its own output are alive:
    /// 256 + 2,048 + 2,048 = 4,352. Running each branch to its end first never holds two
    /// expansions: at most x or a2 (256), one expansion and its reduction, 2,560.
    @Test func runningABranchToItsEndLowersThePeak() throws {
        var builder = GraphBuilder(name: "two branches")
        let x = try builder.addInput(name: "x", shape: try TensorShape([1, 1, 8, 8], batchAxis: 0))
        let a1 = try builder.add(name: "a1", operation: .convolution(Convolution(outChannels: 8, kernel: .square(1))), inputs: [x])
        let b1 = try builder.add(name: "b1", operation: .convolution(Convolution(outChannels: 8, kernel: .square(1))), inputs: [x])
        let a2 = try builder.add(name: "a2", operation: .convolution(Convolution(outChannels: 1, kernel: .square(1))), inputs: [a1])
        let b2 = try builder.add(name: "b2", operation: .convolution(Convolution(outChannels: 1, kernel: .square(1))), inputs: [b1])
        try builder.add(name: "cat", operation: .concat(Concat(axis: 1)), inputs: [a2, b2])
        let graph = builder.build()
        #expect(try MemorySchedule(graph, bytesPerElement: 4).peakBytes == 4_352)
        let best = try PeakMinimizingOrder(graph, bytesPerElement: 4)
        #expect(best.isExact)
        #expect(try MemorySchedule(graph, order: best.order, bytesPerElement: 4).peakBytes == 2_560)
        let position = { (layer: Int) in best.order.firstIndex(of: layer) ?? -1 }
        #expect(position(a2) < position(b1) || position(b2) < position(a1))
        #expect(best.order.count == graph.layers.count)
    }
}

/// PyTorch's eager inference peak (`--convention pytorch`), against what PyTorch records:
/// live activation bytes of torchvision's models in eval mode under `torch.no_grad()`
/// at batch 1, the input image included (the figures of issue 17, measured in PyTorch).
@Suite struct PyTorchEagerPeakTests {
    static func peak(_ name: String) throws -> (bytes: Int, layer: String) {
        let graph = try ModelLoader.load(name, overrides: SpecOverrides()).graph
        let schedule = try MemorySchedule(graph, bytesPerElement: 4, rules: .pytorch)
        return (schedule.peakBytes, graph.layers[schedule.steps[schedule.peakStep].layer].name)
    }

    /// 11,038,720 bytes at the batch norm after features.2's expansion: its conv's and
    /// norm's 96×112×112 outputs, features.1's output that features.2 holds as its input,
    /// and the image the caller holds.
    @Test func mobileNetV2() throws {
        let (bytes, layer) = try Self.peak("mobilenet_v2")
        #expect(bytes == 11_038_720)
        #expect(layer == "features.2.expand.bn")
    }

    /// 7,024,640 bytes at bn1 (the spec's conv1.bn): conv1's and bn1's 64×112×112 outputs
    /// and the image.
    @Test func resNet18() throws {
        let (bytes, layer) = try Self.peak("resnet18")
        #expect(bytes == 7_024_640)
        #expect(layer == "conv1.bn")
    }
}

/// MobileNetV2's Table 3: the largest tensor to materialize at each resolution, 16-bit.
@Suite struct MobileNetV2Table3Tests {
    /// The largest buffer at each output resolution (H = W; 1 for vectors) of the deployed
    /// graph in place at fp16, in bytes.
    static func largestPerResolution(_ name: String, splitExpansions: Bool = false) throws -> [Int: Int] {
        let graph = try Fusion.deploy(try ModelLoader.load(name, overrides: SpecOverrides()).graph)
        let schedule = try MemorySchedule(graph, bytesPerElement: 2, inPlace: true, splitExpansions: splitExpansions)
        var largest: [Int: Int] = [:]
        for buffer in schedule.buffers {
            let shape = graph.layers[buffer.layer].outputShape
            let resolution = shape.rank == 4 ? shape.dims[3] : 1
            largest[resolution] = max(largest[resolution] ?? 0, buffer.bytes)
        }
        return largest
    }

    /// MobileNetV1's column, channels/Kb: 64/1600 at 112×112, 128/800 at 56, 256/400 at
    /// 28, 512/200 at 14, 1024/100 at 7, 1024/2 at 1×1, and `max` 1600K: each a
    /// channels × H × W × 2-byte tensor (64 · 112² · 2 = 1,605,632 bytes, "1600K").
    @Test func mobileNetV1Column() throws {
        let largest = try Self.largestPerResolution("mobilenet_v1")
        #expect(largest[112] == 64 * 112 * 112 * 2)
        #expect(largest[56] == 128 * 56 * 56 * 2)
        #expect(largest[28] == 256 * 28 * 28 * 2)
        #expect(largest[14] == 512 * 14 * 14 * 2)
        #expect(largest[7] == 1024 * 7 * 7 * 2)
        #expect(largest[1] == 1024 * 2)
        // The `max` row is the 112×112 row: 1,605,632 bytes, printed as 1600K.
        #expect(largest.values.max() == largest[112])
    }

    /// MobileNetV2's column with Section 5's two techniques (expansions in splits, the first
    /// layer a channel at a time), against the paper's 112×112 cell and `max`: 16 channels
    /// at 112×112 at 2 bytes, 16 · 112² · 2 = 401,408 bytes, the table's "16/400" and
    /// "400K". Without the first-layer trick the stem's 32 channels at 112×112 stay
    /// (802,816 bytes, twice the table's figure).
    @Test func mobileNetV2WithTheFirstLayerTrick() throws {
        let graph = try Fusion.deploy(try ModelLoader.load("mobilenet_v2", overrides: SpecOverrides()).graph)
        let report = try MemoryReport(graph, dataType: .fp16, inPlace: true, splitExpansions: true, firstLayerTrick: true)
        let rows = report.largestByResolution
        let top = try #require(rows.first { $0.resolution == 112 })
        #expect(top.channels == 16)
        #expect(top.bytes == 16 * 112 * 112 * 2)
        #expect(rows.map(\.bytes).max() == 16 * 112 * 112 * 2)
        let without = try MemoryReport(graph, dataType: .fp16, inPlace: true, splitExpansions: true)
        #expect(without.largestByResolution.first { $0.resolution == 112 }?.bytes == 32 * 112 * 112 * 2)
    }

    /// The trick stops where a tensor has two readers: ShuffleNet's max-pooled stem feeds
    /// the first unit's branch and its shortcut, so the 48-channel 56×56 tensor stays
    /// whole (48 · 56² · 2 = 301,056 bytes, the table's "48/300"), and only the stem's
    /// 112×112 output (48 channels) runs a channel at a time: 112² · 2 = 25,088 bytes.
    @Test func firstLayerTrickStopsAtASecondReader() throws {
        let graph = try Fusion.deploy(try ModelLoader.load("shufflenet_v1_2x_g3", overrides: SpecOverrides()).graph)
        let schedule = try MemorySchedule(graph, bytesPerElement: 2, inPlace: true, firstLayerTrick: true)
        let bytes = Dictionary(schedule.buffers.map { (graph.layers[$0.layer].name, $0.bytes) }, uniquingKeysWith: max)
        #expect(bytes["first_conv.conv"] == 112 * 112 * 2)
        #expect(bytes["maxpool"] == 48 * 56 * 56 * 2)
    }

    /// With `--in-place` a layer writes over an input only when that buffer holds its
    /// whole output. VGG-16's first conv runs a channel at a time (its ReLU reads it
    /// alone, then a 3×3 conv mixes channels): one channel of 224×224 at 4 bytes, 200,704
    /// bytes, which the ReLU's 64 channels (12,845,056 bytes) cannot be written over.
    @Test func inPlaceNeedsTheWholeOutput() throws {
        let graph = try ModelLoader.load("vgg16", overrides: SpecOverrides()).graph
        let schedule = try MemorySchedule(graph, bytesPerElement: 4, inPlace: true, firstLayerTrick: true)
        let bytes = Dictionary(schedule.buffers.map { (graph.layers[$0.layer].name, $0.bytes) }, uniquingKeysWith: max)
        #expect(bytes["features.0"] == 224 * 224 * 4)
        #expect(bytes["features.1"] == 64 * 224 * 224 * 4)
    }
}

