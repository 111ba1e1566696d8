// MARK: Upsample

/// Nearest, bilinear or bicubic resizing of a feature map, by scale factors (output =
/// `floor(n·scale)`, as PyTorch) or to a fixed size.
///
/// - flops  = 0 for nearest (a gather); per output element 7 for bilinear (four weights
///            times four neighbours, three adds) and 31 for bicubic (sixteen weights
///            times sixteen neighbours, fifteen adds)
/// - memory = the input positions read (nearest reads the distinct `floor(o·step)` per
///            axis; bilinear the whole input; bicubic the distinct positions of its
///            four-tap windows, clamped to the edges) and the output
public struct Upsample: OperationRules, Hashable {
    public enum Mode: String, Hashable, Sendable {
        case nearest, bilinear, bicubic
    }

    public enum Target: Hashable, Sendable {
        case scale(height: Double, width: Double)
        case size(Size2D)
    }

    /// Where output position `o` of an axis samples the input (ONNX's
    /// `coordinate_transformation_mode`), with `step` = `1/scale`, or `n/out` for a size.
    public enum Coordinates: String, Hashable, Sendable {
        /// `step·(o + ½) − ½`: PyTorch's `align_corners=False`, ONNX's `half_pixel`.
        case halfPixel = "half_pixel"
        /// As `halfPixel`, but 0 when the output axis has one position.
        case pytorchHalfPixel = "pytorch_half_pixel"
        /// `o·(n − 1)/(out − 1)`: the corners' centres stay in place.
        case alignCorners = "align_corners"
        /// `o·step`.
        case asymmetric
    }

    public var mode: Mode
    public var target: Target
    public var coordinates: Coordinates
    /// Bicubic's `a` (PyTorch's −0.75; ONNX's `cubic_coeff_a`).
    public var cubicCoefficient: Double

    public init(_ mode: Mode, target: Target, coordinates: Coordinates = .halfPixel, cubicCoefficient: Double = -0.75) {
        self.mode = mode
        self.target = target
        self.coordinates = coordinates
        self.cubicCoefficient = cubicCoefficient
    }

    public var alignCorners: Bool { coordinates == .alignCorners }

