import Foundation

/// One layer's predicted latency.
public struct LayerPrediction: Sendable, Equatable {
    public enum Basis: String, Sendable {
        /// Interpolated between the profile's micro-benchmarks of the same class.
        case calibrated
        /// The roofline's time: no profile, or none of this class in it.
        case roofline
        /// A view or input: no kernel runs.
        case free
        /// An op netcost has no rules for.
        case unknown
        /// The second layer of a merged pair (`MergedPair`): its time is in the first's.
        case merged
    }

    public let name: String
    public let op: String
    public let latencyClass: LatencyClass
    public let seconds: Double
    /// What the roofline allows: max(FLOPs / peak, bytes / bandwidth).
    public let rooflineSeconds: Double
    public let basis: Basis
    /// On the first layer of a merged pair, the second's name: `seconds` is the pair's.
    public let mergedWith: String?
}

/// Whether a network's weights and maps wait in the last-level cache from one pass to
/// the next. The calibration's samples meet every cache scrubbed, as in a network whose
/// weights and maps outgrow the cache; a small network, run again and again, finds them in
/// the last-level cache, which each sample's warm time measures (ShuffleNet V2 ×0.5, 7.3
/// MB of weights and arena, ran 10% slower with the caches scrubbed before each pass;
/// MobileNetV2, 20 MB, 2%: docs/latency.md).
public struct CacheResidency: Sendable, Equatable {
    /// The weights the layers read, at float32.
    public let weightBytes: Int
    /// The activation arena of one pass (the greedy plan of `netcost memory`) at float32.
    public let activationBytes: Int
    public let lastLevelCacheBytes: Int
    /// The share of the network counted as cached: 1 while weights and arena take at most
    /// a quarter of the cache, none from three quarters on (other data, other programs and
    /// the cache's own policy share the rest), linear between; 0 when the cache is unknown.
    public let fraction: Double

    public init(_ analysis: Analysis, lastLevelCacheBytes: Int) {
        // The layers' weight reads at four bytes, as each layer's features count them.
        var elements = 0
        for cost in analysis.costs {
            let (sum, overflow) = elements.addingReportingOverflow(cost.weightReads)
            elements = overflow ? Int.max : sum
        }
        let (bytes, tooMany) = elements.multipliedReportingOverflow(by: MemoryLayout<Float>.stride)
        let weights = tooMany ? Int.max : bytes
        weightBytes = weights
        let schedule = try? MemorySchedule(analysis.graph, bytesPerElement: MemoryLayout<Float>.stride)
        activationBytes = schedule.flatMap { try? ArenaPlan($0, strategy: .greedyBySize) }.map(\.bytes) ?? schedule?.peakBytes ?? Int.max
        self.lastLevelCacheBytes = lastLevelCacheBytes
        let (footprint, overflow) = weights.addingReportingOverflow(activationBytes)
        guard lastLevelCacheBytes > 0, !overflow else {
            fraction = 0
            return
        }
        let cache = Double(lastLevelCacheBytes)
        fraction = min(max((0.75 * cache - Double(footprint)) / (0.5 * cache), 0), 1)
    }
}

/// A network's predicted latency (`netcost predict`).
public struct LatencyPrediction: Sendable, Equatable {
    public let model: String
    public let threads: Int
    public let batch: Int
    public let layers: [LayerPrediction]
    /// The layers' times plus the time a pass spends between layers.
    public let totalSeconds: Double
    public let rooflineSeconds: Double
    /// Whether a profile was used (else every time is the roofline's).
    public let calibrated: Bool
    public let device: RooflineDevice
    /// Whether weights and maps stay cached between passes; nil without a profile.
    public let residency: CacheResidency?

    /// Neighbours each prediction interpolates between.
    static let neighbours = 4

