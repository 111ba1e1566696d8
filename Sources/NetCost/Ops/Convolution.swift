// MARK: Convolution

/// 2-D convolution of `[N, C, H, W]`: standard, grouped, depthwise (`groups = C_in`, optionally with a
/// channel multiplier `C_out = m·C_in`), dilated, with asymmetric kernels and padding.
///
/// With `g` groups each output channel sees `C_in/g` input channels through a `kh×kw` kernel:
/// - params  = `C_out·(C_in/g)·kh·kw` (+ `C_out` bias)
/// - macs    = `outputElements·(C_in/g)·kh·kw`, padding taps included, as the papers count
///             (MobileNets: `Dk·Dk·M·N·DF·DF`); grouped and depthwise need no special case
/// - flops   = `2·macs` (+ one add per output element for the bias)
/// - memory  = all `C_in` channels at the touched input positions (a 1×1 stride-2 conv
///             reads a quarter of its input), the weights and bias, the output
public struct Convolution: OperationRules, SlidingWindowOperation, Hashable {
    public var outChannels: Int
    public var kernel: Size2D
    public var stride: Size2D
    public var dilation: Size2D
    public var padding: Padding
    public var groups: Int
    public var bias: Bool

    public init(outChannels: Int, kernel: Size2D, stride: Size2D = .square(1), dilation: Size2D = .square(1),
                padding: Padding = .zero, groups: Int = 1, bias: Bool = true) {
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.dilation = dilation
        self.padding = padding
        self.groups = groups
        self.bias = bias
    }

    public var kind: String { "conv2d" }
    public var arity: Arity { .one }
    public static var family: OpFamily { .convolution }
    public var storage: OutputStorage { .buffer }

    public var fusion: FusionRole {
        var biased = self
        biased.bias = true
        return .base(withBias: .convolution(biased))
    }
    public var inPlace: InPlaceRole { .never }
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { .input }

    /// `[C_out, C_in/g, kh, kw]`, then `[C_out]` with a bias.
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] {
        let weight = ParameterShape(.weight, [outChannels, inputs[0].channels / groups, kernel.height, kernel.width])
        return bias ? [weight, ParameterShape(.bias, [outChannels])] : [weight]
    }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        let (batch, channels, _) = try ShapeCheck.featureMap(inputs[0], for: kind)
        guard channels % groups == 0 else {
            throw InputError("groups = \(groups) does not divide the \(channels) input channels", field: "groups")
        }
        guard outChannels % groups == 0 else {
            throw InputError("groups = \(groups) does not divide the \(outChannels) output channels", field: "out")
        }
        let axes = axes(inputs[0])
        return try TensorShape([batch, outChannels,
                                try axes[0].outputSize(input: inputs[0].dims[2]),
                                try axes[1].outputSize(input: inputs[0].dims[3])])
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        let input = inputs[0]
        let inputsPerGroup = input.channels / groups
        let weights = try product(outChannels, inputsPerGroup, kernel.height, kernel.width)
        let params = try weights.adding(bias ? outChannels : 0)
        let macs = try product(output.elements, inputsPerGroup, kernel.height, kernel.width)
        return LayerCost(params: params,
                         macs: macs,
                         flops: try sum(try macs.multiplied(by: 2), bias ? output.elements : 0),
                         inputReads: try touchedInputs(input, output),
                         weightReads: params,
                         outputWrites: output.elements)
    }

    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { slidingWindow(inputs[0]) }
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { BatchAxis.kept(inputs, output) }

    /// Depthwise: one group per input channel, of more than one channel (MobileNets'
    /// depthwise conv). The one test of it: checks, reports and the executor ask here.
    public func isDepthwise(inputChannels: Int?) -> Bool { groups > 1 && groups == inputChannels }

    /// `128→256 1x1`, `96 3x3/2 dw`, `64→128 3x3 d2 g4`: channels, then the window.
    public func details(_ inputs: [TensorShape]) -> String {
        ConvolutionDetails.text(inputChannels: inputs.first?.channels, outChannels: outChannels, window: windowText, groups: groups)
    }
}

// MARK: Transposed convolution

