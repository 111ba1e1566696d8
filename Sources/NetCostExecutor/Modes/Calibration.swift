import Foundation
import NetCost

/// `netcost calibrate`: micro-benchmarks of one layer each, over a grid of the shapes
/// efficient networks use, timed with the fast kernels on the deployed graph (batch norm
/// folded, activations fused) at this process's thread count. The samples are the
/// latency model (docs/latency.md): `LatencyPrediction` interpolates between them.
public enum Calibration {
    /// One grid point: the layers of one measurement (a layer and what fuses into it),
    /// written by `entries` with names under a prefix, the first reading the input.
    struct Point {
        let label: String
        let input: [Int]
        let entries: (String) -> String

        /// The point's layers after a producer that writes their input each pass, as the
        /// layer before does in a network (a map read from the graph's input would come
        /// from memory once the caches are scrubbed). Before both, a twin of the layers
        /// with weights of its own runs on the graph's input: it brings the kernel's code
        /// back after the scrub, as the layers of the same kind before it do in a network
        /// (a 1×1 convolution 58→58 at 28×28 took 42-48 µs first after a scrub, 32-37 µs
        /// after a twin and 33-37 µs unscrubbed), and leaves the sampled layers' weights
        /// and input as they were.
        var spec: String {
            let layers = entries("c0").replacingOccurrences(of: #""input""#, with: "\"\(Calibration.producer)\"")
            let producer = #"{"name": "\#(Calibration.producer)", "op": "relu", "inputs": "input"}"#
            return "{\"name\": \"\(label)\", \"input\": \(input), \"layers\": [\(entries(Calibration.twin)), \(producer), \(layers)]}"
        }
    }

    /// Twice the last-level cache, made once for the whole grid (filling 64 MB per point
    /// would add most of a minute to a calibration).
    static let scrubber = CacheScrubber(bytes: 2 * lastLevelCacheBytes)

    /// The layer that writes a point's input; timed with the pass, never sampled.
    static let producer = "produced"

    /// The prefix of the layers that run a point's layers once before them; never sampled.
    static let twin = "twin"

    /// Rounds over the grid; each point keeps its fastest. (Three rounds took 4 min 31 s
    /// against 3 min 7 s, and moved the 44 validation networks' predictions by a median
    /// of −2.4% from a two-round profile's, while the host moved their measured times more.)
    static let roundCount = 2

    /// How close a point's two fastest rounds must be (their ratio) to stand, and how many
    /// more times a point is timed until they are.
    static let agreement = 1.1
    static let retries = 2

    /// How many times what its neighbours predict a point may take before it is timed again.
    static let outlier = 1.4

    /// What `progress` hears before the label of a point timed again.
    public static let againLabel = "again: "

    /// What `progress` hears before the label of a point timed with the last-level cache warm.
    public static let warmLabel = "warm: "

    /// What `progress` hears before the summary of how busy the host was.
    public static let summaryLabel = "summary: "

    /// One timing of a point: its samples, the time its pass spent between layers, and
    /// its serial number among the calibration's timings (`HostWatch`).
    struct Timing {
        let samples: [LatencySample]
        let overhead: Double
        let serial: Int
    }

    /// Whether the two fastest of a point's times agree within `agreement`.
    static func agree(_ times: [Double]) -> Bool {
        let sorted = times.sorted()
        return sorted.count < 2 || sorted[1] <= sorted[0] * agreement
    }

    /// A visiting order of `count` grid points that steps about 0.618 of the grid at a
    /// time (the step coprime with the count, so every point comes once): neighbours in
    /// the grid, which are of one kind, come far apart.
    static func interleaved(_ count: Int) -> [Int] {
        guard count > 2 else { return Array(0..<count) }
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        var step = max(1, Int(Double(count) * 0.618))
        while gcd(step, count) != 1 { step += 1 }
        return (0..<count).map { $0 * step % count }
    }