    public var kind: String { "upsample" }
    public var arity: Arity { .one }
    public static var family: OpFamily { .resampling }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { .nothing }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        let (batch, channels, size) = try ShapeCheck.featureMap(inputs[0], for: kind)
        switch target {
        case .size(let output):
            return try TensorShape([batch, channels, output.height, output.width])
        case let .scale(height, width):
            let limit = Double(LayerFields.maximumSize)
            let outputs = [Double(size.height) * height, Double(size.width) * width].map { ($0 + 1e-9).rounded(.down) }
            guard outputs.allSatisfy({ $0 >= 1 && $0 <= limit }) else {
                throw InputError("scale \(JSONWriter.format(height))x\(JSONWriter.format(width)) gives an output size out of range", field: "scale")
            }
            return try TensorShape([batch, channels, Int(outputs[0]), Int(outputs[1])])
        }
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        let input = inputs[0]
        switch mode {
        case .nearest:
            let touched = try product(input.dims[0], input.channels, nearestSources(axis: 0, input: input, output: output),
                                      nearestSources(axis: 1, input: input, output: output))
            return LayerCost(inputReads: touched, outputWrites: output.elements)
        case .bilinear:
            return LayerCost(flops: try output.elements.multiplied(by: 7), inputReads: input.elements, outputWrites: output.elements)
        case .bicubic:
            let touched = try product(input.dims[0], input.channels, cubicSources(axis: 0, input: input, output: output),
                                      cubicSources(axis: 1, input: input, output: output))
            return LayerCost(flops: try output.elements.multiplied(by: 31), inputReads: touched, outputWrites: output.elements)
        }
    }

    /// The input coordinate output position `o` of an axis samples (see `Coordinates`).
    public func sourceCoordinate(_ o: Int, axis: Int, input: Int, output: Int) -> Double {
        let step = sourceStep(axis: axis, input: input, output: output)
        switch coordinates {
        case .halfPixel: return step * (Double(o) + 0.5) - 0.5
        case .pytorchHalfPixel: return output > 1 ? step * (Double(o) + 0.5) - 0.5 : 0
        case .alignCorners: return output > 1 ? Double(o) * Double(input - 1) / Double(output - 1) : 0
        case .asymmetric: return Double(o) * step
        }
    }

    /// How many input positions bicubic reads along an axis: the distinct positions of
    /// the taps `floor(x) − 1 … floor(x) + 2` of every output's coordinate `x`, clamped
    /// to the axis (PyTorch and ONNX repeat the edge value).
    func cubicSources(axis: Int, input: TensorShape, output: TensorShape) -> Int {
        let (size, count) = (input.dims[axis + 2], output.dims[axis + 2])
        // Coordinates grow with the output position, so the windows come in order: merge
        // each into the run before it, or close that run and count it.
        var touched = 0
        var run: ClosedRange<Int>?
        for position in 0..<count {
            let coordinate = sourceCoordinate(position, axis: axis, input: size, output: count)
            guard coordinate.isFinite, abs(coordinate) < Double(LayerFields.maximumSize) else { continue }
            let base = Int(coordinate.rounded(.down))
            let window = min(max(base - 1, 0), size - 1)...min(max(base + 2, 0), size - 1)
            if let current = run, window.lowerBound <= current.upperBound + 1 {
                run = current.lowerBound...max(current.upperBound, window.upperBound)
            } else {
                touched += run?.count ?? 0
                run = window
            }
        }
        return touched + (run?.count ?? 0)
    }

    /// The input step per output position along a spatial axis (0 height, 1 width):
    /// PyTorch uses `1/scale` when given a scale and `n/out` when given a size.
    public func sourceStep(axis: Int, input: Int, output: Int) -> Double {
        switch target {
        case let .scale(height, width): 1 / (axis == 0 ? height : width)
        case .size: Double(input) / Double(output)
        }
    }

    /// How many input positions nearest-neighbour reads along an axis: the distinct
    /// `min(floor(o·step), n − 1)`. Upsampling by a whole factor reads them all; a
    /// non-integer scale such as 1.1 on 5 positions never reads the last one.
    func nearestSources(axis: Int, input: TensorShape, output: TensorShape) -> Int {
        let (size, count) = (input.dims[axis + 2], output.dims[axis + 2])
        let step = sourceStep(axis: axis, input: size, output: count)
        var distinct = 0, previous = -1
        for position in 0..<count {
            let source = min(Int((Double(position) * step).rounded(.down)), size - 1)
            if source != previous { distinct += 1 }
            previous = source
        }
        return distinct
    }

    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow {
        let axes = (2...3).map { axis in
            let ratio = Double(inputs[0].dims[axis]) / Double(output.dims[axis])
            switch mode {
            case .nearest: return AxisWindow(extent: 1, stride: ratio, offset: 0)
            case .bilinear: return AxisWindow(extent: 2, stride: ratio, offset: 0.5 - 0.5 * ratio)
            case .bicubic: return AxisWindow(extent: 4, stride: ratio, offset: 1.5 - 0.5 * ratio)
            }
        }
        return .sliding(height: axes[0], width: axes[1])
    }

    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { BatchAxis.kept(inputs, output) }

    public func details(_ inputs: [TensorShape]) -> String {
        switch target {
        case let .scale(height, width): "\(mode.rawValue) x\(JSONWriter.format(height))\(height == width ? "" : "x\(JSONWriter.format(width))")"
        case .size(let size): "\(mode.rawValue) →\(size.text())"
        }
    }
}

// MARK: Constant padding

/// Padding of any axes (ONNX's Pad, PyTorch's `F.pad`): each axis grows by `before[i]`
/// and `after[i]` elements: `value`, or the input mirrored (`reflect`, without the edge
/// element), repeated (`edge`) or wrapped around (`wrap`). A copy: reads the input,
/// writes the whole padded output; no flops. A spec pads a feature map's H and W.
public struct Pad: OperationRules, Hashable {
    public enum Mode: String, Hashable, Sendable, CaseIterable {
        case constant, reflect, edge, wrap
    }

    /// Per axis of the tensor, the elements added before and after.
    public var before: [Int]
    public var after: [Int]
    /// The constant written into the border (`constant` mode).
    public var value: Double
    public var mode: Mode

    public init(before: [Int], after: [Int], value: Double = 0, mode: Mode = .constant) {
        self.before = before
        self.after = after
        self.value = value
        self.mode = mode
    }

    /// The H and W borders of `[N, C, H, W]`.
    public init(top: Int, bottom: Int, left: Int, right: Int, value: Double = 0, mode: Mode = .constant) {
        self.init(before: [0, 0, top, left], after: [0, 0, bottom, right], value: value, mode: mode)
    }

    /// The input position that output position `position` of an axis of `size` copies,
    /// or nil for the constant border.
    public func source(_ position: Int, axis: Int, size: Int) -> Int? {
        let shifted = position - before[axis]
        if (0..<size).contains(shifted) { return shifted }
        switch mode {
        case .constant: return nil
        case .edge: return min(max(shifted, 0), size - 1)
        case .wrap: return ((shifted % size) + size) % size
        case .reflect:
            // Mirror without repeating the edge: −1 → 1, n → n − 2.
            guard size > 1 else { return 0 }
            let period = 2 * (size - 1)
            let folded = ((shifted % period) + period) % period
            return folded < size ? folded : period - folded
        }
    }

