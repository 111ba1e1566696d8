/// Max or average.
public enum PoolingMode: String, Hashable, Sendable {
    case max, average = "avg"
}

// MARK: Windowed pooling

/// Max and average pooling over a sliding window, with PyTorch's `ceil_mode` and
/// `count_include_pad` (the latter changes the divisor, not the cost).
///
/// - flops  = `outputElements·kh·kw`: per window `kh·kw − 1` compares or adds, plus the
///            initial load (max) or the divide (average)
/// - memory = the touched input positions of every channel, and the output
public struct Pooling: OperationRules, SlidingWindowOperation, Hashable {
    public var mode: PoolingMode
    public var kernel: Size2D
    public var stride: Size2D
    public var dilation: Size2D
    public var padding: Padding
    public var ceilMode: Bool
    public var countIncludePad: Bool

    public init(_ mode: PoolingMode, kernel: Size2D, stride: Size2D? = nil, dilation: Size2D = .square(1),
                padding: Padding = .zero, ceilMode: Bool = false, countIncludePad: Bool = true) {
        self.mode = mode
        self.kernel = kernel
        self.stride = stride ?? kernel
        self.dilation = dilation
        self.padding = padding
        self.ceilMode = ceilMode
        self.countIncludePad = countIncludePad
    }

    public var kind: String { mode == .max ? "maxpool" : "avgpool" }
    public var arity: Arity { .one }
    public static var family: OpFamily { .pooling }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    /// Max pooling keeps its input and the position of each maximum (int64); average
    /// pooling its input.
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule {
        mode == .max ? TrainingRule(saves: [.input(0), .own("indices", elements: output.elements, bytesPerElement: 8)]) : .input
    }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        let (batch, channels, size) = try ShapeCheck.featureMap(inputs[0], for: kind)
        let axes = axes(inputs[0])
        for axis in axes where axis.padBefore > axis.kernel / 2 || axis.padAfter > axis.kernel / 2 {
            if case .same = padding { break }
            throw InputError("padding must be at most half the kernel (\(axis.kernel / 2)), as in PyTorch", field: "padding")
        }
        return try TensorShape([batch, channels,
                                try axes[0].outputSize(input: size.height, ceilMode: ceilMode),
                                try axes[1].outputSize(input: size.width, ceilMode: ceilMode)])
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        LayerCost(flops: try product(output.elements, kernel.height, kernel.width),
                  inputReads: try touchedInputs(inputs[0], output),
                  outputWrites: output.elements)
    }

    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { slidingWindow(inputs[0]) }
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { BatchAxis.kept(inputs, output) }

    public func details(_ inputs: [TensorShape]) -> String {
        var text = windowText
        if ceilMode { text += " ceil" }
        return text
    }
}

// MARK: Global pooling

/// Max or average over the whole map: `[N, C, H, W] → [N, C, 1, 1]`, and likewise for
/// `[N, C, L]` and `[N, C, T, H, W]`.
/// flops = `C·H·W` (`H·W − 1` compares or adds and one load or divide per channel);
/// memory = input and output.
public struct GlobalPooling: OperationRules, Hashable {
    public var mode: PoolingMode

    public init(_ mode: PoolingMode) {
        self.mode = mode
    }

    public var kind: String { mode == .max ? "global_maxpool" : "global_avgpool" }
    public var arity: Arity { .one }
    public static var family: OpFamily { .pooling }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    /// A global average is a mean, whose gradient needs only the shape.
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule {
        mode == .max ? TrainingRule(saves: [.input(0), .own("indices", elements: output.elements, bytesPerElement: 8)]) : .nothing
    }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        let dims = inputs[0].dims
        guard dims.count >= 3 else {
            throw InputError("\(kind) needs [N, C, …] with at least one spatial axis, got shape \(TensorShape.format(dims))", field: "inputs")
        }
        return try TensorShape([dims[0], dims[1]] + Array(repeating: 1, count: dims.count - 2))
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        LayerCost(flops: inputs[0].elements, inputReads: inputs[0].elements, outputWrites: output.elements)
    }

    /// One value per channel: the map is gone.
    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { .ends }
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { BatchAxis.kept(inputs, output) }
}

// MARK: Adaptive pooling