    /// The passes' quantile a time is: the lower quartile, since the host's noise only ever
    /// slows a pass (`predict --validate` reads the same).
    public static let quantile = 0.25

    /// Threads the executor's parallel loops use in this process (`NETCOST_THREADS`).
    public static var threads: Int { Parallel.workers }

    /// The activations whose cost as a fused epilogue is measured.
    static let epilogues = ["relu", "relu6", "sigmoid", "swish", "hardswish", "hardsigmoid", "gelu", "tanh"]

    /// Times every point of the grid; `progress` hears each label as it starts.
    /// `quick` measures about a sixth of the grid; `points` thins it to about that many
    /// (one of every kind of layer always kept), and with it the activation measurements run
    /// at small sizes: a coarse profile in seconds, for a first look or a smoke test.
    public static func run(quick: Bool, points limit: Int? = nil, seconds budget: Double = 0.02,
                           progress: (String) -> Void = { _ in }) throws(InputError) -> LatencyCalibration {
        // Rounds over the grid, keeping each point's fastest: a point timed while another
        // guest took the host's cores counts less. The grid is visited interleaved, so that
        // a burst of other work slows a few points of many kinds rather than one kind whole,
        // and each round starts a round's share further on, so that every point's
        // measurements are a round apart.
        let points = limit.map { select(grid(quick: quick), $0) } ?? grid(quick: quick)
        let small = limit != nil
        let order = interleaved(points.count)
        var measured = Array(repeating: [Timing](), count: points.count)
        var warm = Array(repeating: [Timing](), count: points.count)
        let perCore = CacheScrubber(bytes: 2 * Parallel.workers * coreCacheBytes)
        var watch = try HostWatch()
        try watch.check()
        /// Times point `index` after a scrub of every cache, or of the per-core ones only (`warm`).
        func time(_ index: Int, warm isWarm: Bool = false) throws(InputError) {
            let (samples, overhead) = try measure(points[index], budget: budget, scrubber: isWarm ? perCore : scrubber)
            let timing = Timing(samples: samples, overhead: overhead, serial: try watch.count())
            if isWarm { warm[index].append(timing) } else { measured[index].append(timing) }
        }
        /// The points none of whose `timings` was made on a quiet host (`HostWatch`).
        func busyOnly(_ timings: [[Timing]]) -> [Int] {
            points.indices.filter { index in !timings[index].contains { watch.quiet($0.serial) } }
        }
        /// Times `indices` again, each eight of them once the sentinel runs quiet.
        func timeWhenQuiet(_ indices: [Int], warm isWarm: Bool = false) throws(InputError) {
            for (position, index) in indices.enumerated() {
                if position % HostWatch.every == 0 { try watch.waitForQuiet() }
                progress(againLabel + (isWarm ? warmLabel : "") + points[index].label)
                try time(index, warm: isWarm)
            }
            try watch.check()
        }
        for round in 0..<roundCount {
            let start = round * points.count / roundCount
            for step in points.indices {
                let index = order[(start + step) % points.count]
                progress("round \(round + 1): " + points[index].label)
                try time(index)
            }
        }
        // A point whose two fastest rounds disagree by more than `agreement` met other work
        // in one of them: timed again, up to `retries` times, until two agree.
        for index in points.indices {
            for _ in 0..<retries where !agree(measured[index].map { $0.samples.reduce(0) { $0 + $1.seconds } }) {
                progress(againLabel + points[index].label)
                try time(index)
            }
        }
        // A point timed only while the host was busy agrees with itself and may agree with
        // its neighbours, timed in the same burst: timed again once the host is quiet, up
        // to `retries` times.
        try watch.check()
        var busy = busyOnly(measured)
        let busyAtFirst = busy.count
        for _ in 0..<retries where !busy.isEmpty {
            try timeWhenQuiet(busy)
            busy = busyOnly(measured)
        }
        func fastest(_ timings: [Timing]) -> [LatencySample] {
            guard let first = timings.first else { return [] }
            return first.samples.indices.map { slot in
                LatencySample(features: first.samples[slot].features, seconds: timings.map { $0.samples[slot].seconds }.min() ?? 0)
            }
        }
        // The machine as predictions will see it: its peak at this thread count and its bandwidth.
        let machine = MachineProbe.measure()
        // A point slow in every round (a burst of other work as long as the rounds' gap)
        // agrees with itself but not with its neighbours: one that takes more than
        // `outlier` times what the other points predict for it is timed again.
        let device = RooflineDevice(peakGFLOPS: machine.peakGFLOPS, bandwidthGBps: machine.bandwidthGBps, name: "this machine")
        for (index, expected) in outliers(measured.map(fastest), device: device) {
            for _ in 0..<retries where fastest(measured[index]).reduce(0.0, { $0 + $1.seconds }) > outlier * expected {
                progress(againLabel + points[index].label)
                try time(index)
            }
        }
        // Each point once more with only the per-core caches scrubbed: its time in a small
        // network, whose weights and maps wait in the last-level cache (`CacheResidency`).
        // One round: a busy host only raises the warm ratio towards 1, and a warm time
        // made on a busy host is made again.
        for index in order {
            progress(warmLabel + points[index].label)
            try time(index, warm: true)
        }
        try watch.check()
        try timeWhenQuiet(busyOnly(warm), warm: true)
        progress(summaryLabel + watch.summary(timedAgain: busyAtFirst, neverQuiet: busy.count))
        var samples: [LatencySample] = []
        var overheads: [Double] = []
        for (timings, warmTimings) in zip(measured, warm) {
            let warmSamples = fastest(warmTimings)
            samples += fastest(timings).enumerated().map { slot, sample in
                LatencySample(features: sample.features, seconds: sample.seconds,
                              warmSeconds: warmSamples.indices.contains(slot) ? warmSamples[slot].seconds : nil)
            }
            if let overhead = timings.map(\.overhead).min() { overheads.append(overhead) }
        }
        let floor = samples.map(\.seconds).min() ?? 0
        let epilogues = try epilogueCosts(budget: budget, size: small ? 14 : 56)
        return LatencyCalibration(threads: threads, perLayerOverhead: Benchmark.median(overheads), floorSeconds: floor,
                                  epilogueSeconds: epilogues, peakGFLOPS: machine.peakGFLOPS, sentinelSeconds: watch.median, samples: samples)
    }