    public init(_ analysis: Analysis, model: String, profile: LatencyProfile?, threads: Int, device: RooflineDevice) {
        self.model = model
        self.threads = threads
        batch = analysis.graph.batch
        self.device = device
        let calibration = profile?.calibration(threads: threads)
        let residency = profile.map { CacheResidency(analysis, lastLevelCacheBytes: $0.lastLevelCacheBytes) }
        self.residency = residency
        let graph = analysis.graph
        let pairs = MergedPair.enabled ? MergedPair.find(graph) : []
        var layers: [LayerPrediction] = []
        var total = 0.0, roofline = 0.0, running = 0
        var secondLayersOfPairs = Set<Int>()
        for (index, layer) in graph.layers.enumerated() {
            var features = LatencyFeatures(analysis, layer: index)
            let rooflineTime = features.rooflineSeconds(device)
            roofline += rooflineTime
            if secondLayersOfPairs.contains(index) {
                layers.append(LayerPrediction(name: layer.name, op: layer.operation.kind, latencyClass: features.latencyClass,
                                              seconds: 0, rooflineSeconds: rooflineTime, basis: .merged, mergedWith: nil))
                continue
            }
            var partner: Int?
            if let calibration, let pair = pairs.indices.contains(index) ? pairs[index] : nil,
               let merged = Self.mergedFeatures(pair, analysis, calibration) {
                features = merged
                partner = pair.second
                secondLayersOfPairs.insert(pair.second)
            }
            let seconds: Double, basis: LayerPrediction.Basis
            switch features.latencyClass {
            case .free: (seconds, basis) = (0, .free)
            case .unknown: (seconds, basis) = (0, .unknown)
            default:
                if let calibration, let interpolated = Self.interpolate(features, calibration, device: device, resident: residency?.fraction ?? 0) {
                    (seconds, basis) = (interpolated, .calibrated)
                } else {
                    (seconds, basis) = (rooflineTime, .roofline)
                }
                // The executor's loop pays its between-layer time once per kernel it runs.
                running += 1
            }
            layers.append(LayerPrediction(name: layer.name, op: layer.operation.kind, latencyClass: features.latencyClass,
                                          seconds: seconds, rooflineSeconds: rooflineTime, basis: basis,
                                          mergedWith: partner.map { graph.layers[$0].name }))
            total += seconds
        }
        self.layers = layers
        totalSeconds = total + Double(running) * (calibration?.perLayerOverhead ?? 0)
        rooflineSeconds = roofline
        calibrated = calibration != nil
    }

    /// What the model times for the first layer of a merged pair, when the profile has
    /// measured such pairs: a 1×1 and depthwise pair as one layer of its own class; a
    /// convolution with the add's operand added as it stores, as the convolution with one
    /// more epilogue (`residual`, per output element). Nil when the profile has not: the
    /// two layers are then predicted apart, their times summed.
    static func mergedFeatures(_ pair: MergedPair, _ analysis: Analysis, _ calibration: LatencyCalibration) -> LatencyFeatures? {
        let measured = switch pair.kind {
        case .pointwiseDepthwise: calibration.samples.contains { $0.features.latencyClass == .pointwiseDepthwise }
        case .residual: calibration.epilogueSeconds[LatencyCalibration.residual] != nil
        }
        return measured ? LatencyFeatures(analysis, pair: pair) : nil
    }

