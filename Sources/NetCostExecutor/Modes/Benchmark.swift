import NetCost

/// The roofline's verdict on one layer: the best this machine could do at the layer's
/// arithmetic intensity, `min(peak, intensity × bandwidth)`, and the time that implies.
public struct RooflineEstimate: Sendable, Equatable {
    public let attainableGFLOPS: Double
    /// True when the memory roof is the lower one.
    public let memoryBound: Bool
    public let seconds: Double
}

/// One layer of a timed run.
public struct LayerTiming: Sendable, Equatable {
    public let index: Int
    public let name: String
    public let op: String
    /// The output's whole shape, batch axis included.
    public let outputShape: [Int]
    /// The median over the repetitions.
    public let seconds: Double
    /// Symbolic MACs, flops and memory access bytes (`memory_access × 4`).
    public let macs: Int
    public let flops: Int
    public let bytes: Int
    public let roofline: RooflineEstimate?
    /// For two layers computed as one (a 1×1 convolution and the depthwise layer after it,
    /// in row bands; a convolution and the residual add after it): the other layer. The
    /// first layer's `seconds` cover both; the second's are zero.
    public let merge: Merge?

    public struct Merge: Sendable, Equatable {
        public let partner: String
        public let isFirst: Bool
        public let how: How
        public enum How: String, Sendable {
            case rowBands = "row bands"
            case residualEpilogue = "residual epilogue"
        }
        /// The partner's flops and bytes, which the first layer's rates include.
        public let partnerFlops: Int
        public let partnerBytes: Int
    }

    /// Achieved GFLOP/s: symbolic flops over the measured time (a merged pair's first
    /// layer: the pair's flops over the pair's time; its second: none).
    public var gflops: Double { seconds > 0 ? Double(pairFlops) / seconds / 1e9 : 0 }
    /// Achieved GB/s: memory access bytes over the measured time.
    public var gbps: Double { seconds > 0 ? Double(pairBytes) / seconds / 1e9 : 0 }
    /// The flops and bytes the layer's time covers: a merged pair's for its first layer, none for its second.
    var pairFlops: Int { merge.map { $0.isFirst ? flops &+ $0.partnerFlops : 0 } ?? flops }
    var pairBytes: Int { merge.map { $0.isFirst ? bytes &+ $0.partnerBytes : 0 } ?? bytes }
    /// Arithmetic intensity, flops per byte; 0 for a layer that moves nothing.
    public var intensity: Double { bytes > 0 ? Double(flops) / Double(bytes) : 0 }
}

/// One timed pass over the graph, as a trace shows it.
public struct TimedPass: Sendable, Equatable {
    /// When the pass began, in seconds after the first timed pass began.
    public let start: Double
    /// The whole pass.
    public let seconds: Double
    /// Per layer of the graph (by index): when it began, in seconds after the pass
    /// began, and how long it took (zero for the second layer of a merged pair).
    public let layerStarts: [Double]
    public let layerSeconds: [Double]
}

/// The outcome of `netcost bench`.
public struct BenchmarkReport: Sendable, Equatable {
    public let model: String
    public let repetitions: Int
    public let layers: [LayerTiming]
    /// The median of whole passes over the graph.
    public let totalSeconds: Double
    /// The roofline's machine, when one was given.
    public let machine: MachineProfile?
    /// The vector width's kernels that ran.
    public let kernels: KernelSet
    /// Every timed pass in order, when the run was asked to keep them (for a trace); else empty.
    public let passes: [TimedPass]

    /// Symbolic flops of the whole graph.
    public var totalFlops: Int { layers.reduce(0) { $0 &+ $1.flops } }

    /// With `keepPasses`: the `quantile` (0 fastest, 0.5 median) of layer `index`'s times
    /// over the passes, or of the whole pass's when `index` is nil. The host's noise only
    /// ever slows a pass, so a low quantile is the steadier figure.
    public func quantile(_ quantile: Double, layer index: Int? = nil) -> Double {
        let values = passes.map { pass in index.map { pass.layerSeconds[$0] } ?? pass.seconds }.sorted()
        return values.isEmpty ? 0 : TimingSpread.quantile(values, quantile)
    }

    public var json: JSONValue {
        var top: [(key: String, value: JSONValue)] = [
            ("model", .string(model)), ("repetitions", .integer(repetitions)),
            ("total_seconds", .number(totalSeconds)), ("total_flops", .integer(totalFlops)), ("kernels", .string(kernels.name)),
        ]
        if let machine {
            top.append(("machine", .object(JSONObject([("peak_gflops", .number(machine.peakGFLOPS)),
                                                      ("bandwidth_gbps", .number(machine.bandwidthGBps)),
                                                      ("cores", .integer(machine.cores))]))))
        }
        top.append(("layers", .array(layers.map { layer in
            var entries: [(key: String, value: JSONValue)] = [
                ("name", .string(layer.name)), ("op", .string(layer.op)), ("seconds", .number(layer.seconds)),
                ("flops", .integer(layer.flops)), ("bytes", .integer(layer.bytes)), ("gflops", .number(layer.gflops)),
                ("gbps", .number(layer.gbps)), ("intensity", .number(layer.intensity)),
            ]
            if let merge = layer.merge {
                entries.append((merge.isFirst ? "merged_with" : "merged_into", .string(merge.partner)))
                entries.append(("merge", .string(merge.how.rawValue)))
            }
            if let roofline = layer.roofline {
                entries.append(("roofline", .object(JSONObject([
                    ("attainable_gflops", .number(roofline.attainableGFLOPS)), ("bound", .string(roofline.memoryBound ? "memory" : "compute")),
                    ("seconds", .number(roofline.seconds)),
                ]))))
            }
            return .object(JSONObject(entries))
        })))
        return .object(JSONObject(top))
    }
}