    /// The points (by index) whose samples take more than `outlier` times what the model
    /// predicts for them from every other point, with that prediction.
    static func outliers(_ points: [[LatencySample]], device: RooflineDevice) -> [(index: Int, expected: Double)] {
        points.indices.compactMap { index in
            guard !points[index].isEmpty else { return nil }
            let others = LatencyCalibration(threads: 1, perLayerOverhead: 0, floorSeconds: 0,
                                            samples: points.enumerated().flatMap { $0.offset == index ? [] : $0.element })
            let expected = points[index].reduce(0.0) { $0 + (others.interpolated($1.features, device: device) ?? $1.seconds) }
            let seconds = points[index].reduce(0.0) { $0 + $1.seconds }
            return seconds > outlier * expected ? (index, expected) : nil
        }
    }

    /// A point's samples, and the time its pass spent between layers, per layer. Every
    /// pass starts with the caches scrubbed (twice the last-level cache read), so that
    /// the layers meet their weights and output buffers in memory and their input fresh
    /// from the producer, as in a network whose maps and weights outgrow the caches.
    static func measure(_ point: Point, budget: Double, scrubber: CacheScrubber = scrubber) throws(InputError) -> (samples: [LatencySample], overhead: Double) {
        let graph = try Fusion.deploy(try SpecLoader.load(text: point.spec, file: point.label).graph)
        let analysis = try Analysis(graph)
        // One pass tells how long a pass takes; enough passes to fill the budget, at most
        // 20, since each pass costs a scrub as well.
        let probe = try Benchmark.run(graph, repetitions: 1, warmup: 1, scrubber: scrubber)
        let repetitions = min(20, max(5, Int(budget / max(probe.totalSeconds, 1e-7))))
        let report = try Benchmark.run(graph, repetitions: repetitions, warmup: 1, keepPasses: true, scrubber: scrubber)
        // A merged pair is one sample, timed on its first layer (as `Benchmark` reports it).
        let pairs = MergedPair.enabled ? MergedPair.find(graph) : []
        let secondLayersOfPairs = Set(pairs.compactMap { $0?.second })
        var samples: [LatencySample] = [], layerSeconds = 0.0, running = 0
        for timing in report.layers where !secondLayersOfPairs.contains(timing.index) {
            let pair = pairs.indices.contains(timing.index) ? pairs[timing.index] : nil
            let features = pair.map { LatencyFeatures(analysis, pair: $0) } ?? LatencyFeatures(analysis, layer: timing.index)
            guard features.latencyClass != .free, features.latencyClass != .unknown else { continue }
            let seconds = report.quantile(quantile, layer: timing.index)
            layerSeconds += seconds
            running += 1
            let name = graph.layers[timing.index].name
            if name != producer, !name.hasPrefix(twin) { samples.append(LatencySample(features: features, seconds: seconds)) }
        }
        let overhead = max(report.quantile(quantile) - layerSeconds, 0) / Double(max(running, 1))
        return (samples, overhead)
    }

