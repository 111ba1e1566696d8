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
    /// The median over the repetitions.
    public let seconds: Double
    /// Symbolic flops and memory access bytes (`memory_access × 4`).
    public let flops: Int
    public let bytes: Int
    public let roofline: RooflineEstimate?
    /// For a 1×1 convolution and the depthwise layer that alone reads it, computed together
    /// in row bands: the other layer. The first layer's `seconds` cover both; the second's
    /// are zero.
    public let band: Band?

    public struct Band: Sendable, Equatable {
        public let partner: String
        public let isFirst: Bool
        /// The partner's flops and bytes, which the first layer's rates include.
        public let partnerFlops: Int
        public let partnerBytes: Int
    }

    /// Achieved GFLOP/s: symbolic flops over the measured time (a band's first layer: the
    /// pair's flops over the pair's time; its second: none).
    public var gflops: Double { seconds > 0 ? Double(pairFlops) / seconds / 1e9 : 0 }
    /// Achieved GB/s: memory access bytes over the measured time.
    public var gbps: Double { seconds > 0 ? Double(pairBytes) / seconds / 1e9 : 0 }
    private var pairFlops: Int { band.map { $0.isFirst ? flops &+ $0.partnerFlops : 0 } ?? flops }
    private var pairBytes: Int { band.map { $0.isFirst ? bytes &+ $0.partnerBytes : 0 } ?? bytes }
    /// Arithmetic intensity, flops per byte; 0 for a layer that moves nothing.
    public var intensity: Double { bytes > 0 ? Double(flops) / Double(bytes) : 0 }
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

    /// Symbolic flops of the whole graph.
    public var totalFlops: Int { layers.reduce(0) { $0 &+ $1.flops } }

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
            if let band = layer.band { entries.append((band.isFirst ? "banded_with" : "computed_in_bands_of", .string(band.partner))) }
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
    public static func run(_ graph: Graph, repetitions: Int = 10, warmup: Int = 2, seed: UInt64 = 0,
                           limits: RunLimits = RunLimits(), machine: MachineProfile? = nil,
                           kernels: KernelSet? = nil) throws(InputError) -> BenchmarkReport {
        guard repetitions >= 1 else { throw InputError("must be at least 1", field: "repetitions") }
        guard warmup >= 0 else { throw InputError("must not be negative", field: "warmup") }
        // Validated first: Analysis trusts a graph's indices and shapes.
        try PreparedGraph.validate(graph)
        let analysis = try Analysis(graph)
        let prepared = try PreparedGraph(graph, seed: seed, limits: limits, totals: analysis.totals, kernels: kernels)
        for _ in 0..<warmup { _ = prepared.run() }
        var perLayer = Array(repeating: [Double](), count: graph.layers.count)
        var totals: [Double] = []
        for _ in 0..<repetitions {
            let result = prepared.run()
            for (index, seconds) in result.seconds.enumerated() { perLayer[index].append(seconds) }
            totals.append(result.totalSeconds)
        }
        var bands: [Int: LayerTiming.Band] = [:]
        for pair in prepared.bands.compactMap({ $0 }) where PointwiseDepthwise.enabled {
            let first = analysis.costs[pair.pointwise], second = analysis.costs[pair.depthwise]
            let bytes = MemoryLayout<Float>.stride
            bands[pair.pointwise] = LayerTiming.Band(partner: graph.layers[pair.depthwise].name, isFirst: true,
                                                     partnerFlops: second.flops, partnerBytes: second.memoryAccess &* bytes)
            bands[pair.depthwise] = LayerTiming.Band(partner: graph.layers[pair.pointwise].name, isFirst: false,
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
            layers.append(LayerTiming(index: index, name: layer.name, op: layer.operation.kind, seconds: seconds,
                                      flops: cost.flops, bytes: bytes, roofline: roofline, band: bands[index]))
        }
        return BenchmarkReport(model: graph.name, repetitions: repetitions, layers: layers, totalSeconds: median(totals), machine: machine,
                               kernels: prepared.kernels)
    }

    /// Median whole-pass times with banded pairs (`PointwiseDepthwise`) and without, from
    /// passes that alternate in one process, so that both meet the same machine.
    public static func bandingComparison(_ graph: Graph, repetitions: Int = 30, warmup: Int = 2, seed: UInt64 = 0,
                                         kernels: KernelSet? = nil) throws(InputError) -> (banded: Double, apart: Double, pairs: Int) {
        try PreparedGraph.validate(graph)
        let prepared = try PreparedGraph(graph, seed: seed, limits: RunLimits(), kernels: kernels)
        for _ in 0..<warmup {
            _ = prepared.run(banded: true)
            _ = prepared.run(banded: false)
        }
        var banded: [Double] = [], apart: [Double] = []
        for _ in 0..<max(1, repetitions) {
            banded.append(prepared.run(banded: true).totalSeconds)
            apart.append(prepared.run(banded: false).totalSeconds)
        }
        return (median(banded), median(apart), prepared.bands.compactMap { $0 }.count)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
