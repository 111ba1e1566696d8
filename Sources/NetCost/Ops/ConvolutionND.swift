// MARK: 1-D and 3-D convolution

/// Convolution over 1 or 3 spatial axes: `[N, C, L]` (`conv1d`, audio and sequence
/// models) or `[N, C, T, H, W]` (`conv3d`, video networks), grouped and dilated, with
/// the same rules as `conv2d` axis by axis. With `g` groups and a kernel of `∏k` taps:
/// - params = `C_out·(C_in/g)·∏k` (+ `C_out` bias)
/// - macs   = `outputElements·(C_in/g)·∏k`, padding taps included, as for 2-D
/// - flops  = `2·macs` (+ one add per output element for the bias)
/// - memory = every channel at the touched input positions, the weights and bias, the output
///
/// Receptive fields are traced on 2-D maps only: the field ends here.
public struct ConvolutionND: OperationRules, Hashable {
    public var outChannels: Int
    public var window: WindowND
    public var groups: Int
    public var bias: Bool

    public init(outChannels: Int, window: WindowND, groups: Int = 1, bias: Bool = true) {
        self.outChannels = outChannels
        self.window = window
        self.groups = groups
        self.bias = bias
    }

    public var kind: String { "conv\(window.rank)d" }
    public var arity: Arity { .one }
    public static var family: OpFamily { .convolution }
    public var storage: OutputStorage { .buffer }

    public var fusion: FusionRole {
        var biased = self
        biased.bias = true
        return .base(withBias: .convolutionND(biased))
    }
    public var inPlace: InPlaceRole { .never }
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { .input }

    /// Depthwise: one group per input channel, as for 2-D.
    public func isDepthwise(inputChannels: Int?) -> Bool { groups > 1 && groups == inputChannels }

    /// `[C_out, C_in/g, k…]`, then `[C_out]` with a bias.
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] {
        let weight = ParameterShape(.weight, [outChannels, inputs[0].channels / groups] + window.kernel)
        return bias ? [weight, ParameterShape(.bias, [outChannels])] : [weight]
    }

    /// The input's `[N, C]` and spatial sizes, checked against the window's rank.
    static func layout(_ input: TensorShape, rank: Int, kind: String) throws(InputError) -> (batch: Int, channels: Int, spatial: [Int]) {
        guard input.rank == rank + 2 else {
            throw InputError("\(kind) needs [N, C] and \(rank) spatial axes, got shape \(TensorShape.format(input.dims))", field: "inputs")
        }
        return (input.dims[0], input.dims[1], Array(input.dims[2...]))
    }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        let (batch, channels, spatial) = try Self.layout(inputs[0], rank: window.rank, kind: kind)
        guard channels % groups == 0 else {
            throw InputError("groups = \(groups) does not divide the \(channels) input channels", field: "groups")
        }
        guard outChannels % groups == 0 else {
            throw InputError("groups = \(groups) does not divide the \(outChannels) output channels", field: "out")
        }
        var sizes: [Int] = []
        for (axis, size) in zip(try window.axes(input: spatial), spatial) { sizes.append(try axis.outputSize(input: size)) }
        return try TensorShape([batch, outChannels] + sizes)
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        let input = inputs[0]
        let taps = try product(of: window.kernel)
        let inputsPerGroup = input.channels / groups
        let params = try sum(try product(outChannels, inputsPerGroup, taps), bias ? outChannels : 0)
        let macs = try product(output.elements, inputsPerGroup, taps)
        return LayerCost(params: params,
                         macs: macs,
                         flops: try sum(try macs.multiplied(by: 2), bias ? output.elements : 0),
                         inputReads: try WindowNDCount.touchedInputs(window, input, output),
                         weightReads: params,
                         outputWrites: output.elements)
    }

    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { .ends }
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { BatchAxis.kept(inputs, output) }

    /// `3→64 3x3x3/1x2x2`, `64 7 dw`, `64→64 7 g4`.
    public func details(_ inputs: [TensorShape]) -> String {
        ConvolutionDetails.text(inputChannels: inputs.first?.channels, outChannels: outChannels, window: window.text, groups: groups)
    }
}

