import Foundation

/// The kind of kernel a layer runs, as the latency model sorts layers: layers of one
/// class run the same code, so their speed varies smoothly with their sizes.
public enum LatencyClass: String, CaseIterable, Sendable {
    case pointwiseConvolution = "conv1x1"
    case convolution = "conv"
    case depthwiseConvolution = "depthwise"
    case groupedConvolution = "grouped_conv"
    /// A 1×1 convolution and the depthwise one that alone reads it, which the executor
    /// computes as one (`MergedPair`): timed as a pair, since its map never goes out.
    case pointwiseDepthwise = "conv1x1+depthwise"
    case linear
    case pooling
    case normalization
    case activation
    case elementwise
    /// Copies that compute nothing: concat, channel shuffle, padding, upsampling, transpose.
    case movement
    /// Views and graph inputs: no kernel runs.
    case free
    /// An op netcost has no rules for: no prediction.
    case unknown

    /// The class of a layer with these input shapes (a fused layer is its base's class).
    public init(_ operation: Operation, inputs: [TensorShape]) {
        if operation.rules.storage == .view {
            self = .free
            return
        }
        let base = operation.base
        switch type(of: base.rules).family {
        case .convolution, .fused:
            if base.rules.isDepthwise(inputChannels: inputs.first?.channels) {
                self = .depthwiseConvolution
            } else if base.groups > 1 {
                self = .groupedConvolution
            } else if let window = base.rules as? SlidingWindowOperation, window.kernel.height * window.kernel.width == 1 {
                self = .pointwiseConvolution
            } else {
                self = .convolution
            }
        case .linear: self = .linear
        case .pooling: self = .pooling
        case .normalization: self = .normalization
        case .activation: self = .activation
        case .elementwise: self = .elementwise
        case .joining, .reshaping, .resampling: self = .movement
        case .source: self = .free
        case .unknown: self = .unknown
        }
    }

}

/// What the latency model knows of one layer: its class and sizes.
public struct LatencyFeatures: Sendable, Equatable {
    public var latencyClass: LatencyClass
    public var flops: Int
    /// Bytes read and written at float32.
    public var bytes: Int
    public var inputChannels: Int
    public var outputChannels: Int
    /// Output positions per channel (H·W for a feature map), batch included.
    public var positions: Int
    /// The window's area (1 when the op has no window).
    public var kernelArea: Int
    public var stride: Int
    /// Bytes of stored weights the layer reads: in a network they come from memory, not
    /// from a cache the layer before warmed.
    public var weightBytes: Int
    /// The activations fused into the layer's output, `+`-joined (`relu6`, `swish`), or "".
    public var epilogue: String
    /// The op, without what is fused into it (`relu`, `tanh`, `maxpool`, `conv2d`): within a
    /// class, ops of equal counts can run at very different speeds (a ReLU and a tanh
    /// over the same map differ a hundredfold). "" in profiles from before it was kept.
    public var op: String

    public init(latencyClass: LatencyClass, flops: Int, bytes: Int, inputChannels: Int, outputChannels: Int,
                positions: Int, kernelArea: Int = 1, stride: Int = 1, weightBytes: Int = 0, epilogue: String = "", op: String = "") {
        self.latencyClass = latencyClass
        self.flops = flops
        self.bytes = bytes
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.positions = positions
        self.kernelArea = kernelArea
        self.stride = stride
        self.weightBytes = weightBytes
        self.epilogue = epilogue
        self.op = op
    }

    /// The features of layer `index` of an analysed graph.
    public init(_ analysis: Analysis, layer index: Int) {
        let layer = analysis.graph.layers[index]
        let inputs = analysis.graph.inputShapes(of: index)
        let cost = analysis.costs[index]
        let output = layer.outputShape
        let window = layer.operation.base.rules as? SlidingWindowOperation
        let outputChannels = output.dims.count >= 2 ? output.dims[1] : 1
        let bytes = cost.memoryAccess.multipliedReportingOverflow(by: 4)
        let weightBytes = cost.weightReads.multipliedReportingOverflow(by: 4)
        self.init(latencyClass: LatencyClass(layer.operation, inputs: inputs),
                  flops: cost.flops, bytes: bytes.overflow ? Int.max : bytes.partialValue,
                  inputChannels: inputs.first.map { $0.dims.count >= 2 ? $0.dims[1] : 1 } ?? 1,
                  outputChannels: outputChannels,
                  positions: outputChannels > 0 ? output.elements / outputChannels : 0,
                  kernelArea: window.map { $0.kernel.height &* $0.kernel.width } ?? 1,
                  stride: window.map { max($0.stride.height, $0.stride.width) } ?? 1,
                  weightBytes: weightBytes.overflow ? Int.max : weightBytes.partialValue,
                  epilogue: layer.operation.fusedActivations.map(\.function.name).joined(separator: "+"),
                  op: layer.operation.base.kind)
    }

