import Foundation

/// The ratios MobileNets and EfficientNet derive, measured on the network's own layers.
enum RatioChecks {
    /// A layer's cost ratio further than this from the predicted one is named as breaking the rule.
    static let tolerance = 0.05

    // MARK: Depthwise separable vs standard

    /// Each depthwise conv followed (through its norm and activation) by a 1×1 conv,
    /// against the standard k×k conv from M to N channels it replaces: params and MACs
    /// both come to 1/N + 1/Dk² of the standard conv's.
    static func depthwiseSeparable(_ network: NetworkView, into report: inout CheckReport) {
        var pairs = 0
        for (index, conv, input) in network.convolutions where conv.isDepthwise(inputChannels: input.channels) {
            guard let pointwise = followingPointwise(network, after: index) else { continue }
            let m = input.channels, n = pointwise.conv.outChannels
            let taps = conv.kernel.height * conv.kernel.width
            let outputSize = network.layers[index].outputShape.spatialElements
            let standardParams = Double(m) * Double(n) * Double(taps)
            let standardMacs = standardParams * Double(outputSize)
            let costs = network.analysis.costs
            let separableParams = Double(costs[index].params + costs[pointwise.index].params)
            let separableMacs = Double(costs[index].macs + costs[pointwise.index].macs)
            let predicted = 1 / Double(n) + 1 / Double(taps)
            let name = network.layers[index].name
            report.ratios.append(MeasuredRatio("depthwise-separable-params", rule: "DW-RATIO", layer: name, measured: separableParams / standardParams, predicted: predicted))
            report.ratios.append(MeasuredRatio("depthwise-separable-macs", rule: "DW-RATIO", layer: name, measured: separableMacs / standardMacs, predicted: predicted))
            pairs += 1
        }
        guard pairs > 0 else { return }
        let macRatios = report.ratios.filter { $0.name == "depthwise-separable-macs" }
        let worst = macRatios.map { abs($0.deviation) }.max() ?? 0
        report.findings.append(Finding("DW-RATIO", .info,
            "\(pairs) depthwise separable pairs cost 1/N + 1/Dk² of the standard convs they replace (measured within \(NumberFormat.fixed(100 * worst, 2))% of it; biases and channel multipliers make the difference)",
            values: [("pairs", Double(pairs)), ("largest_deviation", worst)]))
    }

    /// The 1×1 conv that alone reads the depthwise conv, through norms and activations.
    private static func followingPointwise(_ network: NetworkView, after index: Int) -> (index: Int, conv: Convolution)? {
        var current = index
        while let next = network.soleConsumer(current) {
            let operation = network.layers[next].operation
            if case .convolution(let conv) = operation {
                return conv.kernel == .square(1) && conv.groups == 1 ? (next, conv) : nil
            }
            guard [.normalization, .activation].contains(operation.rules.family) else { return nil }
            current = next
        }
        return nil
    }

    // MARK: Width multiplier