/// The input elements a window of any rank touches: every sample and channel at the
/// positions each axis reads (`SlidingAxis.touchedInputs`), multiplied.
enum WindowNDCount {
    static func touchedInputs(_ window: WindowND, _ input: TensorShape, _ output: TensorShape) throws(SizeOverflow) -> Int {
        let spatial = Array(input.dims.dropFirst(2)), outputs = Array(output.dims.dropFirst(2))
        guard let axes = try? window.axes(input: spatial), outputs.count == axes.count else { return input.elements }
        var touched = try input.dims[0].multiplied(by: input.dims[1])
        for (index, axis) in axes.enumerated() {
            touched = try touched.multiplied(by: axis.touchedInputs(input: spatial[index], output: outputs[index]))
        }
        return touched
    }
}

// MARK: Spec fields

extension ConvolutionND {
    /// `out`, `kernel`, `stride` (1), `padding` (0), `dilation` (1): each one number or
    /// one per axis; `groups` (1, or `"depthwise"`), `bias` (the spec default, else true).
    static func decoder(rank: Int) -> OpDecoder {
        { (fields: inout LayerFields, inputs: [TensorShape]) throws(InputError) -> Operation in
            let window = try fields.windowND(rank: rank)
            let inChannels = inputs.first?.channels ?? 1
            let groups: Int
            if case .string("depthwise")? = fields.value("groups") { groups = inChannels } else { groups = try fields.int("groups", default: 1) }
            let outChannels = fields.has("out") || groups != inChannels ? try fields.channels() : inChannels
            return .convolutionND(ConvolutionND(outChannels: outChannels, window: window, groups: groups,
                                                bias: try fields.bool("bias", default: fields.context.defaults.bias ?? true)))
        }
    }
}

// MARK: 1-D and 3-D transposed convolution

/// Transposed convolution over 1 or 3 spatial axes (`conv_transpose1d`,
/// `conv_transpose3d`), with groups, dilation and `output_padding`, axis by axis as
/// `conv_transpose2d`. Output size per axis: `(n − 1)·s − pb − pa + d·(k − 1) + op + 1`.
/// Each input element is scattered through the `(C_out/g)·∏k` taps of its group:
/// - params = `C_in·(C_out/g)·∏k` (+ `C_out` bias)
/// - macs   = `inputElements·(C_out/g)·∏k`, taps that land in the cropped border included
/// - flops  = `2·macs` (+ one add per output element for the bias)
/// - memory = the whole input, the weights and bias, the output once
///
/// Receptive fields are traced on 2-D maps only: the field ends here.
public struct TransposedConvolutionND: OperationRules, Hashable {
    public var outChannels: Int
    /// Kernel, stride and dilation per axis; its explicit padding is what is cropped
    /// from the full output before and after ("same" is not defined here).
    public var window: WindowND
    public var outputPadding: [Int]
    public var groups: Int
    public var bias: Bool

    public init(outChannels: Int, window: WindowND, outputPadding: [Int]? = nil, groups: Int = 1, bias: Bool = true) {
        self.outChannels = outChannels
        self.window = window
        self.outputPadding = outputPadding ?? Array(repeating: 0, count: window.rank)
        self.groups = groups
        self.bias = bias
    }

    public var kind: String { "conv_transpose\(window.rank)d" }
    public var arity: Arity { .one }
    public static var family: OpFamily { .convolution }
    public var storage: OutputStorage { .buffer }

    public var fusion: FusionRole {
        var biased = self
        biased.bias = true
        return .base(withBias: .transposedConvolutionND(biased))
    }
    public var inPlace: InPlaceRole { .never }
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { .input }

    /// Counted as a convolution of its own kind, never as depthwise.
    public func isDepthwise(inputChannels: Int?) -> Bool { false }