/// Times a graph with the fast kernels (no counting): every layer's median latency over
/// `repetitions` passes after `warmup` untimed ones, beside what the roofline allows.
public enum Benchmark {
    /// `keepPasses` keeps every timed pass's layer times in the report (`passes`), for
    /// `chromeTrace`; they take 16 bytes per layer and pass. With a `scrubber`, each
    /// pass is preceded by a scrub and a read of the pooled activation buffers (both
    /// untimed), so that each pass finds its weights out of cache and its buffers in, as a
    /// layer inside a large network does.
    public static func run(_ graph: Graph, repetitions: Int = 10, warmup: Int = 2, seed: UInt64 = 0,
                           limits: RunLimits = RunLimits(), machine: MachineProfile? = nil,
                           kernels: KernelSet? = nil, keepPasses: Bool = false,
                           scrubber: CacheScrubber? = nil) throws(InputError) -> BenchmarkReport {
        guard repetitions >= 1 else { throw InputError("must be at least 1", field: "repetitions") }
        guard warmup >= 0 else { throw InputError("must not be negative", field: "warmup") }
        // Validated first: Analysis trusts a graph's indices and shapes.
        try PreparedGraph.validate(graph)
        let analysis = try Analysis(graph)
        let prepared = try PreparedGraph(graph, seed: seed, limits: limits, totals: analysis.totals, kernels: kernels)
        // Weights and the graph's input out of cache; the activation buffers, which a
        // network reuses soon after they are freed, back in.
        func scrub() {
            guard let scrubber else { return }
            scrubber.scrub()
            prepared.warmActivations()
        }
        for _ in 0..<warmup {
            scrub()
            _ = prepared.run()
        }
        var perLayer = Array(repeating: [Double](), count: graph.layers.count)
        var totals: [Double] = []
        var passes: [TimedPass] = []
        var firstBegan: UInt64?
        for _ in 0..<repetitions {
            scrub()
            let result = prepared.run()
            for (index, seconds) in result.seconds.enumerated() { perLayer[index].append(seconds) }
            totals.append(result.totalSeconds)
            if keepPasses {
                let origin = firstBegan ?? result.began
                firstBegan = origin
                passes.append(TimedPass(start: Double(result.began - origin) * 1e-9, seconds: result.totalSeconds,
                                        layerStarts: result.starts, layerSeconds: result.seconds))
            }
        }
        var merges: [Int: LayerTiming.Merge] = [:]
        for pair in prepared.merges.compactMap({ $0 }) where MergedPair.enabled {
            let first = analysis.costs[pair.first], second = analysis.costs[pair.second]
            let bytes = MemoryLayout<Float>.stride
            merges[pair.first] = LayerTiming.Merge(partner: graph.layers[pair.second].name, isFirst: true, how: pair.how,
                                                   partnerFlops: second.flops, partnerBytes: second.memoryAccess &* bytes)
            merges[pair.second] = LayerTiming.Merge(partner: graph.layers[pair.first].name, isFirst: false, how: pair.how,
                                                    partnerFlops: first.flops, partnerBytes: first.memoryAccess &* bytes)
        }
        var layers: [LayerTiming] = []
        for (index, layer) in graph.layers.enumerated() where layer.operation.rules.family != .source {
            let cost = analysis.costs[index]
            let seconds = median(perLayer[index])
            let bytes = cost.memoryAccess &* MemoryLayout<Float>.stride
            var roofline: RooflineEstimate?
            if let device = machine?.rooflineDevice {
                let intensity = bytes > 0 ? Double(cost.flops) / Double(bytes) : Double.infinity
                let attainable = device.attainable(intensity: intensity)
                roofline = RooflineEstimate(attainableGFLOPS: attainable, memoryBound: device.isMemoryBound(intensity: intensity),
                                            seconds: attainable > 0 ? Double(cost.flops) / attainable / 1e9 : 0)
            }
            layers.append(LayerTiming(index: index, name: layer.name, op: layer.operation.kind, outputShape: layer.outputShape.dims,
                                      seconds: seconds, macs: cost.macs, flops: cost.flops, bytes: bytes, roofline: roofline, merge: merges[index]))
        }
        return BenchmarkReport(model: graph.name, repetitions: repetitions, layers: layers, totalSeconds: median(totals), machine: machine,
                               kernels: prepared.kernels, passes: passes)
    }

    /// Median whole-pass times with merged pairs (`MergedPair`) and without, from passes
    /// that alternate in one process, so that both meet the same machine.
    public static func mergeComparison(_ graph: Graph, repetitions: Int = 30, warmup: Int = 2, seed: UInt64 = 0,
                                       kernels: KernelSet? = nil) throws(InputError) -> (merged: Double, apart: Double, pairs: Int) {
        try PreparedGraph.validate(graph)
        let prepared = try PreparedGraph(graph, seed: seed, limits: RunLimits(), kernels: kernels)
        for _ in 0..<warmup {
            _ = prepared.run(merged: true)
            _ = prepared.run(merged: false)
        }
        var merged: [Double] = [], apart: [Double] = []
        for _ in 0..<max(1, repetitions) {
            merged.append(prepared.run(merged: true).totalSeconds)
            apart.append(prepared.run(merged: false).totalSeconds)
        }
        return (median(merged), median(apart), prepared.merges.compactMap { $0 }.count)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
