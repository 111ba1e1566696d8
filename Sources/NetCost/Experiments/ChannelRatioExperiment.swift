/// Table 1 (G1): ten blocks of two 1×1 convolutions, c1→c2 then c2→c1, on a 56×56 map.
///
/// The rows keep the multiply-adds per block, 2·hw·c1·c2, about fixed while c1:c2 goes
/// 1:1, 1:2, 1:6, 1:12: (128,128), (90,180), (52,312), (36,432) in the GPU columns,
/// (32,32), (22,44), (13,78), (9,108) in the ARM ones (c1 = ⌊c/√r⌋, c2 = r·c1). Each
/// convolution's memory access is hw(c1 + c2) + c1c2, which at fixed hw·c1·c2 is least
/// when c1 = c2 (ShuffleNet V2, Eq. 1).
enum ChannelRatioExperiment {
    static let labels = ["1:1", "1:2", "1:6", "1:12"]
    static let gpu = [(128, 128), (90, 180), (52, 312), (36, 432)]
    static let arm = [(32, 32), (22, 44), (13, 78), (9, 108)]

    static func rows(_ setup: ExperimentSetup) throws(InputError) -> (structure: String, rows: [ExperimentRow]) {
        var rows: [ExperimentRow] = []
        for (index, base) in (setup.channels == .gpu ? gpu : arm).enumerated() {
            let (c1, c2) = (base.0 * setup.scale, base.1 * setup.scale)
            var (builder, previous) = try setup.builder("g1_\(c1)_\(c2)", channels: c1)
            for block in 1...ExperimentTable.blocks {
                previous = try builder.convolution("block\(block).conv1", previous, out: c2)
                previous = try builder.convolution("block\(block).conv2", previous, out: c1)
            }
            rows.append(try ExperimentRow(.g1, index: index, label: labels[index], configuration: "c1=\(c1) c2=\(c2)",
                                          builder: builder, setup: setup))
        }
        return ("10 blocks of two 1x1 convs, c1->c2 then c2->c1, no bias, no activation", rows)
    }
}
