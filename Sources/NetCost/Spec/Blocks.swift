/// Expands one block into named layers and returns the index of its output layer.
/// Arguments: the expander, the block's fields, the block's name, its input layers.
typealias BlockExpander = @Sendable (inout SpecExpander, inout LayerFields, String, [Int]) throws(InputError) -> Int

/// The block table: every block a spec may name. Each expands into layers named
/// `block.part` (`features.3.expand.conv`), which the graph files under the block's
/// group (`Graph.groups`), so reports fold them back into one row.
public enum BlockTable {
    public struct Entry: Sendable {
        public let kind: BlockKind
        public let summary: String
        let expand: BlockExpander

        public var name: String { kind.rawValue }
    }

    public static let entries: [Entry] = [
        Entry(kind: .conv, summary: "Convolution, then normalization and activation.", expand: SpecExpander.convBlock),
        Entry(kind: .depthwiseSeparable, summary: "MobileNet V1: 3x3 depthwise then 1x1 pointwise, each with norm and activation.", expand: SpecExpander.depthwiseSeparable),
        Entry(kind: .invertedResidual, summary: "MobileNetV2: 1x1 expand, depthwise, linear 1x1 project, residual add.", expand: SpecExpander.invertedResidual),
        Entry(kind: .mbconv, summary: "EfficientNet: inverted residual with squeeze-excite and swish.", expand: SpecExpander.mbconv),
        Entry(kind: .squeezeExcite, summary: "Global pool, 1x1 reduce, activation, 1x1 expand, gate, channel-wise scale.", expand: SpecExpander.squeezeExciteBlock),
        Entry(kind: .fire, summary: "SqueezeNet: 1x1 squeeze, then 1x1 and 3x3 expands concatenated.", expand: SpecExpander.fire),
        Entry(kind: .shuffleNetV2, summary: "ShuffleNet V2 unit: channel split (stride 1) or two branches (stride 2), concat, shuffle.", expand: SpecExpander.shuffleNetV2),
        Entry(kind: .resnetBasic, summary: "ResNet basic block: two 3x3 convs and a shortcut.", expand: SpecExpander.resnetBasic),
        Entry(kind: .resnetBottleneck, summary: "ResNet bottleneck: 1x1, 3x3, 1x1 (x4) and a shortcut.", expand: SpecExpander.resnetBottleneck),
    ]

    static let byName: [String: Entry] = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0) })
    public static var names: [String] { entries.map(\.name) }
}

/// A convolution with the normalization and activation that follow it.
struct ConvUnit {
    var out: Int
    var kernel: Size2D = .square(1)
    var stride: Size2D = .square(1)
    var dilation: Size2D = .square(1)
    var groups = 1
    /// nil: `(k − 1)/2·d` on each side, torchvision's rule, which keeps the size at stride 1.
    var padding: Padding?
    var norm: NormalizationChoice
    var activation: Activation.Function?
    /// nil: a bias exactly when no normalization follows.
    var bias: Bool?
}

extension SpecExpander {
    // MARK: Helpers for blocks

    func channels(of layer: Int) -> Int { builder.shape(of: layer).channels }

    mutating func add(_ name: String, _ operation: Operation, _ inputs: [Int]) throws(InputError) -> Int {
        try builder.add(name: name, operation: operation, inputs: inputs)
    }

    /// Adds `name.conv`, `name.bn`, `name.act` (only `name` for a bare convolution) and
    /// returns the last.
    mutating func addConvUnit(_ name: String, input: Int, _ unit: ConvUnit) throws(InputError) -> Int {
        let padding = unit.padding ?? .symmetric((unit.kernel.height - 1) / 2 * unit.dilation.height,
                                                 (unit.kernel.width - 1) / 2 * unit.dilation.width)
        let convolution = Convolution(outChannels: unit.out, kernel: unit.kernel, stride: unit.stride, dilation: unit.dilation,
                                      padding: padding, groups: unit.groups, bias: unit.bias ?? (unit.norm == .none))
        let bare = unit.norm == .none && unit.activation == nil
        // A conv block already has its kind; a block's unit (`features.3.expand`) gets it here.
        if !bare, !builder.hasKind(ofGroup: name) { builder.setKind(.block(.conv), ofGroup: name) }
        var last = try add(bare ? name : name + ".conv", .convolution(convolution), [input])
        if unit.norm == .batchNorm {
            last = try add(name + ".bn", .normalization(Normalization(.batch)), [last])
        }
        if let activation = unit.activation {
            last = try add(name + ".act", .activation(Activation(activation)), [last])
        }
        return last
    }

    /// Adds `name.add`, the residual sum of `input` and `output`, when their shapes agree and
    /// the block allows it (`"residual"`, default true); otherwise returns `output`.
    /// With `dropProbability` above 0 the branch passes through `name.stochastic_depth` first.
    mutating func addResidual(_ name: String, input: Int, output: Int, _ fields: inout LayerFields, dropProbability: Double = 0) throws(InputError) -> Int {
        let wanted = try fields.bool("residual", default: true)
        guard wanted, builder.shape(of: input) == builder.shape(of: output) else { return output }
        var branch = output
        if dropProbability > 0 {
            branch = try add(name + ".stochastic_depth", .identity(Identity(label: "stochastic_depth", dropProbability: dropProbability)), [output])
        }
        return try add(name + ".add", .elementwise(Elementwise(.add)), [input, branch])
    }

    // MARK: conv

