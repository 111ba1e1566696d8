import Foundation

/// One model of a sweep: the hyper-parameters it was built with and its totals.
public struct SweepPoint: Sendable {
    /// The model's name for released models; empty for sweep points.
    public var label: String
    /// The compound-scaling exponent, for compound sweeps.
    public var phi: Double?
    public var width: Double
    public var depth: Double
    public var resolution: Int
    public var totals: Totals
    /// With `sweep --convention`: the total under that tool's rules.
    public var conventionTotal: Int? = nil
}

/// Builds a model at several hyper-parameter settings and collects the totals.
public enum Sweep {
    /// A loaded model as a sweep point, labelled (a released model's name) and placed at `phi`.
    public static func point(_ model: LoadedModel, label: String = "", phi: Double? = nil, convention: CountingConvention? = nil) throws(InputError) -> SweepPoint {
        let analysis = try Analysis(model.graph)
        return SweepPoint(label: label, phi: phi, width: model.width, depth: model.depth,
                          resolution: model.input.isFeatureMap ? model.input.dims[2] : 1, totals: analysis.totals,
                          conventionTotal: try convention.map { (convention) throws(InputError) in try ConventionCount(analysis, convention: convention).total })
    }

    /// The released EfficientNets at the integer φ among `phis` (B0–B7), nil elsewhere:
    /// what the compound rule is compared with.
    public static func releasedEfficientNets(at phis: [Double]) throws(InputError) -> [SweepPoint?] {
        var released: [SweepPoint?] = []
        for phi in phis {
            guard phi == phi.rounded(), (0...7).contains(Int(phi)) else {
                released.append(nil)
                continue
            }
            let name = "efficientnet_b\(Int(phi))"
            released.append(try point(try BuiltinModels.load(name), label: name, phi: phi))
        }
        return released
    }

    /// Every width at every resolution (MobileNets Tables 6 and 7 are a row and a column of this grid).
    public static func grid(_ load: (SpecOverrides) throws(InputError) -> LoadedModel,
                            widths: [Double], resolutions: [Int], convention: CountingConvention? = nil) throws(InputError) -> [SweepPoint] {
        var points: [SweepPoint] = []
        for width in widths {
            for resolution in resolutions {
                points.append(try point(try load(SpecOverrides(width: width, resolution: resolution)), convention: convention))
            }
        }
        return points
    }

    /// The base model scaled by the compound rule at each φ (`CompoundScaling.overrides`).
    /// `resolutionMultiple` rounds each scaled resolution to a multiple of it (a
    /// network whose joins need sizes divisible by its stride, as an FPN's do).
    public static func compound(_ load: (SpecOverrides) throws(InputError) -> LoadedModel, base: LoadedModel,
                                phis: [Double], scaling: CompoundScaling, resolutionMultiple: Int = 1,
                                convention: CountingConvention? = nil) throws(InputError) -> [SweepPoint] {
        guard base.input.isFeatureMap else { throw InputError("compound scaling needs a [C, H, W] input", field: "input") }
        let baseResolution = base.input.dims[2]
        var points: [SweepPoint] = []
        for phi in phis {
            let overrides = scaling.overrides(phi, base: base.scaling, resolution: baseResolution, resolutionMultiple: resolutionMultiple)
            var point = try point(try load(overrides), phi: phi, convention: convention)
            point.resolution = overrides.resolution ?? baseResolution
            points.append(point)
        }
        return points
    }
}
