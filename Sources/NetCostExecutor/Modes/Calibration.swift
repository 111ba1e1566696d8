import Foundation
import NetCost

/// `netcost calibrate`: micro-benchmarks of one layer each, over a grid of the shapes
/// efficient networks use, timed with the fast kernels on the deployed graph (batch norm
/// folded, activations fused) at this process's thread count. The samples are the
/// latency model (docs/latency.md): `LatencyPrediction` interpolates between them.
public enum Calibration {
    /// One grid point: a spec of one layer (plus what fuses into it) and a label.
    struct Point {
        let label: String
        let spec: String
    }

    /// Threads the executor's parallel loops use in this process (`NETCOST_THREADS`).
    public static var threads: Int { Parallel.workers }

    /// Times every point of the grid; `progress` hears each label as it starts.
    /// `quick` measures about a third of the grid.
    public static func run(quick: Bool, seconds budget: Double = 0.02, progress: (String) -> Void = { _ in }) throws(InputError) -> LatencyCalibration {
        let points = grid(quick: quick)
        var samples: [LatencySample] = []
        var overheads: [Double] = []
        for point in points {
            progress(point.label)
            let graph = try Fusion.deploy(try SpecLoader.load(text: point.spec, file: point.label).graph)
            let analysis = try Analysis(graph)
            // One pass tells how long a pass takes; enough passes to fill the budget.
            let probe = try Benchmark.run(graph, repetitions: 1, warmup: 1)
            let repetitions = min(200, max(5, Int(budget / max(probe.totalSeconds, 1e-7))))
            let report = try Benchmark.run(graph, repetitions: repetitions, warmup: 2)
            var layerSeconds = 0.0
            for timing in report.layers {
                let features = LatencyFeatures(analysis, layer: timing.index)
                guard features.latencyClass != .free, features.latencyClass != .unknown else { continue }
                samples.append(LatencySample(features: features, seconds: timing.seconds))
                layerSeconds += timing.seconds
            }
            overheads.append(max(report.totalSeconds - layerSeconds, 0))
        }
        let floor = samples.map(\.seconds).min() ?? 0
        return LatencyCalibration(threads: threads, perLayerOverhead: median(overheads), floorSeconds: floor, samples: samples)
    }

    static func median(_ values: [Double]) -> Double { Benchmark.median(values) }