    public var kind: String { "pad" }
    public var arity: Arity { .one }
    public static var family: OpFamily { .resampling }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { .nothing }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        let dims = inputs[0].dims
        guard before.count == dims.count, after.count == dims.count else {
            throw InputError("pads \(before.count) axes of a tensor of rank \(dims.count)", field: "pads")
        }
        guard before.allSatisfy({ $0 >= 0 }), after.allSatisfy({ $0 >= 0 }) else {
            throw InputError("negative pads (cropping) are not padding", field: "pads")
        }
        if mode == .reflect, let axis = dims.indices.first(where: { max(before[$0], after[$0]) >= dims[$0] }) {
            throw InputError("reflect padding of \(max(before[axis], after[axis])) needs an axis longer than that, got \(dims[axis])", field: "pads")
        }
        var padded: [Int] = []
        for axis in dims.indices { padded.append(try sum(dims[axis], before[axis], after[axis])) }
        return try TensorShape(padded)
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        try LayerCost.elementwise(inputs: inputs, output: output, flopsPerOutput: 0)
    }

    /// Borders of H and W shift a map's positions; borders of the batch or the channels
    /// leave them; borders of anything else end the field.
    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow {
        let padded = before.indices.filter { before[$0] != 0 || after[$0] != 0 }
        guard inputs[0].isFeatureMap else { return .pointwise }
        guard padded.allSatisfy({ $0 < 4 }) else { return .ends }
        return .sliding(height: AxisWindow(extent: 1, stride: 1, offset: Double(before[2])),
                        width: AxisWindow(extent: 1, stride: 1, offset: Double(before[3])))
    }

    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { BatchAxis.kept(inputs, output) }

    /// `1`, `t1 b2 l0 r1` for H and W of a feature map; per axis otherwise; the mode
    /// unless constant.
    public func details(_ inputs: [TensorShape]) -> String {
        let suffix = mode == .constant ? "" : " " + mode.rawValue
        if before.count == 4, before[0] == 0, before[1] == 0, after[0] == 0, after[1] == 0 {
            return Padding.explicit(top: before[2], bottom: after[2], left: before[3], right: after[3]).text + suffix
        }
        return before.indices.filter { before[$0] != 0 || after[$0] != 0 }
            .map { "axis \(SampleAxis.text($0, of: inputs.first)) \(before[$0])+\(after[$0])" }.joined(separator: ", ") + suffix
    }
}

// MARK: Folding patches

/// Sums sliding blocks back into an image (PyTorch's `nn.Fold`, ONNX's Col2Im): the
/// inverse arrangement of im2col. The input `[N, C·∏k, L]` holds, for each of the `L`
/// block positions of the window on `outputSize`, every channel's `∏k` taps; each tap
/// is added into the output position it covers, and taps that land in the padding are
/// dropped. Per axis, tap `t` of block `b` covers `b·s + t·d − pb`.
/// - flops  = one addition per tap that lands in the image: `N·C·∏ (landing pairs of each axis)`
/// - memory = those taps read once, the output written once
public struct Fold: OperationRules, Hashable {
    /// The spatial sizes of the image the blocks are summed into.
    public var outputSize: [Int]
    public var window: WindowND

    public init(outputSize: [Int], window: WindowND) {
        self.outputSize = outputSize
        self.window = window
    }

