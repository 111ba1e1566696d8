import Foundation

/// ShuffleNet V2's four guidelines (Ma et al. 2018, Sec. 2), as numbers about the network.
enum GuidelineChecks {
    /// A 1×1 conv's memory access above this multiple of its lower bound is a warning
    /// (c1:c2 beyond about 1:2.7 or 2.7:1).
    static let g1Threshold = 1.2
    /// A group conv's memory access above this multiple of the same conv at g = 1 is a warning.
    static let g2Threshold = 1.25
    /// Blocks with this many convolutions side by side are a warning (Table 3's 4-fragment rows).
    static let g3ParallelThreshold = 4
    /// Element-wise layers above this share of memory access, and over three times their
    /// share of FLOPs, are a warning.
    static let g4Threshold = 0.5

    // MARK: G1: equal channel width minimizes memory access

    /// For a 1×1 conv with B = hw·c1·c2 multiply-accumulates, MAC ≥ 2√(hw·B) + B/(hw),
    /// with equality exactly when c1 = c2. Each 1×1 conv's measured MAC over that bound.
    static func g1(_ network: NetworkView, into report: inout CheckReport) {
        var ratios: [Double] = []
        for (index, conv, input) in network.convolutions where conv.kernel == .square(1) && conv.groups == 1 {
            let output = network.layers[index].outputShape
            let (c1, c2, hw) = (Double(input.channels), Double(conv.outChannels), Double(output.spatialElements))
            let b = Double(network.analysis.costs[index].macs)
            let bound = 2 * (hw * b).squareRoot() + b / hw
            let measured = Double(network.analysis.costs[index].memoryAccess)
            let ratio = measured / bound
            ratios.append(ratio)
            if ratio > g1Threshold {
                report.findings.append(Finding("G1", .warning, layer: network.layers[index].name,
                    "1x1 conv \(Int(c1))→\(Int(c2)) (\(proportion(c1, c2))) moves \(NumberFormat.fixed(ratio, 2))× the memory access of equal widths at the same MACs",
                    values: [("c1", c1), ("c2", c2), ("hw", hw), ("macs", b), ("memory_access", measured), ("lower_bound", bound), ("ratio", ratio)]))
            }
        }
        guard !ratios.isEmpty else { return }
        let above = ratios.filter { $0 > g1Threshold }.count
        report.findings.append(Finding("G1", .info,
            "\(ratios.count) 1x1 convs; memory access over its equal-width bound: mean \(NumberFormat.fixed(ratios.reduce(0, +) / Double(ratios.count), 2))×, worst \(NumberFormat.fixed(ratios.max() ?? 1, 2))×; \(above) above \(g1Threshold)×",
            values: [("convs", Double(ratios.count)), ("mean_ratio", ratios.reduce(0, +) / Double(ratios.count)), ("worst_ratio", ratios.max() ?? 1), ("above_threshold", Double(above))]))
    }

    /// `1:6` or `4:1`: the channel ratio with the smaller side as 1.
    static func proportion(_ c1: Double, _ c2: Double) -> String {
        let text = { (value: Double) in value == value.rounded() ? String(Int(value)) : NumberFormat.fixed(value, 2) }
        return c2 >= c1 ? "1:" + text(c2 / c1) : text(c1 / c2) + ":1"
    }

    // MARK: G2: excessive group convolution increases memory access

    /// A group conv with g groups writes `g` times the output of the conv with the same
    /// MACs and input at g = 1 (for a 1×1: MAC = hw·c1 + B·g/c1 + B/(hw)). Depthwise convs
    /// are left to G4: every separable design has them.
    static func g2(_ network: NetworkView, into report: inout CheckReport) {
        for (index, conv, input) in network.convolutions where conv.groups > 1 && conv.groups < input.channels {
            let output = network.layers[index].outputShape
            let measured = Double(network.analysis.costs[index].memoryAccess)
            let saved = Double(output.elements) * (1 - 1 / Double(conv.groups))
            let ungrouped = measured - saved
            let ratio = measured / ungrouped
            report.findings.append(Finding("G2", ratio > g2Threshold ? .warning : .info, layer: network.layers[index].name,
                "group conv with g = \(conv.groups) moves \(NumberFormat.fixed(ratio, 2))× the memory access of g = 1 at the same MACs",
                values: [("groups", Double(conv.groups)), ("c1", Double(input.channels)), ("c2", Double(conv.outChannels)),
                         ("memory_access", measured), ("memory_access_at_g1", ungrouped), ("ratio", ratio)]))
        }
    }

    // MARK: G3: network fragmentation reduces parallelism