    /// The time of a layer from the samples of its class nearest to it: each neighbour's
    /// time, less the floor and its fused activation's time, scaled by the ratio of the two
    /// layers' roofline times (their FLOPs or their bytes, whichever bounds them), plus
    /// this layer's activation's time, averaged
    /// (geometrically, weighted by closeness). In a network counted as `resident` in the
    /// last-level cache (`CacheResidency`), that share of the time goes at the neighbours'
    /// warm ratio (their time with that cache warm over their time with it scrubbed),
    /// averaged the same way. Nil when the class was not calibrated.
    static func interpolate(_ features: LatencyFeatures, _ calibration: LatencyCalibration, device: RooflineDevice,
                            resident: Double) -> Double? {
        let sameClass = calibration.samples.filter { $0.features.latencyClass == features.latencyClass }
        guard !sameClass.isEmpty else { return nil }
        // Sizes interpolate; the op and its window's geometry do not (a tanh is a hundred
        // times a ReLU over the same map, a stride-1 pool four times the windows of a
        // stride-2 one over the same bytes): samples of the same op, then of the same
        // kernel and stride too, when the grid has any.
        let sameOp = sameClass.filter { $0.features.op == features.op }
        let pool = sameOp.isEmpty ? sameClass : sameOp
        let sameWindow = pool.filter { $0.features.kernelArea == features.kernelArea && $0.features.stride == features.stride }
        let candidates = sameWindow.isEmpty ? pool : sameWindow
        let point = features.coordinates
        let nearest = candidates.map { sample -> (distance: Double, sample: LatencySample) in
            let distance = zip(point, sample.features.coordinates).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            return (distance, sample)
        }.sorted { $0.distance < $1.distance }.prefix(neighbours)
        let floor = calibration.floorSeconds
        var weightedLog = 0.0, weightedWarmLog = 0.0, weights = 0.0
        for (distance, sample) in nearest {
            let sampleWork = sample.features.rooflineSeconds(device)
            let ratio = sampleWork > 0 ? features.rooflineSeconds(device) / sampleWork : 1
            // The neighbour without its fused activation, scaled, and this layer's activation.
            let bare = max(sample.seconds - calibration.epilogueTime(sample.features), sample.seconds / 5)
            let estimate = floor + max(bare - floor, 0) * ratio + calibration.epilogueTime(features)
            let weight = 1 / (distance + 0.05)
            weightedLog += weight * log(max(estimate, 1e-9))
            weightedWarmLog += weight * log(max(sample.warmRatio, 1e-3))
            weights += weight
        }
        let cold = max(exp(weightedLog / weights), floor)
        return cold * (1 - resident * (1 - exp(weightedWarmLog / weights)))
    }

    /// `{"model", "calibrated", "threads", "batch", "total_seconds", "roofline_seconds",
    /// "machine", "cache": {"weight_bytes", "activation_bytes", "last_level_cache_bytes",
    /// "resident"} (null without a profile), "layers": [{"name", "op", "class", "seconds", "roofline_seconds", "basis", "merged_with"}]}`:
    /// the shape `report --timings` reads.
    public var json: JSONValue {
        .object(JSONObject([
            ("model", .string(model)), ("calibrated", .bool(calibrated)), ("threads", .integer(threads)), ("batch", .integer(batch)),
            ("total_seconds", .number(totalSeconds)), ("roofline_seconds", .number(rooflineSeconds)),
            ("machine", .object(JSONObject([("peak_gflops", .number(device.peakGFLOPS)), ("bandwidth_gbps", .number(device.bandwidthGBps))]))),
            ("cache", residency.map { residency in
                .object(JSONObject([
                    ("weight_bytes", .integer(residency.weightBytes)), ("activation_bytes", .integer(residency.activationBytes)),
                    ("last_level_cache_bytes", .integer(residency.lastLevelCacheBytes)), ("resident", .number(residency.fraction)),
                ]))
            } ?? .null),
            ("layers", .array(layers.map { layer in
                .object(JSONObject([
                    ("name", .string(layer.name)), ("op", .string(layer.op)), ("class", .string(layer.latencyClass.rawValue)),
                    ("seconds", .number(layer.seconds)), ("roofline_seconds", .number(layer.rooflineSeconds)),
                    ("basis", .string(layer.basis.rawValue)), ("merged_with", layer.mergedWith.map { .string($0) } ?? .null),
                ]))
            })),
        ]))
    }

    /// The layers' predictions as the visual report's timings, labelled as predicted.
    public var timings: LayerTimings {
        var seconds: [String: Double] = [:]
        for layer in layers where layer.basis != .unknown { seconds[layer.name] = layer.seconds }
        return LayerTimings(seconds: seconds, totalSeconds: totalSeconds, machine: device, source: calibrated ? .predicted : .roofline)
    }
}
