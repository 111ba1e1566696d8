// MARK: 1-D and 3-D pooling

/// Max and average pooling over 1 or 3 spatial axes (`[N, C, L]`, `[N, C, T, H, W]`),
/// with the 2-D rules axis by axis: PyTorch's `ceil_mode` and `count_include_pad`.
/// - flops  = `outputElements·∏k`
/// - memory = the touched input positions of every channel, and the output
public struct PoolingND: OperationRules, Hashable {
    public var mode: PoolingMode
    public var window: WindowND
    public var ceilMode: Bool
    public var countIncludePad: Bool

    public init(_ mode: PoolingMode, window: WindowND, ceilMode: Bool = false, countIncludePad: Bool = true) {
        self.mode = mode
        self.window = window
        self.ceilMode = ceilMode
        self.countIncludePad = countIncludePad
    }

    public var kind: String { (mode == .max ? "maxpool" : "avgpool") + "\(window.rank)d" }
    public var arity: Arity { .one }
    public static var family: OpFamily { .pooling }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule {
        mode == .max ? TrainingRule(saves: [.input(0), .own("indices", elements: output.elements, bytesPerElement: 8)]) : .input
    }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        let (batch, channels, spatial) = try ConvolutionND.layout(inputs[0], rank: window.rank, kind: kind)
        let axes = try window.axes(input: spatial)
        var sizes: [Int] = []
        for (axis, size) in zip(axes, spatial) {
            if case .explicit = window.padding, axis.padBefore > axis.kernel / 2 || axis.padAfter > axis.kernel / 2 {
                throw InputError("padding must be at most half the kernel (\(axis.kernel / 2)), as in PyTorch", field: "padding")
            }
            sizes.append(try axis.outputSize(input: size, ceilMode: ceilMode))
        }
        return try TensorShape([batch, channels] + sizes)
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        LayerCost(flops: try output.elements.multiplied(by: try product(of: window.kernel)),
                  inputReads: try WindowNDCount.touchedInputs(window, inputs[0], output),
                  outputWrites: output.elements)
    }

    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { .ends }
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { BatchAxis.kept(inputs, output) }

    public func details(_ inputs: [TensorShape]) -> String { window.text + (ceilMode ? " ceil" : "") }
}

extension PoolingND {
    /// `kernel`, `stride` (the kernel), `padding` (0), `dilation` (1, max only): each
    /// one number or one per axis; `ceil_mode` (false), `count_include_pad` (true, average only).
    static func decoder(_ mode: PoolingMode, rank: Int) -> OpDecoder {
        { (fields: inout LayerFields, _: [TensorShape]) throws(InputError) -> Operation in
            var window = try fields.windowND(rank: rank, strideDefaultsToKernel: true)
            if mode == .average { window.dilation = Array(repeating: 1, count: rank) }
            return .poolingND(PoolingND(mode, window: window, ceilMode: try fields.bool("ceil_mode", default: false),
                                        countIncludePad: mode == .average ? try fields.bool("count_include_pad", default: true) : true))
        }
    }
}
