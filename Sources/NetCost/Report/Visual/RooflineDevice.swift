/// The machine a roofline is drawn for: its peak arithmetic rate and memory bandwidth.
///
/// A layer's arithmetic intensity is `flops / (memory_access × dtype bytes)` in FLOP/byte;
/// the most it can attain is `min(peak, intensity × bandwidth)` GFLOP/s. The two roofs
/// meet at the ridge point, `peak / bandwidth` FLOP/byte: layers left of it are
/// memory-bound, layers at or right of it compute-bound.
public struct RooflineDevice: Sendable, Equatable {
    /// Peak arithmetic, GFLOP/s (10⁹ flops per second; one FMA is two flops).
    public var peakGFLOPS: Double
    /// Sustained memory bandwidth, GB/s (10⁹ bytes per second).
    public var bandwidthGBps: Double
    /// Where the numbers come from, printed on the chart.
    public var name: String

    public init(peakGFLOPS: Double, bandwidthGBps: Double, name: String) {
        self.peakGFLOPS = peakGFLOPS
        self.bandwidthGBps = bandwidthGBps
        self.name = name
    }

    /// The default when neither `--peak-gflops`, `--bandwidth` nor `--timings` gives one:
    /// a nominal desktop CPU, 4 cores at 3 GHz with two 8-lane float32 FMA units each
    /// (4 × 2 × 8 × 2 flops × 3 GHz = 384 GFLOP/s) and dual-channel DDR4-3200
    /// (2 × 8 bytes × 3.2 GT/s = 51.2 GB/s): ridge at 7.5 FLOP/byte.
    public static let nominalDesktop = RooflineDevice(peakGFLOPS: 384, bandwidthGBps: 51.2,
                                                     name: "a nominal 4-core AVX2 desktop with dual-channel DDR4-3200")

    /// The device for the command line's `--peak-gflops` and `--bandwidth`: each number
    /// given wins; a missing one comes from `measured` (the machine in `--timings`), else
    /// from `nominalDesktop`.
    public static func resolve(peakGFLOPS: Double?, bandwidthGBps: Double?, measured: RooflineDevice?) -> RooflineDevice {
        let fallback = measured ?? .nominalDesktop
        switch (peakGFLOPS, bandwidthGBps) {
        case (nil, nil): return fallback
        case let (peak?, bandwidth?):
            return RooflineDevice(peakGFLOPS: peak, bandwidthGBps: bandwidth, name: "the given device")
        case let (peak?, nil):
            return RooflineDevice(peakGFLOPS: peak, bandwidthGBps: fallback.bandwidthGBps, name: "the given peak and the bandwidth of \(fallback.name)")
        case let (nil, bandwidth?):
            return RooflineDevice(peakGFLOPS: fallback.peakGFLOPS, bandwidthGBps: bandwidth, name: "the given bandwidth and the peak of \(fallback.name)")
        }
    }

    /// FLOP/byte where the memory roof meets the compute roof.
    public var ridge: Double { peakGFLOPS / bandwidthGBps }

    /// The best rate at an intensity: `min(peak, intensity × bandwidth)`, GFLOP/s.
    public func attainable(intensity: Double) -> Double {
        min(peakGFLOPS, intensity * bandwidthGBps)
    }

    /// True when the memory roof is the lower one: intensity below the ridge.
    public func isMemoryBound(intensity: Double) -> Bool {
        intensity * bandwidthGBps < peakGFLOPS
    }
}

/// The charts `--format svg --chart` draws alone.
public enum ChartKind: String, CaseIterable, Sendable {
    /// Per-layer MACs, params and memory access as stacked bars.
    case macs
    /// Arithmetic intensity against attainable GFLOP/s.
    case roofline
    /// Receptive-field growth across depth.
    case rf
}

/// The visual output formats of `report`.
public enum VisualFormat: String, CaseIterable, Sendable {
    case html, svg
}

/// One layer on the roofline.
struct RooflinePoint: Sendable {
    var layer: Int
    var flops: Int
    var bytes: Int
    /// FLOP/byte.
    var intensity: Double
    /// GFLOP/s.
    var attainable: Double
    var memoryBound: Bool
    /// GFLOP/s measured by `netcost bench`, when timings were given.
    var achieved: Double?

    /// Every layer that computes and moves data; views, copies with no arithmetic and
    /// layers netcost could not cost have no intensity and are left out.
    static func points(_ analysis: Analysis, device: RooflineDevice, dtypeBytes: Int, timings: LayerTimings?) -> [RooflinePoint] {
        var points: [RooflinePoint] = []
        for (index, layer) in analysis.graph.layers.enumerated() {
            let cost = analysis.costs[index]
            let bytes = cost.memoryAccess.multipliedReportingOverflow(by: dtypeBytes)
            guard cost.flops > 0, !bytes.overflow, bytes.partialValue > 0 else { continue }
            let intensity = Double(cost.flops) / Double(bytes.partialValue)
            var achieved: Double?
            if let seconds = timings?.seconds[layer.name], seconds > 0 { achieved = Double(cost.flops) / seconds / 1e9 }
            points.append(RooflinePoint(layer: index, flops: cost.flops, bytes: bytes.partialValue, intensity: intensity,
                                        attainable: device.attainable(intensity: intensity),
                                        memoryBound: device.isMemoryBound(intensity: intensity), achieved: achieved))
        }
        return points
    }
}