    /// Per activation, the seconds per output element it adds fused into a 1×1
    /// convolution: the convolution with it less the same without, over rounds that
    /// alternate the two. And the same for an add merged into the convolution
    /// (`LatencyCalibration.residual`): its other operand is the convolution's input.
    static func epilogueCosts(budget: Double, size: Int) throws(InputError) -> [String: Double] {
        func point(_ epilogue: String?) -> Point {
            Point(label: "epilogue \(epilogue ?? "none")", input: [64, size, size], entries: { name in
                let then = switch epilogue {
                case nil: ""
                case LatencyCalibration.residual?: #", {"name": "\#(name)_add", "op": "add", "inputs": ["\#(name)", "input"]}"#
                case let activation?: #", {"name": "\#(name)_act", "op": "\#(activation)"}"#
                }
                return #"{"name": "\#(name)", "op": "conv2d", "out": 64, "kernel": 1, "bias": false, "inputs": "input"}"# + then
            })
        }
        let outputElements = Double(64 * size * size)
        var costs: [String: Double] = [:]
        for activation in epilogues + [LatencyCalibration.residual] {
            var differences: [Double] = []
            for _ in 0..<3 {
                let bare = try measure(point(nil), budget: budget).samples.first?.seconds ?? 0
                let fused = try measure(point(activation), budget: budget).samples.first?.seconds ?? 0
                differences.append(fused - bare)
            }
            costs[activation] = max(Benchmark.median(differences), 0) / outputElements
        }
        return costs
    }

    /// The last-level cache's size, from Linux's sysfs; 32 MiB where it does not say.
    static let lastLevelCacheBytes: Int = MachineProbe.cacheBytes(level: nil) ?? 32 << 20

    /// A core's own last cache (L2 on x86), from sysfs; 1 MiB where it does not say.
    static let coreCacheBytes: Int = MachineProbe.cacheBytes(level: 2) ?? 1 << 20

