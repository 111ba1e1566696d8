extension SpecExpander {
    // MARK: inverted_residual

    /// MobileNetV2's bottleneck: `name.expand` (1×1 to `round(C_in·expand)`, skipped when
    /// `expand` is 1), `name.dw` (k×k depthwise, stride), `name.project` (linear 1×1 to
    /// `out`: norm, no activation) and `name.add` when stride is 1 and the shapes match.
    /// Fields: `expand` (t), `out` (c), `stride` (s), `kernel` (3), `norm`, `activation`,
    /// `residual` (true).
    static func invertedResidual(_ expander: inout SpecExpander, _ fields: inout LayerFields, _ name: String, _ inputs: [Int]) throws(InputError) -> Int {
        let input = try expander.single(inputs, fields)
        let inChannels = expander.channels(of: input)
        let norm = try fields.norm(), activation = try fields.activation()
        let expansion = try fields.double("expand")
        guard expansion > 0, expansion <= 1024 else { throw fields.error("expected a positive expansion ratio", field: "expand") }
        // torchvision: hidden_dim = round(inp · expand_ratio).
        let hidden = max(1, Int((Double(inChannels) * expansion).rounded()))
        var last = input
        if hidden != inChannels || expansion != 1 {
            last = try expander.addConvUnit(name + ".expand", input: last, ConvUnit(out: hidden, norm: norm, activation: activation))
        }
        last = try expander.addConvUnit(name + ".dw", input: last, ConvUnit(
            out: hidden, kernel: try fields.size2D("kernel", default: .square(3)), stride: try fields.size2D("stride", default: .square(1)),
            groups: hidden, norm: norm, activation: activation))
        last = try expander.addConvUnit(name + ".project", input: last, ConvUnit(out: try fields.channels(), norm: norm, activation: nil))
        return try expander.addResidual(name, input: input, output: last, &fields)
    }

    // MARK: mbconv

    /// EfficientNet's MBConv: `name.expand` (1×1 to `C_in·expand` rounded by the spec's
    /// rule, skipped at expand 1), `name.dw` (k×k depthwise, stride), `name.se`
    /// (squeeze-excite to `max(1, ⌊C_in·se_ratio⌋)` channels, the block's activation,
    /// sigmoid gate), `name.project` (linear 1×1 to `out`), `name.add` when shapes match.
    /// Fields: `expand`, `out`, `kernel` (3), `stride` (1), `se_ratio` (0.25; 0 for none),
    /// `norm`, `activation`, `residual` (true), `stochastic_depth` (0: the residual
    /// branch's drop probability in training, `name.stochastic_depth`).
    static func mbconv(_ expander: inout SpecExpander, _ fields: inout LayerFields, _ name: String, _ inputs: [Int]) throws(InputError) -> Int {
        let input = try expander.single(inputs, fields)
        let inChannels = expander.channels(of: input)
        let norm = try fields.norm(), activation = try fields.activation()
        let expansion = try fields.double("expand")
        guard expansion > 0, expansion <= 1024 else { throw fields.error("expected a positive expansion ratio", field: "expand") }
        // torchvision: expanded_channels = _make_divisible(input_channels · expand_ratio, 8).
        let expanded = fields.context.scaling.rounding.apply(Double(inChannels) * expansion)
        var last = input
        if expanded != inChannels {
            last = try expander.addConvUnit(name + ".expand", input: last, ConvUnit(out: expanded, norm: norm, activation: activation))
        }
        last = try expander.addConvUnit(name + ".dw", input: last, ConvUnit(
            out: expanded, kernel: try fields.size2D("kernel", default: .square(3)), stride: try fields.size2D("stride", default: .square(1)),
            groups: expanded, norm: norm, activation: activation))
        let ratio = try fields.double("se_ratio", default: 0.25)
        guard ratio >= 0, ratio <= 1 else { throw fields.error("expected a ratio between 0 and 1", field: "se_ratio") }
        if ratio > 0 {
            let squeeze = max(1, Int(Double(inChannels) * ratio))
            last = try expander.addSqueezeExcite(name + ".se", input: last, squeeze: squeeze,
                                                 activation: activation ?? .relu, gate: try fields.activation("se_gate", default: .some(.sigmoid)) ?? .sigmoid)
        }
        last = try expander.addConvUnit(name + ".project", input: last, ConvUnit(out: try fields.channels(), norm: norm, activation: nil))
        let drop = try fields.double("stochastic_depth", default: 0)
        guard drop >= 0, drop < 1 else { throw fields.error("expected a probability from 0 up to 1", field: "stochastic_depth") }
        return try expander.addResidual(name, input: input, output: last, &fields, dropProbability: drop)
    }

    // MARK: squeeze_excite

    /// Squeeze-and-excitation: `name.pool` (global average), `name.reduce` (1×1 with bias
    /// to `squeeze` channels), `name.act`, `name.expand` (1×1 with bias back to C),
    /// `name.gate`, and `name.scale`, the per-channel multiply `[C, H, W] × [C, 1, 1]`.
    mutating func addSqueezeExcite(_ name: String, input: Int, squeeze: Int, activation: Activation.Function, gate: Activation.Function) throws(InputError) -> Int {
        let channels = self.channels(of: input)
        var last = try add(name + ".pool", .globalPooling(GlobalPooling(.average)), [input])
        last = try add(name + ".reduce", .convolution(Convolution(outChannels: squeeze, kernel: .square(1))), [last])
        last = try add(name + ".act", .activation(Activation(activation)), [last])
        last = try add(name + ".expand", .convolution(Convolution(outChannels: channels, kernel: .square(1))), [last])
        last = try add(name + ".gate", .activation(Activation(gate)), [last])
        return try add(name + ".scale", .elementwise(Elementwise(.mul)), [input, last])
    }

    /// Fields: `squeeze` (channels), or `ratio` of the input channels (0.25) rounded to a
    /// multiple of `divisor` (1; MobileNetV3 uses 8); `activation` (relu), `gate` (sigmoid).
    static func squeezeExciteBlock(_ expander: inout SpecExpander, _ fields: inout LayerFields, _ name: String, _ inputs: [Int]) throws(InputError) -> Int {
        let input = try expander.single(inputs, fields)
        let channels = expander.channels(of: input)
        let squeeze: Int
        if fields.has("squeeze") {
            squeeze = try fields.int("squeeze")
        } else {
            let ratio = try fields.double("ratio", default: 0.25)
            guard ratio > 0, ratio <= 1 else { throw fields.error("expected a ratio above 0 and at most 1", field: "ratio") }
            let divisor = try fields.int("divisor", default: 1)
            squeeze = divisor == 1 ? max(1, Int(Double(channels) * ratio)) : ChannelRounding.divisible(by: divisor).apply(Double(channels) * ratio)
        }
        return try expander.addSqueezeExcite(name, input: input, squeeze: squeeze,
                                             activation: try fields.activation(default: .some(.relu)) ?? .relu,
                                             gate: try fields.activation("gate", default: .some(.sigmoid)) ?? .sigmoid)
    }
}
