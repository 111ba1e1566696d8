import NetCost
@testable import NetCostExecutor
import Testing

/// How calibration sets a layer in a network's context: buffers aligned for huge pages,
/// caches scrubbed between passes, the input written by a producer and the
/// layer run once by a twin first, neither of them sampled.
@Suite("Calibration context")
struct CalibrationContextTests {
    @Test func largeBuffersAreAlignedForHugePagesAndSmallOnesToCacheLines() {
        // 1 Mi floats are 4 MiB: over the 1 MiB threshold, so aligned to 2 MiB.
        let large = HostMemory.allocate(1 << 20)
        defer { HostMemory.release(large) }
        #expect(Int(bitPattern: large) % (2 << 20) == 0)
        large[(1 << 20) - 1] = 3
        #expect(large[(1 << 20) - 1] == 3)
        let small = HostMemory.allocate(100)
        defer { HostMemory.release(small) }
        #expect(Int(bitPattern: small) % 64 == 0)
    }

    @Test func aScrubbedRunTimesTheSameLayers() throws {
        let spec = #"{"name": "t", "input": [8, 6, 6], "layers": [{"name": "c", "op": "conv2d", "out": 4, "kernel": 3, "padding": 1}, {"name": "r", "op": "relu"}]}"#
        let graph = try SpecLoader.load(text: spec, file: "t").graph
        let plain = try Benchmark.run(graph, repetitions: 2, warmup: 0)
        let scrubbed = try Benchmark.run(graph, repetitions: 2, warmup: 0, scrubber: CacheScrubber(bytes: 1 << 20))
        // The same layers are timed either way, and each pass has its per-layer times.
        #expect(plain.layers.map(\.name) == scrubbed.layers.map(\.name))
        #expect(scrubbed.layers.allSatisfy { $0.seconds >= 0 })
    }

    @Test func aPointsProducerAndTwinRunButAreNotSampled() throws {
        // A single 1×1 convolution with batch norm folded and relu fused: one sample, the
        // convolution's, though the pass also runs the producer's ReLU and the twin
        // convolution before it.
        let point = Calibration.Point(label: "conv1x1 8→16 at 7", input: [8, 7, 7], entries: { name in
            #"{"name": "\#(name)", "op": "conv2d", "out": 16, "kernel": 1, "bias": false, "inputs": "input"}, {"name": "\#(name)_bn", "op": "batchnorm"}, {"name": "\#(name)_act", "op": "relu"}"#
        })
        #expect(point.spec.contains(#""inputs": "produced""#))
        let graph = try Fusion.deploy(try SpecLoader.load(text: point.spec, file: "point").graph)
        #expect(graph.layers.map(\.name) == ["input", "twin", "produced", "c0"])
        let measured = try Calibration.measure(point, budget: 0.001)
        #expect(measured.samples.count == 1)
        #expect(measured.samples.first?.features.op == "conv2d")
        #expect(measured.samples.first?.features.inputChannels == 8)
        #expect(measured.samples.first?.features.epilogue == "relu")
    }

    /// A 1×1 convolution and its depthwise reader, both with relu6, run merged: the point
    /// gives one sample, of the pair's class, with both layers' FLOPs. 1×1 8 → 16 on 7×7:
    /// 6,272 MACs; depthwise 3×3 on 16 channels of 7×7: 7,056 MACs; relu6 2 FLOPs on each of
    /// the 784 outputs of both: 2·13,328 + 3,136 = 29,792 FLOPs.
    @Test func aMergedPairIsOneSample() throws {
        let point = Calibration.Point(label: "pair", input: [8, 7, 7], entries: { name in
            #"{"name": "\#(name)", "op": "conv2d", "out": 16, "kernel": 1, "bias": false, "inputs": "input"}, {"name": "\#(name)_a", "op": "relu6"}, "#
                + #"{"name": "\#(name)_dw", "op": "conv2d", "out": 16, "kernel": 3, "padding": 1, "groups": 16, "bias": false}, {"name": "\#(name)_b", "op": "relu6"}"#
        })
        let measured = try Calibration.measure(point, budget: 0.001)
        #expect(measured.samples.count == 1)
        #expect(measured.samples.first?.features.latencyClass == .pointwiseDepthwise)
        #expect(measured.samples.first?.features.flops == 29_792)
    }

