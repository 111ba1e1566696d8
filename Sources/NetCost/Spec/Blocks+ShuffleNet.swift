extension SpecExpander {
    // MARK: shufflenet_v2

    /// ShuffleNet V2's unit, as torchvision builds it, with `out/2` channels per branch.
    ///
    /// - stride 1 (input and output channels equal): `name.split.0` and `name.split.1`
    ///   halve the channels; the second half goes through `name.branch.pw1` (1×1, norm,
    ///   activation), `name.branch.dw` (3×3 depthwise, norm), `name.branch.pw2` (1×1, norm,
    ///   activation); the first half passes untouched.
    /// - stride 2: `name.shortcut.dw` (3×3 depthwise stride 2, norm) and `name.shortcut.pw`
    ///   (1×1, norm, activation) on the whole input, beside the branch with its depthwise at
    ///   stride 2.
    /// Both end in `name.concat` and `name.shuffle` (2 groups). Fields: `out`, `stride` (1),
    /// `kernel` (3), `norm`, `activation`, and `split`: `"half"` (torchvision's: each
    /// stride-2 branch makes out/2 channels) or `"keep_input"` (the authors' code: the
    /// stride-2 shortcut keeps the input's channels and the main branch makes out − in,
    /// through out/2 channels inside).
    static func shuffleNetV2(_ expander: inout SpecExpander, _ fields: inout LayerFields, _ name: String, _ inputs: [Int]) throws(InputError) -> Int {
        let input = try expander.single(inputs, fields)
        let inChannels = expander.channels(of: input)
        let norm = try fields.norm(), activation = try fields.activation()
        let out = try fields.channels()
        let stride = try fields.size2D("stride", default: .square(1))
        let kernel = try fields.size2D("kernel", default: .square(3))
        guard out % 2 == 0 else { throw fields.error("\(out) output channels do not split into two branches", field: "out") }
        let keepInput = try fields.choice("split", from: ["half", "keep_input"], default: "half") == "keep_input"
        let branchChannels = out / 2
        // The authors' stride-2 unit: shortcut keeps C_in, the main branch adds out − C_in.
        let shortcutChannels = stride != .square(1) && keepInput ? inChannels : branchChannels
        let mainChannels = out - shortcutChannels
        guard mainChannels >= 1 else {
            throw fields.error("the main branch would have \(mainChannels) channels: out must exceed the input's \(inChannels)", field: "out")
        }

        let shortcut: Int, branchInput: Int
        if stride == .square(1) {
            guard inChannels == out else {
                throw fields.error("a stride-1 unit keeps its channels: input \(inChannels), out \(out)", field: "out")
            }
            shortcut = try expander.add(name + ".split.0", .slice(Slice(axis: 1, start: 0, end: branchChannels, label: "split")), [input])
            branchInput = try expander.add(name + ".split.1", .slice(Slice(axis: 1, start: branchChannels, end: inChannels, label: "split")), [input])
        } else {
            let depthwise = try expander.addConvUnit(name + ".shortcut.dw", input: input, ConvUnit(
                out: inChannels, kernel: kernel, stride: stride, groups: inChannels, norm: norm, activation: nil))
            shortcut = try expander.addConvUnit(name + ".shortcut.pw", input: depthwise, ConvUnit(out: shortcutChannels, norm: norm, activation: activation))
            branchInput = input
        }
        var branch = try expander.addConvUnit(name + ".branch.pw1", input: branchInput, ConvUnit(out: branchChannels, norm: norm, activation: activation))
        branch = try expander.addConvUnit(name + ".branch.dw", input: branch, ConvUnit(
            out: branchChannels, kernel: kernel, stride: stride, groups: branchChannels, norm: norm, activation: nil))
        branch = try expander.addConvUnit(name + ".branch.pw2", input: branch, ConvUnit(out: mainChannels, norm: norm, activation: activation))
        let concat = try expander.add(name + ".concat", .concat(Concat(axis: 1)), [shortcut, branch])
        return try expander.add(name + ".shuffle", .channelShuffle(ChannelShuffle(groups: 2)), [concat])
    }
}