/// 2-D transposed convolution ("deconvolution"), with groups, dilation and `output_padding`.
///
/// Output size per axis: `(n − 1)·s − pb − pa + d·(k − 1) + output_padding + 1`.
/// Each input element is scattered through the `(C_out/g)·kh·kw` kernel taps of its group:
/// - params = `C_in·(C_out/g)·kh·kw` (+ `C_out` bias)
/// - macs   = `inputElements·(C_out/g)·kh·kw`, taps that land in the cropped border
///            included, as PyTorch's flop counter and a scatter implementation count them
/// - flops  = `2·macs` (+ one add per output element for the bias)
/// - memory = the whole input, the weights and bias, the output once
public struct TransposedConvolution: OperationRules, Hashable {
    public var outChannels: Int
    public var kernel: Size2D
    public var stride: Size2D
    public var dilation: Size2D
    /// Cropped from the full output: top, bottom, left, right.
    public var padding: Padding
    public var outputPadding: Size2D
    public var groups: Int
    public var bias: Bool

    public init(outChannels: Int, kernel: Size2D, stride: Size2D = .square(1), dilation: Size2D = .square(1),
                padding: Padding = .zero, outputPadding: Size2D = .square(0), groups: Int = 1, bias: Bool = true) {
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.dilation = dilation
        self.padding = padding
        self.outputPadding = outputPadding
        self.groups = groups
        self.bias = bias
    }

    public var kind: String { "conv_transpose2d" }
    public var arity: Arity { .one }
    public static var family: OpFamily { .convolution }
    public var storage: OutputStorage { .buffer }

    public var fusion: FusionRole {
        var biased = self
        biased.bias = true
        return .base(withBias: .transposedConvolution(biased))
    }
    public var inPlace: InPlaceRole { .never }
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { .input }

    /// Counted as a convolution of its own kind, never as depthwise.
    public func isDepthwise(inputChannels: Int?) -> Bool { false }

    /// `[C_in, C_out/g, kh, kw]` (PyTorch's transposed layout), then `[C_out]` with a bias.
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] {
        let weight = ParameterShape(.weight, [inputs[0].channels, outChannels / groups, kernel.height, kernel.width])
        return bias ? [weight, ParameterShape(.bias, [outChannels])] : [weight]
    }

    /// Padding per axis as (before, after); "same" is not defined for transposed convolution.
    var cropping: [(before: Int, after: Int)] {
        if case let .explicit(top, bottom, left, right) = padding { return [(top, bottom), (left, right)] }
        return [(0, 0), (0, 0)]
    }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        let (batch, channels, size) = try ShapeCheck.featureMap(inputs[0], for: kind)
        if case .same = padding { throw InputError("\"same\" padding is not defined for a transposed convolution", field: "padding") }
        guard channels % groups == 0 else {
            throw InputError("groups = \(groups) does not divide the \(channels) input channels", field: "groups")
        }
        guard outChannels % groups == 0 else {
            throw InputError("groups = \(groups) does not divide the \(outChannels) output channels", field: "out")
        }
        let sizes = [size.height, size.width], kernels = [kernel.height, kernel.width]
        let strides = [stride.height, stride.width], dilations = [dilation.height, dilation.width]
        let extras = [outputPadding.height, outputPadding.width]
        var spatial: [Int] = []
        for axis in 0..<2 {
            guard extras[axis] < max(strides[axis], dilations[axis]) else {
                throw InputError("output_padding \(extras[axis]) must be smaller than the stride or the dilation", field: "output_padding")
            }
            let full = (sizes[axis] - 1) * strides[axis] + dilations[axis] * (kernels[axis] - 1) + extras[axis] + 1
            let cropped = full - cropping[axis].before - cropping[axis].after
            guard cropped >= 1 else {
                throw InputError("padding crops the whole output (\(full) before cropping)", field: "padding")
            }
            spatial.append(cropped)
        }
        return try TensorShape([batch, outChannels] + spatial)
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        let input = inputs[0]
        let outputsPerGroup = outChannels / groups
        let weights = try product(input.channels, outputsPerGroup, kernel.height, kernel.width)
        let params = try weights.adding(bias ? outChannels : 0)
        let macs = try product(input.elements, outputsPerGroup, kernel.height, kernel.width)
        return LayerCost(params: params,
                         macs: macs,
                         flops: try sum(try macs.multiplied(by: 2), bias ? output.elements : 0),
                         inputReads: input.elements,
                         weightReads: params,
                         outputWrites: output.elements)
    }

    /// In input coordinates an output position sees about `ceil(k_eff / s)` inputs and
    /// the jump shrinks by `s`: an approximation, as the taps reaching an output vary
    /// with its position modulo the stride.
    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow {
        let strides = [stride.height, stride.width]
        let effective = [dilation.height * (kernel.height - 1) + 1, dilation.width * (kernel.width - 1) + 1]
        let axes = (0..<2).map { (axis: Int) -> AxisWindow in
            let extent = (effective[axis] + strides[axis] - 1) / strides[axis]
            let offset = Double(effective[axis] - 1 - cropping[axis].before) / Double(strides[axis])
            return AxisWindow(extent: extent, stride: 1 / Double(strides[axis]), offset: offset)
        }
        return .sliding(height: axes[0], width: axes[1])
    }

    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { BatchAxis.kept(inputs, output) }

    public func details(_ inputs: [TensorShape]) -> String {
        var window = kernel.text()
        if stride != .square(1) { window += "/" + stride.text(compact: true) }
        return ConvolutionDetails.text(inputChannels: inputs.first?.channels, outChannels: outChannels, window: window, groups: groups)
    }
}