    /// The whole network at α times its width against α²; layers that do not scale by α²
    /// are named with the reason: an input that keeps its channels (the stem reads 3),
    /// an output that keeps them (the classifier's classes), or rounding.
    static func width(_ network: NetworkView, _ model: LoadedModel, _ rebuild: (SpecOverrides) throws(InputError) -> LoadedModel,
                      _ options: CheckOptions, into report: inout CheckReport) throws(InputError) {
        // The first multiplier the network rebuilds at: group counts must still divide the channels.
        let (alpha, scaled) = try firstRebuild(options.widthProbe.map { [$0] } ?? [0.5, 0.75, 0.25, 2]) { alpha throws(InputError) in
            try rebuild(SpecOverrides(width: model.scaling.width * alpha))
        }
        let predicted = alpha * alpha
        let label = "width-\(JSONWriter.format(alpha))"
        report.ratios.append(MeasuredRatio(label + "-macs", rule: "WIDTH-SCALING", measured: ratio(scaled.totals.macs, network.analysis.totals.macs), predicted: predicted))
        report.ratios.append(MeasuredRatio(label + "-params", rule: "WIDTH-SCALING", measured: ratio(scaled.totals.params, network.analysis.totals.params), predicted: predicted))
        var breakers: [String: [String]] = [:]
        for (index, layer) in scaled.graph.layers.enumerated() where scaled.costs[index].macs > 0 {
            guard let original = network.index(of: layer.name) else { continue }
            let measured = ratio(scaled.costs[index].macs, network.analysis.costs[original].macs)
            guard abs(measured / predicted - 1) > tolerance else { continue }
            let inputKept = layer.inputs.first.map { scaled.graph.layers[$0].outputShape.channels } == network.inputShape(original).map { $0.channels }
            let outputKept = layer.outputShape.channels == network.layers[original].outputShape.channels
            let inputChannels = layer.inputs.first.map { scaled.graph.layers[$0].outputShape.channels }
            let depthwise = layer.operation.rules.isDepthwise(inputChannels: inputChannels)
            let reason = inputKept ? "input channels do not scale"
                : outputKept ? "output channels do not scale"
                : depthwise && abs(measured / alpha - 1) <= tolerance ? "depthwise, scales by α"
                : "channels rounded"
            breakers[reason, default: []].append(layer.name)
            report.ratios.append(MeasuredRatio(label + "-layer-macs", rule: "WIDTH-SCALING", layer: layer.name, measured: measured, predicted: predicted))
        }
        let measuredMacs = ratio(scaled.totals.macs, network.analysis.totals.macs)
        var message = "at width ×\(JSONWriter.format(alpha)) MACs scale by \(NumberFormat.fixed(measuredMacs, 3)) against α² = \(NumberFormat.fixed(predicted, 3))"
        for (reason, names) in breakers.sorted(by: { $0.key < $1.key }) {
            message += "; \(reason): \(names.prefix(4).joined(separator: ", "))\(names.count > 4 ? " and \(names.count - 4) more" : "")"
        }
        report.findings.append(Finding("WIDTH-SCALING", .info, message,
            values: [("alpha", alpha), ("macs_ratio", measuredMacs), ("params_ratio", ratio(scaled.totals.params, network.analysis.totals.params)),
                     ("predicted", predicted), ("layers_off_rule", Double(breakers.values.map(\.count).reduce(0, +)))]))
    }

    // MARK: Resolution multiplier

    /// The network at a lower resolution: MACs scale by ρ², parameters do not change.
    static func resolution(_ network: NetworkView, _ model: LoadedModel, _ rebuild: (SpecOverrides) throws(InputError) -> LoadedModel,
                           _ options: CheckOptions, into report: inout CheckReport) throws(InputError) {
        guard model.input.isFeatureMap else { return }
        let base = model.input.dims[2]
        let target = Double(base) * 5 / 7
        let stride = network.analysis.totalStride
        // 5/7 of the input, or the nearest multiple of the total stride below the input,
        // which every join of the network can take (an FPN's adds need it).
        var candidates = options.resolutionProbe.map { [$0] } ?? [max(1, Int(target.rounded()))]
        if options.resolutionProbe == nil, stride > 1 {
            let aligned = min(Scaling.resolution(target, multipleOf: stride), base - stride)
            if aligned >= stride, aligned != candidates[0] { candidates.append(aligned) }
        }
        let (probe, scaled) = try firstRebuild(candidates) { resolution throws(InputError) in
            try rebuild(SpecOverrides(resolution: resolution))
        }
        let rho = Double(probe) / Double(base)
        let macs = ratio(scaled.totals.macs, network.analysis.totals.macs)
        let params = ratio(scaled.totals.params, network.analysis.totals.params)
        report.ratios.append(MeasuredRatio("resolution-\(probe)-macs", rule: "RESOLUTION-SCALING", measured: macs, predicted: rho * rho))
        report.ratios.append(MeasuredRatio("resolution-\(probe)-params", rule: "RESOLUTION-SCALING", measured: params, predicted: 1))
        let unscaled = scaled.graph.layers.indices.filter { index in
            guard scaled.costs[index].macs > 0, let original = network.index(of: scaled.graph.layers[index].name) else { return false }
            return abs(ratio(scaled.costs[index].macs, network.analysis.costs[original].macs) / (rho * rho) - 1) > tolerance
        }.map { scaled.graph.layers[$0].name }
        let severity: Severity = params == 1 ? .info : .warning
        var message = "at \(probe)x\(probe) (ρ = \(NumberFormat.fixed(rho, 3))) MACs scale by \(NumberFormat.fixed(macs, 3)) against ρ² = \(NumberFormat.fixed(rho * rho, 3)); params \(params == 1 ? "unchanged" : "change by \(NumberFormat.fixed(params, 3))×: a layer's weights depend on the input size")"
        if !unscaled.isEmpty {
            message += "; off ρ²: \(unscaled.prefix(4).joined(separator: ", "))\(unscaled.count > 4 ? " and \(unscaled.count - 4) more" : "")"
        }
        report.findings.append(Finding("RESOLUTION-SCALING", severity, message,
            values: [("resolution", Double(probe)), ("rho", rho), ("macs_ratio", macs), ("predicted", rho * rho), ("params_ratio", params)]))
    }