/// PyTorch's adaptive pooling to a fixed output size. Output cell `i` of `o` along an
/// axis of `n` pools input positions `floor(i·n/o) ..< ceil((i + 1)·n/o)`.
/// flops = `N·C·(Σ window heights)·(Σ window widths)`; memory = input and output.
public struct AdaptivePooling: OperationRules, Hashable {
    public var mode: PoolingMode
    public var outputSize: Size2D

    public init(_ mode: PoolingMode, outputSize: Size2D) {
        self.mode = mode
        self.outputSize = outputSize
    }

    public var kind: String { mode == .max ? "adaptive_maxpool" : "adaptive_avgpool" }
    public var arity: Arity { .one }
    public static var family: OpFamily { .pooling }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    /// Averaging to 1×1 is a mean (nothing kept); otherwise like `Pooling`.
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule {
        if mode == .max { return TrainingRule(saves: [.input(0), .own("indices", elements: output.elements, bytesPerElement: 8)]) }
        return outputSize == Size2D(1, 1) ? .nothing : .input
    }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }

    /// Start and end (exclusive) of output cell `cell`'s window along an axis.
    public static func window(cell: Int, input: Int, output: Int) -> Range<Int> {
        (cell * input / output)..<(((cell + 1) * input + output - 1) / output)
    }

    /// The summed and the largest window length along an axis, without allocating.
    static func windowLengths(input: Int, output: Int) -> (sum: Int, largest: Int) {
        var total = 0, largest = 0
        for cell in 0..<output {
            let length = window(cell: cell, input: input, output: output).count
            total += length
            largest = max(largest, length)
        }
        return (total, largest)
    }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        let (batch, channels, _) = try ShapeCheck.featureMap(inputs[0], for: kind)
        return try TensorShape([batch, channels, outputSize.height, outputSize.width])
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        let input = inputs[0]
        let rows = Self.windowLengths(input: input.dims[2], output: outputSize.height).sum
        let columns = Self.windowLengths(input: input.dims[3], output: outputSize.width).sum
        return LayerCost(flops: try product(input.dims[0], input.channels, rows, columns),
                         inputReads: input.elements,
                         outputWrites: output.elements)
    }

    /// Exact when the output size divides the input (a plain pooling with kernel =
    /// stride = n/o); otherwise the largest window and a fractional stride. To 1×1 it is
    /// global pooling, and the map is gone.
    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow {
        if outputSize.height == 1 && outputSize.width == 1 { return .ends }
        let sizes = [inputs[0].dims[2], inputs[0].dims[3]], outputs = [outputSize.height, outputSize.width]
        let axes = (0..<2).map { axis in
            let largest = Self.windowLengths(input: sizes[axis], output: outputs[axis]).largest
            return AxisWindow(extent: largest, stride: Double(sizes[axis]) / Double(outputs[axis]), offset: 0)
        }
        return .sliding(height: axes[0], width: axes[1])
    }

    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { BatchAxis.kept(inputs, output) }

    public func details(_ inputs: [TensorShape]) -> String { "→\(outputSize.text())" }
}

// MARK: Spec fields

extension Pooling {
    /// `kernel`, `stride` (the kernel), `padding` (0), `dilation` (1, max only),
    /// `ceil_mode` (false), `count_include_pad` (true, average only).
    static func decoder(_ mode: PoolingMode) -> OpDecoder {
        { (fields: inout LayerFields, _: [TensorShape]) throws(InputError) -> Operation in
            let kernel = try fields.size2D("kernel")
            return .pooling(Pooling(
                mode,
                kernel: kernel,
                stride: try fields.size2D("stride", default: kernel),
                dilation: mode == .max ? try fields.size2D("dilation", default: .square(1)) : .square(1),
                padding: try fields.padding(default: .zero),
                ceilMode: try fields.bool("ceil_mode", default: false),
                countIncludePad: mode == .average ? try fields.bool("count_include_pad", default: true) : true))
        }
    }
}

extension GlobalPooling {
    static func decoder(_ mode: PoolingMode) -> OpDecoder {
        { (_: inout LayerFields, _: [TensorShape]) throws(InputError) -> Operation in .globalPooling(GlobalPooling(mode)) }
    }
}