    /// `[C_in, C_out/g, k…]` (PyTorch's transposed layout), then `[C_out]` with a bias.
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] {
        let weight = ParameterShape(.weight, [inputs[0].channels, outChannels / groups] + window.kernel)
        return bias ? [weight, ParameterShape(.bias, [outChannels])] : [weight]
    }

    /// Per axis, the padding cropped before and after.
    public var cropping: (before: [Int], after: [Int]) {
        if case let .explicit(before, after) = window.padding { return (before, after) }
        return (Array(repeating: 0, count: window.rank), Array(repeating: 0, count: window.rank))
    }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        let (batch, channels, spatial) = try ConvolutionND.layout(inputs[0], rank: window.rank, kind: kind)
        if case .same = window.padding { throw InputError("\"same\" padding is not defined for a transposed convolution", field: "padding") }
        guard channels % groups == 0 else {
            throw InputError("groups = \(groups) does not divide the \(channels) input channels", field: "groups")
        }
        guard outChannels % groups == 0 else {
            throw InputError("groups = \(groups) does not divide the \(outChannels) output channels", field: "out")
        }
        let (before, after) = cropping
        guard window.stride.count == window.rank, window.dilation.count == window.rank, outputPadding.count == window.rank,
              before.count == window.rank, after.count == window.rank else {
            throw InputError("a \(window.rank)-D transposed convolution needs one stride, dilation, padding and output padding per axis", field: "kernel")
        }
        var sizes: [Int] = []
        for axis in 0..<window.rank {
            let (s, d, k, extra) = (window.stride[axis], window.dilation[axis], window.kernel[axis], outputPadding[axis])
            guard extra < max(s, d) else {
                throw InputError("output_padding \(extra) must be smaller than the stride or the dilation", field: "output_padding")
            }
            let full = try sum(try (spatial[axis] - 1).multiplied(by: s), try d.multiplied(by: k - 1), extra, 1)
            let cropped = full - before[axis] - after[axis]
            guard cropped >= 1 else { throw InputError("padding crops the whole output (\(full) before cropping)", field: "padding") }
            sizes.append(cropped)
        }
        return try TensorShape([batch, outChannels] + sizes)
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        let input = inputs[0]
        let taps = try product(of: window.kernel)
        let params = try sum(try product(input.channels, outChannels / groups, taps), bias ? outChannels : 0)
        let macs = try product(input.elements, outChannels / groups, taps)
        return LayerCost(params: params,
                         macs: macs,
                         flops: try sum(try macs.multiplied(by: 2), bias ? output.elements : 0),
                         inputReads: input.elements,
                         weightReads: params,
                         outputWrites: output.elements)
    }

    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { .ends }
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { BatchAxis.kept(inputs, output) }

    /// `3x3x3/1x2x2 g2`.
    public func details(_ inputs: [TensorShape]) -> String {
        window.text + (groups > 1 ? " g\(groups)" : "")
    }
}

extension TransposedConvolutionND {
    /// `out`, `kernel`, `stride` (1), `padding` (0), `output_padding` (0), `dilation` (1):
    /// each one number or one per axis; `groups` (1), `bias` (the spec default, else true).
    static func decoder(rank: Int) -> OpDecoder {
        { (fields: inout LayerFields, inputs: [TensorShape]) throws(InputError) -> Operation in
            if case .string? = fields.value("padding") {
                throw fields.error("give the padding as numbers: \"same\" and \"valid\" are not defined for a transposed convolution", field: "padding")
            }
            let window = try fields.windowND(rank: rank)
            let outputPadding = try fields.sizes("output_padding", rank: rank, default: Array(repeating: 0, count: rank), minimum: 0)
            return .transposedConvolutionND(TransposedConvolutionND(
                outChannels: try fields.channels(), window: window, outputPadding: outputPadding,
                groups: try fields.int("groups", default: 1),
                bias: try fields.bool("bias", default: fields.context.defaults.bias ?? true)))
        }
    }
}
