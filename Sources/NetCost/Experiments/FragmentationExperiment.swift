/// Table 3 (G3): ten blocks of one to four 1×1 convolutions, in series or in parallel,
/// on a 56×56 map (the paper's appendix, Fig. 5).
///
/// The paper fixes c (128 in the GPU columns, 64 in the ARM ones) for the 1-fragment
/// block and adjusts the other blocks' channels so that every block has its FLOPs:
/// - *k-fragment-series*: k convolutions c′→c′ with c′ = ⌊c/√k⌋ (128 → 90 and 64), so
///   k·c′² ≈ c²;
/// - *k-fragment-parallel*, joined by concatenation (the default): k branches read the
///   same c channels and each writes c/k, concatenated back to c: k·c·(c/k) = c²
///   exactly; the concatenation is a copy that the 1-fragment block does not make;
/// - *k-fragment-parallel*, joined by addition: k branches c′→c′ with the series' c′,
///   summed by one k-input add.
enum FragmentationExperiment {
    static let labels = ["1-fragment", "2-fragment-series", "4-fragment-series", "2-fragment-parallel", "4-fragment-parallel"]

    static func rows(_ setup: ExperimentSetup, join: ParallelJoin) throws(InputError) -> (structure: String, rows: [ExperimentRow]) {
        let base = setup.channels == .gpu ? 128 : 64
        let c = base * setup.scale
        var rows: [ExperimentRow] = []
        for (index, label) in labels.enumerated() {
            let parts = [1, 2, 4, 2, 4][index]
            let parallel = index >= 3
            // Channel numbers are derived at ×1 and then scaled, as the paper's are.
            let narrow = equalFLOPsWidth(base, parts: parts) * setup.scale
            let width = parallel && join == .concat ? c : narrow
            var (builder, previous) = try setup.builder("g3_\(label)_c\(width)", channels: width)
            for block in 1...ExperimentTable.blocks {
                let name = "block\(block)"
                if !parallel {
                    for conv in 1...parts { previous = try builder.convolution("\(name).conv\(conv)", previous, out: narrow) }
                    continue
                }
                var branches: [Int] = []
                for branch in 1...parts {
                    let out = join == .concat ? c / parts : narrow
                    branches.append(try builder.convolution("\(name).branch\(branch).conv", previous, out: out))
                }
                let op: Operation = join == .concat ? .concat(Concat(axis: 1)) : .elementwise(Elementwise(.add))
                previous = try builder.add(name: "\(name).\(join.rawValue)", operation: op, inputs: branches)
            }
            let configuration: String
            switch (parallel, join) {
            case (false, _): configuration = parts == 1 ? "c=\(c)" : "\(parts) x conv \(narrow)->\(narrow)"
            case (true, .concat): configuration = "\(parts) x conv \(c)->\(c / parts), concat"
            case (true, .add): configuration = "\(parts) x conv \(narrow)->\(narrow), add"
            }
            rows.append(try ExperimentRow(.g3, index: index, label: label, configuration: configuration, builder: builder, setup: setup))
        }
        let joined = join == .concat ? "parallel branches concatenated" : "parallel branches added"
        return ("10 blocks of 1, 2 or 4 1x1 convs in series or in parallel (\(joined)), no bias, no activation", rows)
    }
}