/// A convolution's report details as ptflops prints a module: channels in→out (one
/// number when a depthwise layer keeps them), the window, then `dw` or `gN`.
enum ConvolutionDetails {
    static func text(inputChannels: Int?, outChannels: Int, window: String, groups: Int) -> String {
        guard let inputs = inputChannels else { return window }
        let depthwise = groups > 1 && groups == inputs
        let channels = depthwise && outChannels == inputs ? "\(inputs)" : "\(inputs)→\(outChannels)"
        return channels + " " + window + (groups == 1 ? "" : depthwise ? " dw" : " g\(groups)")
    }
}

// MARK: Spec fields

extension Convolution {
    /// `out`, `kernel`, `stride` (1), `padding` (0, as in PyTorch), `dilation` (1),
    /// `groups` (1, a number or `"depthwise"`), `multiplier` (depthwise only: `out = m·C_in`),
    /// `bias` (the spec default, else true).
    static func decode(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        let kernel = try fields.size2D("kernel")
        let dilation = try fields.size2D("dilation", default: .square(1))
        let inChannels = inputs.first?.channels ?? 1
        let groups: Int, outChannels: Int
        if case .string("depthwise")? = fields.value("groups") {
            groups = inChannels
            let multiplier = try fields.int("multiplier", default: 1)
            outChannels = fields.has("out") ? try fields.channels() : inChannels * multiplier
        } else {
            groups = try fields.int("groups", default: 1)
            outChannels = try fields.channels()
        }
        return .convolution(Convolution(
            outChannels: outChannels,
            kernel: kernel,
            stride: try fields.size2D("stride", default: .square(1)),
            dilation: dilation,
            padding: try fields.padding(default: .zero),
            groups: groups,
            bias: try fields.bool("bias", default: fields.context.defaults.bias ?? true)))
    }
}

extension TransposedConvolution {
    /// `out`, `kernel`, `stride` (1), `padding` (0), `output_padding` (0), `dilation` (1),
    /// `groups` (1), `bias` (the spec default, else true).
    static func decode(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        let padding = try fields.padding(default: .zero)
        if case .same = padding { throw fields.error("\"same\" is not defined for a transposed convolution", field: "padding") }
        return .transposedConvolution(TransposedConvolution(
            outChannels: try fields.channels(),
            kernel: try fields.size2D("kernel"),
            stride: try fields.size2D("stride", default: .square(1)),
            dilation: try fields.size2D("dilation", default: .square(1)),
            padding: padding,
            outputPadding: try fields.size2D("output_padding", default: .square(0), minimum: 0),
            groups: try fields.int("groups", default: 1),
            bias: try fields.bool("bias", default: fields.context.defaults.bias ?? true)))
    }
}