extension AdaptivePooling {
    /// `output_size`: one number or `[height, width]`.
    static func decoder(_ mode: PoolingMode) -> OpDecoder {
        { (fields: inout LayerFields, _: [TensorShape]) throws(InputError) -> Operation in
            .adaptivePooling(AdaptivePooling(mode, outputSize: try fields.size2D("output_size")))
        }
    }
}

// MARK: Reductions

/// A reduction over any axes of the tensor (negative ones count from the end): the mean, sum, largest or smallest value, or the L2
/// norm `√Σx²` (ConvNeXt V2's global response norm). The reduced axes are dropped, or
/// kept as 1 with `keepdims`; reducing every axis without `keepdims` leaves `[1]`.
/// - flops  = one per input element (the adds or comparisons; a mean's division is
///            folded in, as for global pooling), two for L2 (square and add)
/// - memory = the input and the output
public struct Reduction: OperationRules, Hashable {
    public enum Mode: String, Hashable, Sendable, CaseIterable {
        case mean, sum, max, min, l2
    }

    public var mode: Mode
    public var axes: [Int]
    public var keepDims: Bool

    public init(_ mode: Mode, axes: [Int], keepDims: Bool) {
        self.mode = mode
        self.axes = axes
        self.keepDims = keepDims
    }

    public var kind: String { "reduce_" + mode.rawValue }
    public var arity: Arity { .one }
    public static var family: OpFamily { .pooling }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    /// A sum or mean needs only the shape; a max, min or norm its input and result.
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule {
        switch mode {
        case .mean, .sum: .nothing
        case .max, .min, .l2: TrainingRule(saves: [.input(0), .output])
        }
    }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }

    /// The axes resolved against `rank`, sorted; an error names a bad or repeated one.
    public func resolvedAxes(rank: Int) throws(InputError) -> [Int] {
        var resolved: [Int] = []
        for axis in axes {
            let axis = try ShapeCheck.axis(axis, rank: rank, field: "axes")
            guard !resolved.contains(axis) else { throw InputError("axis \(axis) is named twice", field: "axes") }
            resolved.append(axis)
        }
        return resolved.sorted()
    }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        let reduced = Set(try resolvedAxes(rank: inputs[0].rank))
        let dims = inputs[0].dims.indices.compactMap { axis in reduced.contains(axis) ? (keepDims ? 1 : nil) : inputs[0].dims[axis] }
        return try TensorShape(dims.isEmpty ? [1] : dims)
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        LayerCost(flops: try inputs[0].elements.multiplied(by: mode == .l2 ? 2 : 1), inputReads: inputs[0].elements,
                  outputWrites: output.elements)
    }

    /// Over a feature map's height or width the map is gone; over its channels alone
    /// (a mean across channels), each position still sees what its input saw.
    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow {
        guard inputs[0].isFeatureMap, let reduced = try? resolvedAxes(rank: inputs[0].rank) else { return .ends }
        return reduced == [1] && keepDims ? .pointwise : .ends
    }

    /// Kept unless reduced; moved down by the reduced axes before it when they are dropped.
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? {
        guard let axis = inputs[0].batchAxis, let reduced = try? resolvedAxes(rank: inputs[0].rank),
              !reduced.contains(axis) else { return nil }
        return keepDims ? axis : axis - reduced.filter { $0 < axis }.count
    }

    public func details(_ inputs: [TensorShape]) -> String {
        "axes " + axes.map { SampleAxis.text($0, of: inputs.first) }.joined(separator: ",") + (keepDims ? " keep" : "")
    }
}

extension Reduction {
    /// `axes` of the sample (every one when absent) and `keepdims` (false, as in PyTorch).
    static func decoder(_ mode: Mode) -> OpDecoder {
        { (fields: inout LayerFields, inputs: [TensorShape]) throws(InputError) -> Operation in
            let rank = inputs.first?.sample.count ?? 1
            let given = try fields.intArray("axes", minimum: -TensorShape.maximumRank) ?? Array(0..<rank)
            guard !given.isEmpty else { throw InputError("must name at least one axis", field: "axes") }
            let axes = given.map { SampleAxis.whole($0, of: inputs.first) }
            return .reduction(Reduction(mode, axes: axes, keepDims: try fields.bool("keepdims", default: false)))
        }
    }
}
