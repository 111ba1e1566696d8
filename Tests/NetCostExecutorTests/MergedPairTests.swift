import NetCost
@testable import NetCostExecutor
import Testing

/// Merged pairs (`MergedPair`): a 1×1 convolution read only by a depthwise one runs in
/// row bands, and a convolution read only by an add takes the add's other operand in its
/// epilogue. Each output value is the same sum in the same order as when the layers run
/// apart, so merged and unmerged runs must agree exactly, at every width and band size.
@Suite struct MergedPairTests {
    /// Pairs of every geometry the banded kernel takes: stride 1 and 2, 3×3 and 5×5,
    /// dilation, `same` and asymmetric padding, a fused clamp, maps of odd sizes, and a
    /// last band shorter than the others; and a pair with hardswish, which runs apart.
    static let blocks = #"""
    {"input": [5, 19, 23], "layers": [
      {"name": "e1", "op": "conv2d", "out": 12, "kernel": 1, "bias": false}, {"name": "e1_bn", "op": "batchnorm"},
      {"name": "e1_act", "op": "relu6"},
      {"name": "d1", "op": "conv2d", "kernel": 3, "padding": 1, "groups": "depthwise", "bias": false},
      {"name": "d1_bn", "op": "batchnorm"}, {"name": "d1_act", "op": "relu6"},
      {"name": "e2", "op": "conv2d", "out": 10, "kernel": 1},
      {"name": "d2", "op": "conv2d", "kernel": 3, "stride": 2, "padding": 1, "groups": "depthwise"},
      {"name": "e3", "op": "conv2d", "out": 9, "kernel": 1, "bias": false}, {"name": "e3_bn", "op": "batchnorm"},
      {"name": "e3_act", "op": "hardswish"},
      {"name": "d3", "op": "conv2d", "kernel": 5, "padding": "same", "groups": "depthwise", "bias": false},
      {"name": "d3_bn", "op": "batchnorm"}, {"name": "d3_act", "op": "hardswish"},
      {"name": "e4", "op": "conv2d", "out": 7, "kernel": 1},
      {"name": "d4", "op": "conv2d", "kernel": 3, "dilation": 2, "padding": 2, "groups": "depthwise"},
      {"name": "e5", "op": "conv2d", "out": 6, "kernel": 1},
      {"name": "d5", "op": "conv2d", "kernel": 3, "stride": 2, "padding": "same", "groups": "depthwise"},
      {"name": "p5", "op": "conv2d", "out": 6, "kernel": 1, "bias": false}, {"name": "p5_bn", "op": "batchnorm"},
      {"name": "r5", "op": "add", "inputs": ["p5_bn", "d5"]},
      {"name": "c6", "op": "conv2d", "out": 6, "kernel": 3, "padding": 1}, {"name": "c6_act", "op": "relu"},
      {"name": "r6", "op": "add", "inputs": ["r5", "c6_act"]},
      {"name": "pool", "op": "global_avgpool"}
    ]}
    """#

    @Test(arguments: [64, 700, 2_000, 1 << 20])
    func mergedRunEqualsLayerByLayer(bandBytes: Int) throws {
        let graph = try Fusion.deploy(try TestGraphs.spec(Self.blocks))
        for kernels in KernelSet.available {
            let prepared = try PreparedGraph(graph, seed: 5, limits: RunLimits(), kernels: kernels, bandBytes: bandBytes)
            // Four expand/depthwise pairs, e1/d1, e2/d2, e4/d4, e5/d5 (e3/d3's hardswish is
            // no clamp: apart), then p5/r5 (1×1, residual second) and c6/r6 (3×3 with a
            // relu, residual first).
            let merges = prepared.merges.compactMap { $0 }
            #expect(merges.count == 6)
            #expect(!merges.contains { graph.layers[$0.first].name.hasPrefix("e3") })
            #expect(merges.filter { if case .residual = $0.kind { true } else { false } }.map { graph.layers[$0.second].name } == ["r5", "r6"])
            let merged = try #require(prepared.run(merged: true).finalOutput).values
            let apart = try #require(prepared.run(merged: false).finalOutput).values
            #expect(merged == apart, "\(kernels.name), \(bandBytes) bytes per band")
            let reference = try #require(prepared.run(path: .reference).finalOutput).values
            let comparison = Comparison(observed: merged, expected: reference)
            #expect(comparison.within(GraphCheck.pathTolerance), "\(kernels.name): \(comparison)")
        }
    }

    /// A 1×1 convolution whose output something else also reads is not merged, nor one
    /// followed by a grouped (not depthwise) convolution, nor a depthwise convolution into
    /// an add, nor an add of a tensor to itself.
    @Test func onlyWhenTheSecondLayerIsTheSoleReader() throws {
        let graph = try TestGraphs.spec(#"""
        {"input": [4, 9, 9], "layers": [
          {"name": "e1", "op": "conv2d", "out": 8, "kernel": 1},
          {"name": "d1", "op": "conv2d", "kernel": 3, "padding": 1, "groups": "depthwise"},
          {"name": "sum", "op": "add", "inputs": ["d1", "e1"]},
          {"name": "e2", "op": "conv2d", "out": 8, "kernel": 1},
          {"name": "g2", "op": "conv2d", "out": 8, "kernel": 3, "padding": 1, "groups": 2},
          {"name": "d3", "op": "conv2d", "kernel": 3, "padding": 1, "groups": "depthwise"},
          {"name": "r3", "op": "add", "inputs": ["d3", "g2"]},
          {"name": "c4", "op": "conv2d", "out": 8, "kernel": 1},
          {"name": "r4", "op": "add", "inputs": ["c4", "c4"]}
        ]}
        """#)
        let prepared = try PreparedGraph(graph, seed: 1, limits: RunLimits())
        #expect(prepared.merges.compactMap { $0 }.isEmpty)
    }

    /// MobileNetV2's second block: a 16→96 expansion on 112×112 into a stride-2 depthwise
    /// convolution. Eight output rows read 17 expanded rows: 96 × 17 × 112 × 4 B =
    /// 731,136 B, three bands of 256 KiB; on two workers that must be four slices, two
    /// each (AVX2's 16 panels of 6 rows as 4 + 4 + 4 + 4, AVX-512's 12 of 8 as 3 + 3 + 3 + 3),
    /// not three, which leave one worker idle a third of the time.
    @Test func theSlicesShareOutEvenlyOverTheWorkers() throws {
        let graph = try TestGraphs.spec(#"""
        {"input": [16, 112, 112], "layers": [
          {"name": "expand", "op": "conv2d", "out": 96, "kernel": 1, "bias": false}, {"name": "expand_act", "op": "relu6"},
          {"name": "dw", "op": "conv2d", "kernel": 3, "stride": 2, "padding": 1, "groups": "depthwise", "bias": false}
        ]}
        """#)
        for kernels in KernelSet.available {
            let prepared = try PreparedGraph(graph, seed: 1, limits: RunLimits(), kernels: kernels)
            let layer = try #require(graph.layers.firstIndex { $0.name == "dw" })
            let depthwise = try #require(prepared.geometries[layer])
            let panels = (96 + kernels.panelRows - 1) / kernels.panelRows
            let slices = PointwiseDepthwise.slices(depthwise, panels: panels, bandBytes: 256 * 1024, workers: 2)
            #expect(slices.count == 4, "\(kernels.name)")
            #expect(Set(slices.map(\.count)).count == 1, "\(kernels.name): \(slices)")
            #expect(slices.first?.lowerBound == 0 && slices.last?.upperBound == panels)
        }
    }
}