    public var kind: String { "fold" }
    public var arity: Arity { .one }
    public static var family: OpFamily { .resampling }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule { .nothing }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] { [] }

    /// Blocks per spatial axis, and the channels, of a `[N, C·∏k, L]` input.
    public func geometry(_ input: TensorShape) throws(InputError) -> (batch: Int, channels: Int, blocks: [Int]) {
        guard input.rank == 3 else {
            throw InputError("fold needs [N, C·∏kernel, blocks], got shape \(TensorShape.format(input.dims))", field: "inputs")
        }
        guard outputSize.count == window.rank else {
            throw InputError("output_size has \(outputSize.count) axes, the kernel \(window.rank)", field: "output_size")
        }
        let taps: Int
        do { taps = try product(of: window.kernel) } catch { throw InputError("the kernel's taps overflow", field: "kernel") }
        guard input.dims[1] % taps == 0 else {
            throw InputError("\(input.dims[1]) rows are not a whole number of channels of \(taps) taps (kernel \(window.text))", field: "kernel")
        }
        var blocks: [Int] = []
        for (axis, size) in zip(try window.axes(input: outputSize), outputSize) { blocks.append(try axis.outputSize(input: size)) }
        let expected: Int
        do { expected = try product(of: blocks) } catch { throw InputError("the block count overflows", field: "output_size") }
        guard expected == input.dims[2] else {
            throw InputError("\(input.dims[2]) blocks given, but a \(window.text) window on \(TensorShape.format(outputSize)) makes \(expected)", field: "output_size")
        }
        return (input.dims[0], input.dims[1] / taps, blocks)
    }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        let (batch, channels, _) = try geometry(inputs[0])
        return try TensorShape([batch, channels] + outputSize)
    }

    /// Along one axis, the (block, tap) pairs that land in the image: for tap `t`, the
    /// blocks `b < blocks` with `0 ≤ b·s + t·d − pb < size`, counted in closed form.
    static func landingPairs(_ axis: SlidingAxis, size: Int, blocks: Int) throws(SizeOverflow) -> Int {
        var pairs = 0
        for tap in 0..<axis.kernel {
            let start = tap * axis.dilation - axis.padBefore
            let first = start >= 0 ? 0 : (-start + axis.stride - 1) / axis.stride
            let last = size - 1 - start < 0 ? -1 : min(blocks - 1, (size - 1 - start) / axis.stride)
            pairs = try pairs.adding(max(0, last - first + 1))
        }
        return pairs
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        let (batch, channels, blocks) = try geometry(inputs[0])
        var landing = try batch.multiplied(by: channels)
        for (index, axis) in try window.axes(input: outputSize).enumerated() {
            landing = try landing.multiplied(by: try Self.landingPairs(axis, size: outputSize[index], blocks: blocks[index]))
        }
        return LayerCost(flops: landing, inputReads: landing, outputWrites: output.elements)
    }

    /// The blocks' positions are flattened into one axis: no spatial map to follow.
    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { .ends }
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? { inputs[0].batchAxis == 0 ? 0 : nil }

    public func details(_ inputs: [TensorShape]) -> String { window.text + " →" + outputSize.map(String.init).joined(separator: "x") }
}

// MARK: Spec fields

extension Upsample {
    /// `mode` (nearest, bilinear or bicubic), `scale` (a number or `[height, width]`) or
    /// `size`, `align_corners` (false).
    static func decode(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        let mode = Mode(rawValue: try fields.choice("mode", from: ["nearest", "bilinear", "bicubic"], default: "nearest")) ?? .nearest
        let target: Target
        if fields.has("size") {
            target = .size(try fields.size2D("size"))
        } else {
            switch fields.value("scale") {
            case .array(let pair)? where pair.count == 2:
                target = .scale(height: try scale(pair[0], fields), width: try scale(pair[1], fields))
            case let single?:
                let factor = try scale(single, fields)
                target = .scale(height: factor, width: factor)
            case nil:
                throw fields.error("is required (or give \"size\")", field: "scale")
            }
        }
        let coordinates: Coordinates = try fields.bool("align_corners", default: false) ? .alignCorners : .halfPixel
        return .upsample(Upsample(mode, target: target, coordinates: coordinates))
    }

    private static func scale(_ value: JSONValue, _ fields: LayerFields) throws(InputError) -> Double {
        let factor: Double
        switch value {
        case .integer(let integer): factor = Double(integer)
        case .number(let number): factor = number
        default: throw fields.error("expected a positive number or [height, width], got \(value.compactText)", field: "scale")
        }
        guard factor > 0, factor <= 65536 else { throw fields.error("\(JSONWriter.format(factor)) is not a usable scale", field: "scale") }
        return factor
    }
}

extension Pad {
    /// `pads`: a number, `[height, width]` or `{"top", "bottom", "left", "right"}`;
    /// `mode` (`constant`, `reflect`, `edge`, `wrap`); `value` (0, constant mode).
    static func decode(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        guard fields.has("pads") else { throw fields.error("is required", field: "pads") }
        guard case let .explicit(top, bottom, left, right) = try fields.padding("pads", default: .zero) else {
            throw fields.error("\"same\" is not a size; give the pads", field: "pads")
        }
        guard inputs.first?.rank ?? 4 == 4 else { throw fields.error("pads a [C, H, W] feature map's H and W", field: "pads") }
        let mode = Mode(rawValue: try fields.choice("mode", from: Mode.allCases.map(\.rawValue), default: "constant")) ?? .constant
        return .pad(Pad(top: top, bottom: bottom, left: left, right: right, value: try fields.double("value", default: 0), mode: mode))
    }
}

extension Fold {
    /// `output_size` (one number or one per axis: 2 axes for one number), `kernel`,
    /// `stride` (1), `padding` (0), `dilation` (1), as PyTorch's `nn.Fold`.
    static func decode(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        var rank = 2
        if case .array(let elements)? = fields.value("output_size") { rank = max(elements.count, 1) }
        let outputSize = try fields.sizes("output_size", rank: rank)
        return .fold(Fold(outputSize: outputSize, window: try fields.windowND(rank: rank)))
    }
}