    /// `out`, `kernel`, `stride` (1), `dilation` (1), `groups` (1 or `"depthwise"`),
    /// `padding` (`(k − 1)/2·d`), `norm`, `activation`, `bias`, `scale_width`.
    static func convBlock(_ expander: inout SpecExpander, _ fields: inout LayerFields, _ name: String, _ inputs: [Int]) throws(InputError) -> Int {
        let input = try expander.single(inputs, fields)
        let inChannels = expander.channels(of: input)
        var unit = ConvUnit(out: 0, norm: try fields.norm(), activation: try fields.activation())
        unit.kernel = try fields.size2D("kernel")
        unit.stride = try fields.size2D("stride", default: .square(1))
        unit.dilation = try fields.size2D("dilation", default: .square(1))
        if case .string("depthwise")? = fields.value("groups") {
            unit.groups = inChannels
            unit.out = fields.has("out") ? try fields.channels() : inChannels * (try fields.int("multiplier", default: 1))
        } else {
            unit.groups = try fields.int("groups", default: 1)
            unit.out = try fields.channels()
        }
        if fields.has("padding") { unit.padding = try fields.padding(default: .zero) }
        unit.bias = try fields.optionalBias()
        return try expander.addConvUnit(name, input: input, unit)
    }

    // MARK: depthwise_separable

    /// MobileNet V1's unit: `name.dw` (k×k depthwise, stride) and `name.pw` (1×1 to `out`),
    /// each followed by norm and activation. Fields: `out`, `stride` (1), `kernel` (3),
    /// `norm`, `activation`, `bias`.
    static func depthwiseSeparable(_ expander: inout SpecExpander, _ fields: inout LayerFields, _ name: String, _ inputs: [Int]) throws(InputError) -> Int {
        let input = try expander.single(inputs, fields)
        let inChannels = expander.channels(of: input)
        let norm = try fields.norm(), activation = try fields.activation(), bias = try fields.optionalBias()
        let out = try fields.channels()
        var padding: Padding?
        if fields.has("padding") { padding = try fields.padding(default: .zero) }
        let depthwise = try expander.addConvUnit(name + ".dw", input: input, ConvUnit(
            out: inChannels, kernel: try fields.size2D("kernel", default: .square(3)), stride: try fields.size2D("stride", default: .square(1)),
            groups: inChannels, padding: padding, norm: norm, activation: activation, bias: bias))
        return try expander.addConvUnit(name + ".pw", input: depthwise, ConvUnit(out: out, norm: norm, activation: activation, bias: bias))
    }

    // MARK: fire

    /// SqueezeNet's fire module: `name.squeeze` (1×1 to `squeeze`), then `name.expand1x1`
    /// (1×1 to `expand1x1`) and `name.expand3x3` (3×3, padding 1, to `expand3x3`) on the
    /// squeezed map, joined by `name.concat`. `bypass: true` adds the input (simple
    /// bypass; the channels must match). Also `norm`, `activation`, `bias`.
    static func fire(_ expander: inout SpecExpander, _ fields: inout LayerFields, _ name: String, _ inputs: [Int]) throws(InputError) -> Int {
        let input = try expander.single(inputs, fields)
        let norm = try fields.norm(), activation = try fields.activation(), bias = try fields.optionalBias()
        let squeeze = try expander.addConvUnit(name + ".squeeze", input: input, ConvUnit(
            out: try fields.channels("squeeze"), norm: norm, activation: activation, bias: bias))
        let expand1x1 = try expander.addConvUnit(name + ".expand1x1", input: squeeze, ConvUnit(
            out: try fields.channels("expand1x1"), norm: norm, activation: activation, bias: bias))
        let expand3x3 = try expander.addConvUnit(name + ".expand3x3", input: squeeze, ConvUnit(
            out: try fields.channels("expand3x3"), kernel: .square(3), norm: norm, activation: activation, bias: bias))
        let concat = try expander.add(name + ".concat", .concat(Concat(axis: 1)), [expand1x1, expand3x3])
        guard try fields.bool("bypass", default: false) else { return concat }
        guard expander.builder.shape(of: input) == expander.builder.shape(of: concat) else {
            throw fields.error("a simple bypass needs the fire module's input and output shapes to match (\(expander.builder.shape(of: input)) vs \(expander.builder.shape(of: concat)))", field: "bypass")
        }
        return try expander.add(name + ".bypass", .elementwise(Elementwise(.add)), [input, concat])
    }
}

extension LayerFields {
    /// `norm`: `"batchnorm"` or `"none"`; the spec default otherwise.
    mutating func norm() throws(InputError) -> NormalizationChoice {
        let names = NormalizationChoice.allCases.map(\.rawValue)
        guard has("norm") else { return context.defaults.norm }
        if case .null? = value("norm") { return .none }
        return NormalizationChoice(rawValue: try choice("norm", from: names)) ?? .none
    }

    /// `activation`: a function name, or `null` / `"none"`; the spec default otherwise.
    mutating func activation(_ key: String = "activation", default fallback: Activation.Function?? = nil) throws(InputError) -> Activation.Function? {
        switch value(key) {
        case nil: return fallback ?? context.defaults.activation
        case .null?, .string("none")?: return nil
        case .string(let name)?:
            guard let function = Activation.Function.byName[name] else {
                let names = Activation.Function.byName.keys.sorted()
                throw error("\"\(name)\" is not an activation\(Suggestion.phrase(for: name, among: names)); one of \(names.joined(separator: ", ")) or none", field: key)
            }
            if case .leakyRelu = function { return .leakyRelu(slope: try double("slope", default: 0.01)) }
            return function
        case let other?:
            throw error("expected an activation name or null, got \(other.typeDescription)", field: key)
        }
    }

    /// `bias`: true or false; the spec default, or nil to follow the norm.
    mutating func optionalBias() throws(InputError) -> Bool? {
        guard has("bias") else { return context.defaults.bias }
        return try bool("bias", default: false)
    }
}