    /// The features of a merged pair (`MergedPair`), timed as one layer. A 1×1 and
    /// depthwise pair is a class of its own: both layers' FLOPs and weights, their bytes
    /// less the map between them (written and read back apart, never out of a band
    /// merged), the 1×1's input channels and the depthwise's window, outputs and
    /// activations. A convolution and its add is the convolution with one more epilogue,
    /// `residual`.
    public init(_ analysis: Analysis, pair: MergedPair) {
        guard case .pointwiseDepthwise = pair.kind else {
            self.init(analysis, layer: pair.first)
            epilogue = epilogue.isEmpty ? LatencyCalibration.residual : epilogue + "+" + LatencyCalibration.residual
            return
        }
        let first = LatencyFeatures(analysis, layer: pair.first), second = LatencyFeatures(analysis, layer: pair.second)
        let between = analysis.graph.layers[pair.first].outputShape.elements.multipliedReportingOverflow(by: 2 * MemoryLayout<Float>.stride)
        let bytes = first.bytes.addingReportingOverflow(second.bytes)
        let weightBytes = first.weightBytes.addingReportingOverflow(second.weightBytes)
        let flops = first.flops.addingReportingOverflow(second.flops)
        self.init(latencyClass: .pointwiseDepthwise, flops: flops.overflow ? Int.max : flops.partialValue,
                  bytes: bytes.overflow || between.overflow ? Int.max : max(bytes.partialValue - between.partialValue, 0),
                  inputChannels: first.inputChannels, outputChannels: second.outputChannels, positions: second.positions,
                  kernelArea: second.kernelArea, stride: second.stride,
                  weightBytes: weightBytes.overflow ? Int.max : weightBytes.partialValue,
                  epilogue: second.epilogue, op: second.op)
    }

    /// Output elements: what a fused activation runs over.
    var outputElements: Int { outputChannels &* positions }

    /// The roofline's time on `device`, the measure two layers' times scale by: FLOPs
    /// where arithmetic bounds the layer, bytes where memory does.
    func rooflineSeconds(_ device: RooflineDevice) -> Double {
        max(Double(flops) / (device.peakGFLOPS * 1e9), Double(bytes) / (device.bandwidthGBps * 1e9))
    }

    /// Coordinates for the nearest-neighbour search: logarithms, so that a layer twice as
    /// large is as far as one half as large.
    var coordinates: [Double] {
        [flops, bytes, inputChannels, outputChannels, positions, kernelArea, stride, weightBytes].map { log2(Double(max($0, 0)) + 1) }
    }
}

/// One micro-benchmark of a calibration: a layer's features and its time (the lower
/// quartile of its passes in the faster of two rounds), every cache scrubbed before each
/// pass; and its time with only the per-core caches scrubbed, as in a small network whose
/// weights and maps wait in the last-level cache from one pass to the next.
public struct LatencySample: Sendable, Equatable {
    public var features: LatencyFeatures
    public var seconds: Double
    /// Nil in profiles written before calibration measured it.
    public var warmSeconds: Double?

    public init(features: LatencyFeatures, seconds: Double, warmSeconds: Double? = nil) {
        self.features = features
        self.seconds = seconds
        self.warmSeconds = warmSeconds
    }

    /// The share of its time the layer takes with the last-level cache warm: at most 1
    /// (the host's noise only ever slows a pass), 1 when not measured.
    var warmRatio: Double {
        guard let warmSeconds, seconds > 0 else { return 1 }
        return min(warmSeconds / seconds, 1)
    }
}

/// The measurements of one thread count.
public struct LatencyCalibration: Sendable, Equatable {
    public var threads: Int
    /// The time a pass spends between layers, per layer: the pass's total less its layers'.
    public var perLayerOverhead: Double
    /// The smallest layer time seen: the floor of any prediction.
    public var floorSeconds: Double
    /// Per fused activation, the seconds it adds per output element to the layer it is
    /// fused into (a 1×1 convolution with it, less the same without).
    public var epilogueSeconds: [String: Double]
    /// The peak GFLOP/s measured at this thread count when the samples were taken: the
    /// reference `predict --validate` compares the machine's speed now with.
    public var peakGFLOPS: Double
    /// The median run of the busy-host sentinel (a fixed 1×1 convolution timed all
    /// through the calibration), when the profile has it: set beside the one-thread
    /// calibration's, it shows whether more threads got their cores.
    public var sentinelSeconds: Double?
    public var samples: [LatencySample]

