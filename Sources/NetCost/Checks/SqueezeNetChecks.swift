/// SqueezeNet's three design strategies (Iandola et al. 2016, Sec. 3.1), as numbers:
/// use 1×1 filters where possible (a 1×1 has 9× fewer weights than a 3×3), feed few
/// channels into the 3×3 filters (the squeeze ratio), and downsample late.
enum SqueezeNetChecks {
    static func strategies(_ network: NetworkView, into report: inout CheckReport) {
        oneByOneShare(network, into: &report)
        fireModules(network, into: &report)
        downsampling(network, into: &report)
    }

    /// Strategy 1: the share of standard (not grouped) conv weights in 1×1 filters, and in 3×3.
    private static func oneByOneShare(_ network: NetworkView, into report: inout CheckReport) {
        var pointwise = 0, threeByThree = 0, other = 0
        for (index, conv, _) in network.convolutions where conv.groups == 1 {
            let params = network.analysis.costs[index].params
            switch conv.kernel {
            case .square(1): pointwise += params
            case .square(3): threeByThree += params
            default: other += params
            }
        }
        let total = pointwise + threeByThree + other
        guard total > 0 else { return }
        let share = Double(pointwise) / Double(total)
        report.findings.append(Finding("SQUEEZE", .info,
            "strategy 1: \(NumberFormat.fixed(100 * share, 1))% of standard conv weights are in 1x1 filters, \(NumberFormat.fixed(100 * Double(threeByThree) / Double(total), 1))% in 3x3",
            values: [("pointwise_share", share), ("three_by_three_share", Double(threeByThree) / Double(total)), ("standard_conv_params", Double(total))]))
    }

    /// Strategy 2, per fire module: squeeze ratio SR = squeeze / (e1 + e3) channels and
    /// the share of 3×3 expand filters, pct3x3 = e3 / (e1 + e3).
    private static func fireModules(_ network: NetworkView, into report: inout CheckReport) {
        func layer(_ name: String, _ part: String) -> Int? {
            network.index(of: "\(name).\(part).conv") ?? network.index(of: "\(name).\(part)")
        }
        // Groups come in the order of their first layers: the fire modules' squeeze convs.
        let fires = network.graph.groups.filter { $0.kind == .block(.fire) }.map { String($0.name) }
        for name in fires {
            func channels(_ part: String) -> Int? { layer(name, part).map { network.layers[$0].outputShape.channels } }
            guard let squeeze = channels("squeeze"), let e1 = channels("expand1x1"), let e3 = channels("expand3x3") else { continue }
            let ratio = Double(squeeze) / Double(e1 + e3)
            report.ratios.append(MeasuredRatio("squeeze-ratio", rule: "SQUEEZE", layer: name, measured: ratio, predicted: 0.125))
            report.findings.append(Finding("SQUEEZE", .info, layer: name,
                "strategy 2: squeeze ratio \(NumberFormat.fixed(ratio, 3)) (\(squeeze) channels into \(e1 + e3)); \(NumberFormat.fixed(100 * Double(e3) / Double(e1 + e3), 0))% of expand filters are 3x3",
                values: [("squeeze", Double(squeeze)), ("expand1x1", Double(e1)), ("expand3x3", Double(e3)), ("squeeze_ratio", ratio),
                         ("pct3x3", Double(e3) / Double(e1 + e3))]))
        }
    }

    /// Strategy 3: where the layers that reduce the spatial size sit, as a fraction of
    /// the weighted layers before them. Late downsampling keeps activation maps large.
    private static func downsampling(_ network: NetworkView, into report: inout CheckReport) {
        var weighted = 0
        var positions: [(name: String, weightedBefore: Int)] = []
        for (index, layer) in network.layers.enumerated() {
            if network.analysis.costs[index].params > 0 { weighted += 1 }
            guard layer.outputShape.isFeatureMap, let input = network.inputShape(index), input.isFeatureMap,
                  layer.outputShape.spatialElements * 2 < input.spatialElements, layer.outputShape.spatialElements > 1 else { continue }
            positions.append((layer.name, weighted))
        }
        guard !positions.isEmpty, weighted > 0 else { return }
        let depths = positions.map { Double($0.weightedBefore) / Double(weighted) }
        let mean = depths.reduce(0, +) / Double(depths.count)
        report.findings.append(Finding("SQUEEZE", .info,
            "strategy 3: \(positions.count) downsampling layers at relative depth \(depths.map { NumberFormat.fixed($0, 2) }.joined(separator: ", ")) (mean \(NumberFormat.fixed(mean, 2)); later keeps maps large): \(positions.map(\.name).joined(separator: ", "))",
            values: [("downsampling_layers", Double(positions.count)), ("mean_relative_depth", mean)] + depths.enumerated().map { ("depth_\($0.offset)", $0.element) }))
    }
}