    /// The grid's visiting order takes every point once and puts grid neighbours far
    /// apart: for 10 points the step is 7 (6, 0.618 of 10, shares 2 with it; 7 does not).
    @Test func theGridIsVisitedInterleaved() {
        #expect(Calibration.interleaved(10) == [0, 7, 4, 1, 8, 5, 2, 9, 6, 3])
        let order = Calibration.interleaved(700)
        #expect(Set(order).count == 700)
        #expect(zip(order, order.dropFirst()).allSatisfy { abs($0 - $1) > 100 })
    }

    /// A timing is quiet when the sentinel runs on both sides of it took at most 1.25 times
    /// the sentinel's fastest (100 µs here, so at most 125 µs): timing 3 lies between the
    /// runs after 0 and 8 timings (100 and 110 µs), quiet; timing 10 between 110 and 300,
    /// busy; timing 16 between 300 and 105, busy; timing 30 after the last run (105), quiet.
    @Test func aTimingBetweenSlowSentinelRunsWasMadeOnABusyHost() {
        let checks: [(after: Int, seconds: Double)] = [(0, 100e-6), (8, 110e-6), (16, 300e-6), (24, 105e-6)]
        #expect(HostWatch.quiet(3, checks: checks))
        #expect(!HostWatch.quiet(10, checks: checks))
        #expect(!HostWatch.quiet(16, checks: checks))
        #expect(HostWatch.quiet(30, checks: checks))
        #expect(HostWatch.quiet(5, checks: []))
    }

    /// The sentinel runs after every eighth timing: 17 timings, runs after 8 and 16.
    @Test func theSentinelRunsAfterEveryEighthTiming() throws {
        var watch = try HostWatch()
        let serials = try (0..<17).map { _ in try watch.count() }
        #expect(serials == Array(0..<17))
        #expect(watch.checks.map(\.after) == [8, 16])
        #expect(watch.checks.allSatisfy { $0.seconds > 0 })
    }

    /// A point stands when its two fastest times are within 10%: 1.00 and 1.08 do, 1.00
    /// and 1.25 do not (one round met other work), and a third time of 1.05 settles it.
    @Test func roundsThatDisagreeAreTimedAgain() {
        #expect(Calibration.agree([1.08, 1.0]))
        #expect(!Calibration.agree([1.25, 1.0]))
        #expect(Calibration.agree([1.25, 1.0, 1.05]))
    }

    /// Five 1×1 convolutions on a machine where each takes three times its roofline time at
    /// 1 GFLOP/s and 1 GB/s, but the middle one was timed in a burst of other work. The
    /// other points predict it at 3 × 40,000 ns = 120 µs; at three times that (360 µs),
    /// over 1.4 times the prediction, it is timed again; at 1.3 times it stands, and so do
    /// the rest, even with the slow point among their neighbours.
    @Test func aPointFarSlowerThanItsNeighboursPredictIsTimedAgain() throws {
        let device = RooflineDevice(peakGFLOPS: 1, bandwidthGBps: 1, name: "test")
        func points(middle slowdown: Double) -> [[LatencySample]] {
            [(10_000, 8_000, 16), (20_000, 12_000, 24), (40_000, 20_000, 32), (80_000, 30_000, 48), (160_000, 50_000, 64)]
                .enumerated().map { index, sizes in
                    let (flops, bytes, channels) = sizes
                    let features = LatencyFeatures(latencyClass: .pointwiseConvolution, flops: flops, bytes: bytes, inputChannels: channels,
                                                   outputChannels: channels, positions: 196)
                    return [LatencySample(features: features, seconds: (index == 2 ? slowdown : 1) * 3 * Double(max(flops, bytes)) * 1e-9)]
                }
        }
        let flagged = Calibration.outliers(points(middle: 3), device: device)
        #expect(flagged.map(\.index) == [2])
        #expect(abs((flagged.first?.expected ?? 0) - 120e-6) < 1e-12)
        #expect(Calibration.outliers(points(middle: 1.3), device: device).isEmpty)
    }
}