    /// The grid: convolutions of every kind at the channel counts and map sizes of
    /// MobileNet-, ShuffleNet-, EfficientNet- and ResNet-like networks, the linear layers
    /// of classifiers, and the cheap ops between them at a range of sizes.
    static func grid(quick: Bool) -> [Point] {
        var points: [Point] = []
        func add(_ label: String, input: [Int], _ layers: String) {
            points.append(Point(label: label, spec: "{\"name\": \"\(label)\", \"input\": \(input), \"layers\": [\(layers)]}"))
        }
        let maps = quick ? [7, 28, 112] : [7, 14, 28, 56, 112]
        // Pointwise: expansions, projections and square ones, each with a fused ReLU6 or none.
        let pointwise = quick
            ? [(16, 96), (96, 24), (144, 24), (64, 384), (576, 96), (320, 1280), (256, 256)]
            : [(16, 96), (24, 144), (96, 24), (144, 24), (32, 192), (192, 32), (64, 384), (384, 64), (96, 576), (576, 96),
               (160, 960), (960, 160), (320, 1280), (64, 64), (128, 128), (256, 256), (512, 512), (58, 58), (116, 116), (232, 232)]
        for (index, (input, output)) in pointwise.enumerated() {
            for size in maps where flops(input * output * size * size) {
                let activation = index % 2 == 0 ? ", {\"op\": \"relu6\"}" : ""
                add("conv1x1 \(input)→\(output) at \(size)", input: [input, size, size],
                    "{\"op\": \"conv2d\", \"out\": \(output), \"kernel\": 1, \"bias\": false}, {\"op\": \"batchnorm\"}" + activation)
            }
        }
        // Full convolutions: stems and ResNet/VGG-like 3×3 layers.
        let full = quick
            ? [(3, 32, 3, 2, 224), (32, 32, 3, 1, 56), (128, 128, 3, 1, 14), (64, 64, 3, 2, 56)]
            : [(3, 32, 3, 2, 224), (3, 24, 3, 2, 224), (3, 64, 7, 2, 224), (3, 16, 3, 2, 112), (16, 16, 3, 1, 112),
               (32, 32, 3, 1, 56), (64, 64, 3, 1, 56), (64, 128, 3, 2, 56), (128, 128, 3, 1, 28), (128, 256, 3, 2, 28),
               (256, 256, 3, 1, 14), (512, 512, 3, 1, 7), (64, 64, 3, 2, 56), (24, 48, 5, 1, 28), (96, 96, 3, 1, 14)]
        for (input, output, kernel, stride, size) in full where flops(input * output * kernel * kernel * size * size / (stride * stride)) {
            add("conv\(kernel)x\(kernel)/\(stride) \(input)→\(output) at \(size)", input: [input, size, size],
                "{\"op\": \"conv2d\", \"out\": \(output), \"kernel\": \(kernel), \"stride\": \(stride), \"padding\": \(kernel / 2), \"bias\": false}, {\"op\": \"batchnorm\"}, {\"op\": \"relu\"}")
        }
        // Depthwise: 3×3 and 5×5, strides 1 and 2, with a fused activation.
        let depthwiseChannels = quick ? [32, 144, 576] : [16, 32, 96, 144, 192, 384, 576, 960, 1152]
        for channels in depthwiseChannels {
            for size in maps where channels * size * size <= 2_000_000 {
                for (kernel, stride) in quick ? [(3, 1), (5, 2)] : [(3, 1), (3, 2), (5, 1), (5, 2)] {
                    add("depthwise\(kernel)x\(kernel)/\(stride) \(channels) at \(size)", input: [channels, size, size],
                        "{\"op\": \"conv2d\", \"out\": \(channels), \"kernel\": \(kernel), \"stride\": \(stride), \"padding\": \(kernel / 2), \"groups\": \(channels), \"bias\": false}, {\"op\": \"batchnorm\"}, {\"op\": \"relu6\"}")
                }
            }
        }
        // Grouped: ShuffleNet V1's and ResNeXt's.
        for (channels, groups, kernel) in quick ? [(240, 3, 1), (128, 32, 3)] : [(240, 3, 1), (480, 3, 1), (240, 8, 1), (128, 32, 3), (256, 32, 3), (96, 4, 3)] {
            for size in quick ? [14, 28] : [7, 14, 28, 56] where flops(channels * channels / groups * kernel * kernel * size * size) {
                add("grouped conv g\(groups) \(channels) k\(kernel) at \(size)", input: [channels, size, size],
                    "{\"op\": \"conv2d\", \"out\": \(channels), \"kernel\": \(kernel), \"padding\": \(kernel / 2), \"groups\": \(groups), \"bias\": false}, {\"op\": \"batchnorm\"}, {\"op\": \"relu\"}")
            }
        }
        // Classifiers.
        for (input, output) in quick ? [(1280, 1000), (4096, 4096)] : [(1024, 1000), (1280, 1000), (2048, 1000), (512, 10), (4096, 4096), (4096, 1000), (9216, 4096), (576, 1024)] {
            add("linear \(input)→\(output)", input: [input], "{\"op\": \"linear\", \"out\": \(output)}")
        }
        // The cheap ops, by size.
        let sizes = quick ? [(32, 28), (256, 14)] : [(16, 112), (32, 56), (64, 28), (256, 14), (1024, 7), (96, 56)]
        let unary = ["relu", "relu6", "sigmoid", "swish", "hardswish", "gelu", "tanh"]
        for (channels, size) in sizes {
            let shape = [channels, size, size]
            for name in quick ? ["relu", "swish", "hardswish"] : unary {
                add("\(name) \(channels)×\(size)²", input: shape, "{\"op\": \"\(name)\"}")
            }
            add("batchnorm \(channels)×\(size)²", input: shape, "{\"op\": \"batchnorm\"}")
            add("maxpool 3/2 \(channels)×\(size)²", input: shape, "{\"op\": \"maxpool\", \"kernel\": 3, \"stride\": 2, \"padding\": 1}")
            add("avgpool 2/2 \(channels)×\(size)²", input: shape, "{\"op\": \"avgpool\", \"kernel\": 2, \"stride\": 2}")
            add("global avgpool \(channels)×\(size)²", input: shape, "{\"op\": \"global_avgpool\"}")
            add("add \(channels)×\(size)²", input: shape,
                "{\"name\": \"a\", \"op\": \"relu\"}, {\"name\": \"b\", \"op\": \"sigmoid\", \"inputs\": \"input\"}, {\"op\": \"add\", \"inputs\": [\"a\", \"b\"]}")
            add("mul by channel \(channels)×\(size)²", input: shape,
                "{\"name\": \"g\", \"op\": \"global_avgpool\"}, {\"op\": \"mul\", \"inputs\": [\"input\", \"g\"]}")
            add("concat \(channels)×\(size)²", input: shape,
                "{\"name\": \"a\", \"op\": \"relu\"}, {\"op\": \"concat\", \"inputs\": [\"input\", \"a\"]}")
            if channels % 2 == 0 {
                add("channel shuffle \(channels)×\(size)²", input: shape, "{\"op\": \"channel_shuffle\", \"groups\": 2}")
            }
            add("pad \(channels)×\(size)²", input: shape, "{\"op\": \"pad\", \"pads\": [1, 1]}")
            add("upsample \(channels)×\(size)²", input: shape, "{\"op\": \"upsample\", \"mode\": \"nearest\", \"scale\": 2}")
            add("layernorm \(channels)×\(size * size)", input: [size * size, channels], "{\"op\": \"layernorm\"}")
        }
        return points
    }

    /// Grid points stay under 2 GFLOP (1 G multiply-accumulates) each, so that calibration takes minutes.
    private static func flops(_ macs: Int) -> Bool { macs <= 1_000_000_000 }
}
