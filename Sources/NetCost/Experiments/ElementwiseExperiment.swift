/// Table 4 (G4): ten ResNet bottleneck units (He et al. 2016) on a 56×56 map, with
/// the ReLUs and the shortcut removed separately.
///
/// A unit is 1×1 c→c/4, 3×3 c/4→c/4 (padding 1), 1×1 c/4→c, with c = 32 (both columns);
/// with ReLU, one follows each of the first two convolutions and one the unit's output
/// (after the add when the shortcut is there); the shortcut is an identity add. All rows
/// have the same multiply-adds, hw·(c·c/4·2 + 9·(c/4)²) per unit: only element-wise
/// work differs. Batch norm is left out, as an inference engine folds it into the
/// convolutions.
enum ElementwiseExperiment {
    static let labels = ["ReLU+shortcut", "ReLU only", "shortcut only", "neither"]

    static func rows(_ setup: ExperimentSetup) throws(InputError) -> (structure: String, rows: [ExperimentRow]) {
        let c = 32 * setup.scale, inner = c / 4
        var rows: [ExperimentRow] = []
        for (index, label) in labels.enumerated() {
            let relu = index <= 1, shortcut = index == 0 || index == 2
            var (builder, previous) = try setup.builder("g4_\(label)_c\(c)", channels: c)
            for unit in 1...ExperimentTable.blocks {
                let name = "unit\(unit)", identity = previous
                previous = try builder.convolution("\(name).conv1", previous, out: inner)
                if relu { previous = try builder.add(name: "\(name).relu1", operation: .activation(Activation(.relu)), inputs: [previous]) }
                previous = try builder.convolution("\(name).conv2", previous, out: inner, kernel: 3)
                if relu { previous = try builder.add(name: "\(name).relu2", operation: .activation(Activation(.relu)), inputs: [previous]) }
                previous = try builder.convolution("\(name).conv3", previous, out: c)
                if shortcut { previous = try builder.add(name: "\(name).add", operation: .elementwise(Elementwise(.add)), inputs: [identity, previous]) }
                if relu { previous = try builder.add(name: "\(name).relu3", operation: .activation(Activation(.relu)), inputs: [previous]) }
            }
            rows.append(try ExperimentRow(.g4, index: index, label: label, configuration: "c=\(c) inner=\(inner)", builder: builder, setup: setup))
        }
        return ("10 ResNet bottlenecks 1x1 c->c/4, 3x3, 1x1 c/4->c, no bias, no batch norm", rows)
    }
}