    // MARK: Compound scaling

    /// The network scaled by depth α^φ, width β^φ, resolution γ^φ: MACs growth against
    /// 2^φ, with α·β²·γ² (which the rule sets to about 2) beside it.
    static func compound(_ network: NetworkView, _ model: LoadedModel, _ rebuild: (SpecOverrides) throws(InputError) -> LoadedModel,
                         _ options: CheckOptions, into report: inout CheckReport) throws(InputError) {
        guard model.input.isFeatureMap, !options.phis.isEmpty else { return }
        let load = { (overrides: SpecOverrides) throws(InputError) -> LoadedModel in try rebuild(overrides) }
        // Compound scaling scales depth too: a spec without stage tables has no depth to scale.
        let deeper = try rebuild(SpecOverrides(depth: model.scaling.depth * 2))
        guard deeper.graph.layers.count != model.graph.layers.count else {
            report.findings.append(Finding("COMPOUND-SCALING", .info,
                "does not apply: the spec has no stage tables, so depth (α^φ) cannot scale; width and resolution alone are WIDTH-SCALING and RESOLUTION-SCALING"))
            return
        }
        let points: [SweepPoint]
        do {
            points = try Sweep.compound(load, base: model, phis: options.phis, scaling: options.scaling)
        } catch {
            // Resolutions rounded to the network's stride, which its joins can take.
            points = try Sweep.compound(load, base: model, phis: options.phis, scaling: options.scaling,
                                        resolutionMultiple: network.analysis.totalStride)
        }
        var values: [(key: String, value: Double)] = [("alpha_beta2_gamma2", options.scaling.flopsGrowthPerStep)]
        for point in points {
            guard let phi = point.phi else { continue }
            let growth = ratio(point.totals.macs, network.analysis.totals.macs)
            report.ratios.append(MeasuredRatio("compound-phi-\(JSONWriter.format(phi))-macs-growth", rule: "COMPOUND-SCALING", measured: growth, predicted: pow(2, phi)))
            values.append(("growth_phi_\(JSONWriter.format(phi))", growth))
        }
        let summary = points.compactMap { point in point.phi.map { "φ=\(JSONWriter.format($0)): \(NumberFormat.fixed(ratio(point.totals.macs, network.analysis.totals.macs), 2))× at \(point.resolution)x\(point.resolution) (2^φ = \(JSONWriter.format(pow(2, $0))))" } }
        report.findings.append(Finding("COMPOUND-SCALING", .info,
            "α·β²·γ² = \(NumberFormat.fixed(options.scaling.flopsGrowthPerStep, 3)); MACs growth \(summary.joined(separator: ", "))", values: values))
    }

    /// The first setting the network rebuilds at, with its analysis; the first setting's
    /// error when none does.
    private static func firstRebuild<Setting>(_ settings: [Setting], _ rebuild: (Setting) throws(InputError) -> LoadedModel)
        throws(InputError) -> (Setting, Analysis) {
        var failure: InputError?
        for setting in settings {
            do {
                return (setting, try Analysis(try rebuild(setting).graph))
            } catch {
                failure = failure ?? error
            }
        }
        throw failure ?? InputError("no setting to probe")
    }

    private static func ratio(_ numerator: Int, _ denominator: Int) -> Double {
        denominator == 0 ? 0 : Double(numerator) / Double(denominator)
    }
}