    /// The grid: convolutions of every kind at the channel counts and map sizes of
    /// MobileNet-, ShuffleNet-, EfficientNet- and ResNet-like networks, the linear layers
    /// of classifiers, and the cheap ops between them at a range of sizes.
    static func grid(quick: Bool) -> [Point] {
        var points: [Point] = []
        /// One op reading the input, and the ops that fuse into it.
        func layer(_ label: String, input: [Int], _ op: String, then fused: [String] = []) {
            points.append(Point(label: label, input: input, entries: { name in
                ([#"{"name": "\#(name)", \#(op), "inputs": "input"}"#]
                 + fused.enumerated().map { #"{"name": "\#(name)_\#($0.offset)", "op": "\#($0.element)"}"# }).joined(separator: ", ")
            }))
        }
        /// Several layers, written with `name` standing for the point's prefix.
        func layers(_ label: String, input: [Int], _ entries: String) {
            points.append(Point(label: label, input: input, entries: { name in entries.replacingOccurrences(of: "NAME", with: name) }))
        }
        let maps = quick ? [7, 28, 112] : [7, 14, 28, 56, 112]
        // Pointwise: expansions, projections and square ones, with batch norm folded and
        // each activation in turn fused (the epilogue's cost is measured apart as well).
        let pointwise = quick
            ? [(16, 96), (96, 24), (144, 24), (64, 384), (576, 96), (320, 1280), (256, 256)]
            : [(16, 96), (24, 144), (96, 24), (144, 24), (32, 192), (192, 32), (64, 384), (384, 64), (96, 576), (576, 96),
               (160, 960), (960, 160), (320, 1280), (64, 64), (128, 128), (256, 256), (512, 512), (58, 58), (116, 116), (232, 232),
               (32, 16), (16, 16), (24, 24), (40, 240), (240, 40), (112, 672), (672, 112), (1024, 1024),
               // Bottlenecks' reductions and expansions (ResNet-50's, DenseNet's).
               (64, 256), (256, 64), (128, 512), (512, 128), (256, 1024), (1024, 256), (1024, 128), (2048, 512)]
        let activations = ["", "relu6", "", "relu", "swish"]
        var turn = 0
        for (input, output) in pointwise {
            for size in maps where fits(input * output * size * size) {
                let activation = activations[turn % activations.count]
                turn += 1
                layer("conv1x1 \(input)→\(output) at \(size)", input: [input, size, size],
                      #""op": "conv2d", "out": \#(output), "kernel": 1, "bias": false"#, then: ["batchnorm"] + (activation.isEmpty ? [] : [activation]))
            }
        }
        // Full convolutions: stems and ResNet/VGG-like 3×3 layers.
        let full = quick
            ? [(3, 32, 3, 2, 224), (32, 32, 3, 1, 56), (128, 128, 3, 1, 14), (64, 64, 3, 2, 56)]
            : [(3, 32, 3, 2, 224), (3, 24, 3, 2, 224), (3, 64, 7, 2, 224), (3, 16, 3, 2, 112), (16, 16, 3, 1, 112),
               (32, 32, 3, 1, 56), (64, 64, 3, 1, 56), (64, 128, 3, 2, 56), (128, 128, 3, 1, 28), (128, 256, 3, 2, 28),
               (256, 256, 3, 1, 14), (512, 512, 3, 1, 7), (64, 64, 3, 2, 56), (24, 48, 5, 1, 28), (96, 96, 3, 1, 14),
               // Few outputs from many inputs (DenseNet's growth layers, detection heads), and the reverse.
               (128, 32, 3, 1, 56), (128, 32, 3, 1, 28), (128, 32, 3, 1, 14), (128, 32, 3, 1, 7), (256, 64, 3, 1, 28), (32, 128, 3, 1, 28),
               // Large windows: an 11×11 stem at stride 4, and 5×5 layers of many channels
               // (classic networks' second layers, Inception's 5×5 branches).
               (3, 64, 11, 4, 224), (64, 192, 5, 1, 28), (32, 96, 5, 1, 28), (128, 128, 5, 1, 14), (48, 64, 5, 1, 56),
               // Large 3×3 layers, 0.46 G multiply-accumulates each (VGG's, full-convolution MobileNets').
               (128, 128, 3, 1, 56), (256, 256, 3, 1, 28), (512, 512, 3, 1, 14), (1024, 1024, 3, 1, 7)]
        for (input, output, kernel, stride, size) in full where fits(input * output * kernel * kernel * size * size / (stride * stride)) {
            layer("conv\(kernel)x\(kernel)/\(stride) \(input)→\(output) at \(size)", input: [input, size, size],
                  #""op": "conv2d", "out": \#(output), "kernel": \#(kernel), "stride": \#(stride), "padding": \#(kernel / 2), "bias": false"#,
                  then: ["batchnorm", "relu"])
        }
        // Depthwise: 3×3 and 5×5, strides 1 and 2, with a fused activation.
        let depthwiseChannels = quick ? [32, 144, 576] : [16, 32, 96, 144, 192, 384, 576, 960, 1152]
        for channels in depthwiseChannels {
            for size in maps where channels * size * size <= 2_000_000 {
                for (kernel, stride) in quick ? [(3, 1), (5, 2)] : [(3, 1), (3, 2), (5, 1), (5, 2)] {
                    layer("depthwise\(kernel)x\(kernel)/\(stride) \(channels) at \(size)", input: [channels, size, size],
                          #""op": "conv2d", "out": \#(channels), "kernel": \#(kernel), "stride": \#(stride), "padding": \#(kernel / 2), "groups": \#(channels), "bias": false"#,
                          then: ["batchnorm", "relu6"])
                }
            }
        }
        // Grouped: ShuffleNet V1's and ResNeXt's, and 3×3 ones of 8 to 16 channels a group
        // (RegNet's), at strides 1 and 2.
        let grouped = quick
            ? [(240, 3, 1), (128, 32, 3)]
            : [(240, 3, 1), (480, 3, 1), (240, 8, 1), (128, 32, 3), (256, 32, 3), (96, 4, 3), (64, 8, 3), (128, 8, 3), (256, 16, 3)]
        for (channels, groups, kernel) in grouped {
            for size in quick ? [14, 28] : [7, 14, 28, 56] where fits(channels * channels / groups * kernel * kernel * size * size) {
                for stride in kernel > 1 && size > 7 && !quick ? [1, 2] : [1] {
                    layer("grouped conv g\(groups) \(channels) k\(kernel)/\(stride) at \(size)", input: [channels, size, size],
                          #""op": "conv2d", "out": \#(channels), "kernel": \#(kernel), "stride": \#(stride), "padding": \#(kernel / 2), "groups": \#(groups), "bias": false"#,
                          then: ["batchnorm", "relu"])
                }
            }
        }
        // 1×1 convolutions and the depthwise ones that alone read them, which the executor
        // merges when both clamp (`MergedPair`): MobileNetV2's expansions (relu6), ShuffleNet
        // V2's branches (relu, then none), MnasNet's and MobileNetV3's 5×5 (relu), and
        // MobileNetV1's pointwise layers with the next block's depthwise one (relu6).
        let pairs = quick
            ? [(16, 96, 3, "relu6", "relu6"), (96, 576, 3, "relu6", "relu6"), (116, 116, 3, "relu", "")]
            : [(16, 96, 3, "relu6", "relu6"), (24, 144, 3, "relu6", "relu6"), (32, 192, 3, "relu6", "relu6"), (64, 384, 3, "relu6", "relu6"),
               (96, 576, 3, "relu6", "relu6"), (160, 960, 3, "relu6", "relu6"), (58, 58, 3, "relu", ""), (116, 116, 3, "relu", ""),
               (232, 232, 3, "relu", ""), (24, 72, 5, "relu", "relu"), (40, 240, 5, "relu", "relu"), (80, 480, 5, "relu", "relu"),
               (64, 128, 3, "relu6", "relu6"), (128, 256, 3, "relu6", "relu6"), (256, 512, 3, "relu6", "relu6"), (512, 512, 3, "relu6", "relu6"),
               (512, 1024, 3, "relu6", "relu6")]
        for (input, expanded, kernel, first, second) in pairs {
            let activations = [(first, "a"), (second, "b")].map { $0.0.isEmpty ? "" : #", {"name": "NAME_\#($0.1)", "op": "\#($0.0)"}"# }
            for size in maps where expanded * size * size <= 2_000_000 && fits(input * expanded * size * size) {
                for stride in size > 7 ? [1, 2] : [1] {
                    let pointwise = #"{"name": "NAME", "op": "conv2d", "out": \#(expanded), "kernel": 1, "bias": false, "inputs": "input"}, "#
                        + #"{"name": "NAME_bn", "op": "batchnorm"}"# + activations[0]
                    let depthwise = #", {"name": "NAME_dw", "op": "conv2d", "out": \#(expanded), "kernel": \#(kernel), "stride": \#(stride), "#
                        + #""padding": \#(kernel / 2), "groups": \#(expanded), "bias": false}, {"name": "NAME_dwbn", "op": "batchnorm"}"# + activations[1]
                    layers("conv1x1+depthwise\(kernel)x\(kernel)/\(stride) \(input)→\(expanded) at \(size)", input: [input, size, size], pointwise + depthwise)
                }
            }
        }
        // Squeeze-and-excitation's 1×1 convolutions on a pooled vector, and classifiers.
        for (input, output) in quick ? [(576, 24), (24, 576)] : [(96, 4), (4, 96), (480, 20), (20, 480), (1152, 48), (48, 1152), (960, 240), (240, 960)] {
            layer("squeeze conv \(input)→\(output)", input: [input, 1, 1], #""op": "conv2d", "out": \#(output), "kernel": 1, "bias": true"#,
                  then: [output < input ? "swish" : "sigmoid"])
        }
        for (input, output) in quick ? [(1280, 1000), (4096, 4096)] : [(1024, 1000), (1280, 1000), (2048, 1000), (512, 10), (4096, 4096), (4096, 1000), (9216, 4096), (576, 1024)] {
            layer("linear \(input)→\(output)", input: [input], #""op": "linear", "out": \#(output)"#)
        }
        // Transformers' and ConvNeXt's: linear layers over tokens, attention's products and
        // softmax, and 7×7 depthwise convolutions.
        for (tokens, features, output) in quick ? [(197, 768, 768), (3136, 96, 384)]
                                                : [(197, 768, 768), (197, 768, 3072), (197, 3072, 768), (3136, 96, 384), (3136, 384, 96), (49, 768, 3072), (784, 192, 768)] {
            // The expansions with their GELU fused, as transformers' and ConvNeXt's MLPs run
            // them: with its per-element time measured on a 1×1 convolution (step 3) added
            // to bare samples, ConvNeXt-T's 18 expansions were predicted at 0.76 of their time.
            layer("linear \(tokens)×\(features)→\(output)", input: [tokens, features], #""op": "linear", "out": \#(output)"#,
                  then: output > features ? ["gelu"] : [])
        }
        for (heads, tokens, width) in quick ? [(12, 197, 64)] : [(12, 197, 64), (3, 196, 32), (6, 49, 64), (4, 64, 32)] {
            layers("attention \(heads)×\(tokens)×\(width)", input: [heads, tokens, width],
                   #"{"name": "NAME_t", "op": "transpose", "perm": [0, 2, 1], "inputs": "input"}, {"name": "NAME_s", "op": "matmul", "inputs": ["input", "NAME_t"]}, {"name": "NAME_p", "op": "softmax", "axis": 2}, {"name": "NAME", "op": "matmul", "inputs": ["NAME_p", "input"]}"#)
        }
        for (channels, size) in quick ? [(96, 56)] : [(96, 56), (192, 28), (384, 14), (768, 7)] {
            layer("depthwise7x7 \(channels) at \(size)", input: [channels, size, size],
                  #""op": "conv2d", "out": \#(channels), "kernel": 7, "padding": 3, "groups": \#(channels), "bias": true"#)
        }
        // The cheap ops, by size.
        // The last two are larger than a core's L2 cache, as the early layers' maps are; the
        // first three as small as ShuffleNet V2 ×0.5's (37–150 KB): below the grid, a
        // layer's time was the smallest sample's scaled down plus the floor, two to three
        // times what such concatenations and shuffles take.
        let sizes = quick ? [(32, 28), (256, 14)]
            : [(192, 7), (96, 14), (48, 28), (16, 112), (32, 56), (64, 28), (256, 14), (1024, 7), (96, 56), (64, 112), (256, 56)]
        let unary = ["relu", "relu6", "sigmoid", "swish", "hardswish", "gelu", "tanh"]
        for (channels, size) in sizes {
            let shape = [channels, size, size]
            let area = "\(channels)×\(size)²"
            for name in quick ? ["relu", "swish", "hardswish"] : unary {
                layer("\(name) \(area)", input: shape, #""op": "\#(name)""#)
            }
            layer("batchnorm \(area)", input: shape, #""op": "batchnorm""#)
            layer("maxpool 3/2 \(area)", input: shape, #""op": "maxpool", "kernel": 3, "stride": 2, "padding": 1"#)
            if !quick {
                // Stride 1: Inception's pooling branch, SPP's 5×5 pools. Four and more times
                // the windows of a stride-2 pool over the same bytes.
                layer("maxpool 3/1 \(area)", input: shape, #""op": "maxpool", "kernel": 3, "stride": 1, "padding": 1"#)
                layer("maxpool 5/1 \(area)", input: shape, #""op": "maxpool", "kernel": 5, "stride": 1, "padding": 2"#)
            }
            layer("avgpool 2/2 \(area)", input: shape, #""op": "avgpool", "kernel": 2, "stride": 2"#)
            layer("global avgpool \(area)", input: shape, #""op": "global_avgpool""#)
            layer("pad \(area)", input: shape, #""op": "pad", "pads": [1, 1]"#)
            layer("upsample \(area)", input: shape, #""op": "upsample", "mode": "nearest", "scale": 2"#)
            if channels % 2 == 0 { layer("channel shuffle \(area)", input: shape, #""op": "channel_shuffle", "groups": 2"#) }
            layers("add \(area)", input: shape,
                   #"{"name": "NAME_a", "op": "relu", "inputs": "input"}, {"name": "NAME_b", "op": "sigmoid", "inputs": "input"}, {"name": "NAME", "op": "add", "inputs": ["NAME_a", "NAME_b"]}"#)
            layers("mul by channel \(area)", input: shape,
                   #"{"name": "NAME_g", "op": "global_avgpool", "inputs": "input"}, {"name": "NAME", "op": "mul", "inputs": ["input", "NAME_g"]}"#)
            layers("concat \(area)", input: shape,
                   #"{"name": "NAME_a", "op": "relu", "inputs": "input"}, {"name": "NAME", "op": "concat", "inputs": ["input", "NAME_a"]}"#)
            layer("layernorm \(channels)×\(size * size)", input: [size * size, channels], #""op": "layernorm""#)
            layer("transpose \(area)", input: shape, #""op": "transpose", "perm": [1, 2, 0]"#)
        }
        return points
    }

    /// About `limit` points of `grid`: the first of each kind of layer (the label's first
    /// word), then evenly spaced ones while there is room.
    static func select(_ grid: [Point], _ limit: Int) -> [Point] {
        var kinds = Set<String>(), chosen: [Int] = []
        for (index, point) in grid.enumerated() {
            let kind = String(point.label.prefix { $0 != " " })
            if kinds.insert(kind).inserted { chosen.append(index) }
        }
        let room = max(limit - chosen.count, 0)
        if room > 0 {
            let step = max(1, grid.count / room)
            chosen += stride(from: 0, to: grid.count, by: step).prefix(room)
        }
        return Array(Set(chosen)).sorted().map { grid[$0] }
    }

    /// Grid points stay under 1 G multiply-accumulates each, so that calibration takes minutes.
    private static func fits(_ macs: Int) -> Bool { macs <= 1_000_000_000 }
}
