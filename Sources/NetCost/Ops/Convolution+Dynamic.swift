// MARK: Convolution by a weight computed at run time

/// Convolution whose weight is its second input, computed in the graph rather than
/// stored (`F.conv2d(x, w)`; an ONNX Conv whose W is the output of other nodes, as
/// NF-Nets' weight standardization makes it). Over 1, 2 or 3 spatial axes; the weight
/// is `[C_out, C_in/g, k…]`, so the output channels and the kernel come from its shape.
/// With `g` groups and a kernel of `∏k` taps:
/// - params = `C_out` for a stored bias, else 0: the weight is an input, and its stored
///            tensors count with the layers that hold them (docs/counting.md)
/// - macs   = `outputElements·(C_in/g)·∏k`, as for a stored weight
/// - flops  = `2·macs` (+ one add per output element for the bias)
/// - memory = every channel at the touched input positions, the whole weight, the bias,
///            the output
public struct DynamicConvolution: OperationRules, Hashable {
    /// The window; its kernel must be the weight's spatial dims.
    public var window: WindowND
    public var groups: Int
    public var bias: Bool

    public init(window: WindowND, groups: Int = 1, bias: Bool = false) {
        self.window = window
        self.groups = groups
        self.bias = bias
    }

    public var kind: String { "dynamic_conv\(window.rank)d" }
    public var arity: Arity { .two }
    public static var family: OpFamily { .convolution }
    public var storage: OutputStorage { .buffer }
    /// Its weight is not stored, so a batch norm cannot fold into it.
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    /// Both the input and the computed weight.
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { .inputs(inputs.count) }
    public func isDepthwise(inputChannels: Int?) -> Bool { groups > 1 && groups == inputChannels }

    /// `[C_out]` with a bias; the weight is an input.
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] {
        guard bias, inputs.count > 1, let outChannels = inputs[1].dims.first else { return [] }
        return [ParameterShape(.bias, [outChannels])]
    }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        let (batch, channels, spatial) = try ConvolutionND.layout(inputs[0], rank: window.rank, kind: kind)
        let weight = inputs[1].dims
        guard weight.count == window.rank + 2, Array(weight.dropFirst(2)) == window.kernel else {
            throw InputError("the weight \(TensorShape.format(weight)) is not [C_out, C_in/groups] and a kernel of \(TensorShape.format(window.kernel))", field: "inputs")
        }
        let (expected, overflow) = weight[1].multipliedReportingOverflow(by: groups)
        guard !overflow, expected == channels else {
            throw InputError("the weight \(TensorShape.format(weight)) with groups = \(groups) does not match the \(channels) input channels", field: "groups")
        }
        guard weight[0] % groups == 0 else {
            throw InputError("groups = \(groups) does not divide the weight's \(weight[0]) output channels", field: "groups")
        }
        var sizes: [Int] = []
        for (axis, size) in zip(try window.axes(input: spatial), spatial) { sizes.append(try axis.outputSize(input: size)) }
        return try TensorShape([batch, weight[0]] + sizes)
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        let input = inputs[0], weight = inputs[1]
        let macs = try product(output.elements, input.channels / groups, try product(of: window.kernel))
        let params = bias ? output.channels : 0
        return LayerCost(params: params,
                         macs: macs,
                         flops: try sum(try macs.multiplied(by: 2), bias ? output.elements : 0),
                         inputReads: try sum(try WindowNDCount.touchedInputs(window, input, output), weight.elements),
                         weightReads: params,
                         outputWrites: output.elements)
    }

    /// A 2-D window slides over H and W as a stored-weight convolution's does; other
    /// ranks end the field, as `ConvolutionND`.
    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow {
        guard window.rank == 2, let input = inputs.first, let axes = try? window.axes(input: Array(input.dims.dropFirst(2))) else { return .ends }
        return .sliding(height: axes[0].window, width: axes[1].window)
    }

    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { BatchAxis.kept(Array(inputs.prefix(1)), output) }

    /// `3x3/2 g4`.
    public func details(_ inputs: [TensorShape]) -> String {
        var text = window.text
        if let input = inputs.first, groups > 1 { text += isDepthwise(inputChannels: input.channels) ? " dw" : " g\(groups)" }
        return text
    }
}

// MARK: Spec fields

extension DynamicConvolution {
    /// `stride` (1), `padding` (0), `dilation` (1): each one number or one per axis;
    /// `groups` (1), `bias` (false). The kernel is the weight input's spatial dims.
    static func decoder(rank: Int) -> OpDecoder {
        { (fields: inout LayerFields, inputs: [TensorShape]) throws(InputError) -> Operation in
            guard inputs.count == 2, inputs[1].rank == rank + 2 else {
                throw fields.error("takes an input and a weight [C_out, C_in/groups] and \(rank) kernel axes", field: "inputs")
            }
            let window = try fields.windowND(rank: rank, kernel: Array(inputs[1].dims.dropFirst(2)))
            return .dynamicConvolution(DynamicConvolution(window: window, groups: try fields.int("groups", default: 1),
                                                          bias: try fields.bool("bias", default: false)))
        }
    }
}
