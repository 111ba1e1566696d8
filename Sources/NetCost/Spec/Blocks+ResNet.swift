extension SpecExpander {
    // MARK: resnet_basic

    /// ResNet's basic block: `name.conv1` (3×3, stride, norm, activation), `name.conv2`
    /// (3×3, norm), `name.downsample` (1×1 at the stride, norm) when the shape changes,
    /// `name.add` and `name.act`. Fields: `out`, `stride` (1), `norm`, `activation`.
    static func resnetBasic(_ expander: inout SpecExpander, _ fields: inout LayerFields, _ name: String, _ inputs: [Int]) throws(InputError) -> Int {
        let input = try expander.single(inputs, fields)
        let norm = try fields.norm(), activation = try fields.activation()
        let out = try fields.channels(), stride = try fields.size2D("stride", default: .square(1))
        var last = try expander.addConvUnit(name + ".conv1", input: input, ConvUnit(
            out: out, kernel: .square(3), stride: stride, norm: norm, activation: activation))
        last = try expander.addConvUnit(name + ".conv2", input: last, ConvUnit(out: out, kernel: .square(3), norm: norm, activation: nil))
        return try expander.addShortcut(name, input: input, output: last, stride: stride, norm: norm, activation: activation)
    }

    // MARK: resnet_bottleneck

    /// ResNet's bottleneck (v1.5, stride on the 3×3): `name.conv1` (1×1 to `width`),
    /// `name.conv2` (3×3, stride), `name.conv3` (1×1 to `out`, default `4·width`, norm
    /// only), `name.downsample` when the shape changes, `name.add`, `name.act`.
    /// Fields: `width`, `out`, `stride` (1), `norm`, `activation`.
    static func resnetBottleneck(_ expander: inout SpecExpander, _ fields: inout LayerFields, _ name: String, _ inputs: [Int]) throws(InputError) -> Int {
        let input = try expander.single(inputs, fields)
        let norm = try fields.norm(), activation = try fields.activation()
        let width = try fields.channels("width")
        let out = fields.has("out") ? try fields.channels() : 4 * width
        let stride = try fields.size2D("stride", default: .square(1))
        var last = try expander.addConvUnit(name + ".conv1", input: input, ConvUnit(out: width, norm: norm, activation: activation))
        last = try expander.addConvUnit(name + ".conv2", input: last, ConvUnit(
            out: width, kernel: .square(3), stride: stride, norm: norm, activation: activation))
        last = try expander.addConvUnit(name + ".conv3", input: last, ConvUnit(out: out, norm: norm, activation: nil))
        return try expander.addShortcut(name, input: input, output: last, stride: stride, norm: norm, activation: activation)
    }

    /// The residual sum, with a 1×1 projection of the input when its shape differs, then the activation.
    private mutating func addShortcut(_ name: String, input: Int, output: Int, stride: Size2D,
                                      norm: NormalizationChoice, activation: Activation.Function?) throws(InputError) -> Int {
        var shortcut = input
        if builder.shape(of: input) != builder.shape(of: output) {
            shortcut = try addConvUnit(name + ".downsample", input: input, ConvUnit(
                out: channels(of: output), stride: stride, norm: norm, activation: nil))
        }
        var last = try add(name + ".add", .elementwise(Elementwise(.add)), [shortcut, output])
        if let activation { last = try add(name + ".act", .activation(Activation(activation)), [last]) }
        return last
    }
}
