/// Table 2 (G2): ten 1×1 group convolutions c→c with g groups on a 56×56 map.
///
/// The multiply-adds per layer, hw·c²/g, stay about fixed while g goes 1, 2, 4, 8 and c
/// grows with √g: 128, 180, 256, 360 in the GPU columns, 64, 90, 128, 184 in the ARM
/// ones. (The paper prints 180 for g = 8 on ARM, which 8 does not divide; its authors
/// give 184.) Each layer's memory access is hw·2c + c²/g: at fixed FLOPs and a wider c it
/// grows with g (ShuffleNet V2, Eq. 2).
enum GroupConvolutionExperiment {
    static let groups = [1, 2, 4, 8]
    static let gpu = [128, 180, 256, 360]
    static let arm = [64, 90, 128, 184]

    static func rows(_ setup: ExperimentSetup) throws(InputError) -> (structure: String, rows: [ExperimentRow]) {
        var rows: [ExperimentRow] = []
        for (index, base) in (setup.channels == .gpu ? gpu : arm).enumerated() {
            let c = base * setup.scale, g = groups[index]
            var (builder, previous) = try setup.builder("g2_g\(g)_c\(c)", channels: c)
            for layer in 1...ExperimentTable.blocks {
                previous = try builder.convolution("layer\(layer).conv", previous, out: c, groups: g)
            }
            rows.append(try ExperimentRow(.g2, index: index, label: "g=\(g)", configuration: "c=\(c)",
                                          builder: builder, setup: setup))
        }
        return ("10 stacked 1x1 group convs c->c with g groups, no bias, no activation", rows)
    }
}