    /// Per block (see `blockMembers`), the convolutions in series (the longest chain)
    /// and in parallel (the most at one depth of that chain).
    static func g3(_ network: NetworkView, into report: inout CheckReport) {
        var worst = (series: 0, parallel: 0)
        var blocks = 0
        for (block, members) in blockMembers(network) {
            let convs = members.filter { isFragment(network.layers[$0].operation) }
            guard convs.count > 1 else { continue }
            // Level of a conv = the longest chain of convs ending at it, within the block.
            var level: [Int: Int] = [:]
            let inBlock = Set(members)
            for index in members {
                let before = network.layers[index].inputs.filter(inBlock.contains).map { level[$0] ?? 0 }.max() ?? 0
                level[index] = before + (isFragment(network.layers[index].operation) ? 1 : 0)
            }
            let levels = convs.map { level[$0] ?? 0 }
            let series = levels.max() ?? 0
            let parallel = Dictionary(grouping: levels, by: { $0 }).values.map(\.count).max() ?? 0
            blocks += 1
            worst = (max(worst.series, series), max(worst.parallel, parallel))
            if parallel >= g3ParallelThreshold {
                report.findings.append(Finding("G3", .warning, layer: block,
                    "\(parallel) convolutions side by side (and \(series) in series): fragmented blocks run poorly on parallel hardware",
                    values: [("series", Double(series)), ("parallel", Double(parallel)), ("convolutions", Double(convs.count))]))
            }
        }
        guard blocks > 0 else { return }
        report.findings.append(Finding("G3", .info,
            "\(blocks) blocks with several convolutions; at most \(worst.series) in series and \(worst.parallel) in parallel",
            values: [("blocks", Double(blocks)), ("max_series", Double(worst.series)), ("max_parallel", Double(worst.parallel))]))
    }

    /// Convolutions and linear layers, fused or not: the layers a block is fragmented into.
    private static func isFragment(_ operation: Operation) -> Bool {
        [.convolution, .linear, .fused].contains(operation.rules.family)
    }

    /// Layers grouped by their block: the innermost group around them that is a built-in
    /// block (conv units aside) or a spec's list of entries. A graph with no such group
    /// (an ONNX file) takes the groups at depth 2, which is where PyTorch's module paths
    /// put blocks (`layer1.0`, `features.3`).
    static func blockMembers(_ network: NetworkView) -> [(String, [Int])] {
        let groups = network.graph.groups
        let labelled = groups.contains { holdsFragments($0.kind) }
        var order: [Int] = []
        var members: [Int: [Int]] = [:]
        for (index, layer) in network.layers.enumerated() {
            if case .input = layer.operation { continue }
            let ancestors = groups.ancestors(ofLayer: index)
            let block = labelled ? ancestors.last(where: { holdsFragments(groups[$0].kind) })
                                 : ancestors.count >= 2 ? ancestors[1] : nil
            guard let block else { continue }
            if members[block] == nil { order.append(block) }
            members[block, default: []].append(index)
        }
        return order.map { (String(groups[$0].name), members[$0] ?? []) }
    }

    /// Whether G3 counts the convolutions of a group of this kind as one block's.
    private static func holdsFragments(_ kind: GroupKind) -> Bool {
        switch kind {
        case .block(let block): block != .conv
        case .list: true
        case .stageTable, .stage, .userBlock, .module: false
        }
    }

    // MARK: G4: element-wise operations are not negligible

    /// Activations, element-wise arithmetic, normalization and depthwise convolutions:
    /// small in FLOPs, large in memory access. Their share of each, and what fusing the
    /// activations and batch norms into the convolutions (`--fuse`) would save.
    static func g4(_ network: NetworkView, into report: inout CheckReport) throws(InputError) {
        let totals = network.analysis.totals
        guard totals.memoryAccess > 0 else { return }
        var memory = 0, flops = 0
        for (index, layer) in network.layers.enumerated() where isElementwise(layer.operation, input: network.inputShape(index)) {
            memory += network.analysis.costs[index].memoryAccess
            flops += network.analysis.costs[index].flops
        }
        let deployed = try Analysis(Fusion.deploy(network.graph))
        let memoryShare = Double(memory) / Double(totals.memoryAccess)
        let flopsShare = totals.flops == 0 ? 0 : Double(flops) / Double(totals.flops)
        let saving = 1 - Double(deployed.totals.memoryAccess) / Double(totals.memoryAccess)
        let severity: Severity = memoryShare > g4Threshold && memoryShare > 3 * flopsShare ? .warning : .info
        report.findings.append(Finding("G4", severity,
            "element-wise layers (activations, adds, multiplies, normalization, depthwise convs) take \(NumberFormat.fixed(100 * memoryShare, 1))% of memory access for \(NumberFormat.fixed(100 * flopsShare, 1))% of FLOPs; --fuse would cut memory access by \(NumberFormat.fixed(100 * saving, 1))%",
            values: [("memory_access_share", memoryShare), ("flops_share", flopsShare), ("elementwise_memory_access", Double(memory)),
                     ("fused_memory_access", Double(deployed.totals.memoryAccess)), ("fuse_saving", saving)]))
    }

    private static func isElementwise(_ operation: Operation, input: TensorShape?) -> Bool {
        let rules = operation.rules
        return [.activation, .elementwise, .normalization].contains(rules.family) || rules.isDepthwise(inputChannels: input?.channels)
    }
}