    public init(threads: Int, perLayerOverhead: Double, floorSeconds: Double, epilogueSeconds: [String: Double] = [:],
                peakGFLOPS: Double = 0, sentinelSeconds: Double? = nil, samples: [LatencySample]) {
        self.threads = threads
        self.peakGFLOPS = peakGFLOPS
        self.sentinelSeconds = sentinelSeconds
        self.perLayerOverhead = perLayerOverhead
        self.floorSeconds = floorSeconds
        self.epilogueSeconds = epilogueSeconds
        self.samples = samples
    }

    /// The `epilogueSeconds` key of the add a merged pair does as the convolution stores
    /// (`MergedPair.Kind.residual`): the add's other operand read and added.
    public static let residual = "residual"

    /// The time the model gives a layer with `features` from these samples (its class's
    /// nearest, scaled by their roofline times on `device`); nil when none is of its class.
    public func interpolated(_ features: LatencyFeatures, device: RooflineDevice) -> Double? {
        LatencyPrediction.interpolate(features, self, device: device, resident: 0)
    }

    /// The time the fused activations add to a layer with these features.
    func epilogueTime(_ features: LatencyFeatures) -> Double {
        guard !features.epilogue.isEmpty else { return 0 }
        let perElement = features.epilogue.split(separator: "+").reduce(0.0) { $0 + (epilogueSeconds[String($1)] ?? 0) }
        return perElement * Double(features.outputElements)
    }
}

/// A device profile (`netcost calibrate`): the machine, the kernels that ran, and per
/// thread count the micro-benchmarks the model interpolates between.
public struct LatencyProfile: Sendable, Equatable {
    public var machine: String
    public var kernels: String
    public var peakGFLOPS: Double
    public var bandwidthGBps: Double
    public var created: String
    /// The machine's last-level cache in bytes; 0 when unknown (then no network counts as
    /// staying in the cache).
    public var lastLevelCacheBytes: Int
    public var calibrations: [LatencyCalibration]

    public init(machine: String, kernels: String, peakGFLOPS: Double, bandwidthGBps: Double, created: String,
                lastLevelCacheBytes: Int = 0, calibrations: [LatencyCalibration]) {
        self.machine = machine
        self.lastLevelCacheBytes = lastLevelCacheBytes
        self.kernels = kernels
        self.peakGFLOPS = peakGFLOPS
        self.bandwidthGBps = bandwidthGBps
        self.created = created
        self.calibrations = calibrations
    }

    /// The profile's machine as a roofline: its peak and bandwidth.
    public var device: RooflineDevice {
        RooflineDevice(peakGFLOPS: peakGFLOPS, bandwidthGBps: bandwidthGBps, name: "the profile's machine")
    }

    /// The calibration for `threads`, or the nearest thread count measured.
    public func calibration(threads: Int) -> LatencyCalibration? {
        calibrations.min { abs($0.threads - threads) < abs($1.threads - threads) }
    }

    /// Calibrations whose threads did not get their cores, by either of two readings set
    /// beside the one-thread calibration's: the peak probe at n threads below 60% of n
    /// times the one-thread peak (other work held cores when the probe ran), or the
    /// sentinel's median run less than 0.6·n times faster than at one thread (held for
    /// most of the grid: a host busy from start to end keeps the sentinel's runs alike,
    /// so it never finds the host busy). That calibration's times are too slow. One
    /// sentence each.
    public var busyCoreWarnings: [String] {
        guard let single = calibrations.first(where: { $0.threads == 1 }) else { return [] }
        return calibrations.filter { $0.threads > 1 }.compactMap { calibration in
            let threads = Double(calibration.threads)
            var readings: [String] = []
            if single.peakGFLOPS > 0 && calibration.peakGFLOPS < 0.6 * threads * single.peakGFLOPS {
                readings.append("the machine reached \(NumberFormat.fixed(calibration.peakGFLOPS, 1)) GFLOP/s, "
                    + "\(NumberFormat.fixed(calibration.peakGFLOPS / single.peakGFLOPS, 1)) times its one-thread \(NumberFormat.fixed(single.peakGFLOPS, 1))")
            }
            if let one = single.sentinelSeconds, let many = calibration.sentinelSeconds, one > 0, many > 0, one / many < 0.6 * threads {
                readings.append("the sentinel's median run took \(NumberFormat.fixed(many * 1e6, 0)) µs, "
                    + "\(NumberFormat.fixed(one / many, 1)) times faster than at one thread (\(NumberFormat.fixed(one * 1e6, 0)) µs)")
            }
            guard !readings.isEmpty else { return nil }
            return "at \(calibration.threads) threads " + readings.joined(separator: ", and ")
                + ": other work held its cores while the grid was timed, so these times are too slow; calibrate again when the machine is quiet"
        }
    }
}
