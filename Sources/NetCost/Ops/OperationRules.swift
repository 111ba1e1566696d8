/// What every op family provides, side by side: how many inputs it takes, its shape
/// rule, its cost rule and its receptive-field rule, and what the op is (its family,
/// its storage, its part in fusion, the tensors it stores). The conventions behind the
/// costs are written once, in `LayerCost` and docs/counting.md.
///
/// Only `details` has a default: an op that forgets anything else does not compile.
/// docs/adding-an-op.md lists what a new op needs.
public protocol OperationRules: Sendable {
    /// The op's name in specs and reports: `conv2d`, `relu`, `concat`.
    var kind: String { get }
    var arity: Arity { get }

    // MARK: What the op is

    /// The op's family; the same for every op of the type, so the op table can list it.
    static var family: OpFamily { get }
    /// Whether the output is a view of the first input or a buffer of its own.
    var storage: OutputStorage { get }
    /// What `--fuse` may do with the op.
    var fusion: FusionRole { get }
    /// Whether `netcost memory --in-place` may write the output over an input.
    var inPlace: InPlaceRole { get }
    /// What the op keeps for the backward pass when training, under PyTorch's rules.
    func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule
    /// Whether the op is a depthwise convolution on an input of `inputChannels` channels
    /// (one group per channel): G4 and the cost chart single these out.
    func isDepthwise(inputChannels: Int?) -> Bool
    /// The tensors the op stores, in PyTorch's layout and order; empty for most ops.
    /// Their elements add up to the cost's `params + buffers`.
    func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape]

    // MARK: Shapes, costs and fields

    /// The output shape for these input shapes, or an error naming the field at fault.
    func outputShape(_ inputs: [TensorShape]) throws -> TensorShape
    /// The layer's cost; throws `SizeOverflow` when a count does not fit in 64 bits.
    func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost
    /// How one output position maps onto the input's spatial axes. Ops that only rescale
    /// values (normalizations, activations, softmax) are `.pointwise`: a field describes
    /// which pixels an output can see, not how it was normalized.
    func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow
    /// Which axis of the output holds the samples, given the inputs' (see
    /// `TensorShape.batchAxis`): for presentation only, no count reads it. Most ops keep
    /// the first input's (`BatchAxis.kept`); ops that move, merge or drop axes say where it went.
    func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int?
    /// Attributes worth showing beside the kind in a table (`3x3/2 dw`); may be empty.
    func details(_ inputs: [TensorShape]) -> String
}

extension OperationRules {
    public func details(_ inputs: [TensorShape]) -> String { "" }

    /// The op's family (`Self.family`), read from a value.
    public var family: OpFamily { Self.family }
}

/// How many inputs an op takes.
public struct Arity: Sendable {
    public var minimum: Int
    public var maximum: Int?

    public static let none = Arity(minimum: 0, maximum: 0)
    public static let one = Arity(minimum: 1, maximum: 1)
    public static let two = Arity(minimum: 2, maximum: 2)
    public static let atLeastTwo = Arity(minimum: 2, maximum: nil)
    public static let atLeastOne = Arity(minimum: 1, maximum: nil)

    func check(_ count: Int) throws(InputError) {
        if count < minimum || count > (maximum ?? Int.max) {
            let expected = switch maximum {
            case minimum?: "\(minimum)"
            case nil: "at least \(minimum)"
            case let maximum?: "\(minimum) to \(maximum)"
            }
            throw InputError("takes \(expected) input\(expected == "1" ? "" : "s"), got \(count)", field: "inputs")
        }
    }
}

/// Where one output position of a layer looks in its input, per spatial axis.
public enum SpatialWindow: Sendable, Equatable {
    /// Each output position reads the same position of the input (activations, 1×1 ops, concat).
    case pointwise
    /// A window per axis: height, then width.
    case sliding(height: AxisWindow, width: AxisWindow)
    /// The output no longer has the input's spatial layout (global pooling, flatten, a
    /// transpose that moves H or W, linear or matmul over an axis): it has no receptive
    /// field, and nothing computed from it alone has one.
    case ends
    /// Not known (an op netcost has no rules for): the field is unknown from here on.
    case unknown
}

extension SpatialWindow {
    /// An op that works along one axis of its input (concat, take, a running sum): along
    /// a feature map's channels each position keeps its place; along H or W the map is
    /// cut, joined or summed across, and the field ends.
    static func along(axis: Int, of input: TensorShape) -> SpatialWindow {
        let resolved = axis < 0 ? axis + input.rank : axis
        return input.isFeatureMap && resolved > 1 ? .ends : .pointwise
    }
}

/// One axis of a window in receptive-field terms: output position `o` reads `extent`
/// consecutive input positions starting at `o·stride − offset`. Stride and offset are
/// fractional for upsampling.
public struct AxisWindow: Sendable, Equatable {
    public var extent: Int
    public var stride: Double
    public var offset: Double

    public init(extent: Int, stride: Double, offset: Double) {
        self.extent = extent
        self.stride = stride
        self.offset = offset
    }

    public static let identity = AxisWindow(extent: 1, stride: 1, offset: 0)
}

/// Shape checks shared by the op families.
enum ShapeCheck {
    /// The input as `[N, C, H, W]` (PyTorch's and ONNX's layout; `N` may be a batch, or
    /// heads or windows merged with it), or an error saying which op needs one.
    static func featureMap(_ shape: TensorShape, for kind: String) throws(InputError) -> (batch: Int, channels: Int, size: Size2D) {
        guard shape.rank == 4 else {
            throw InputError("\(kind) needs a [N, C, H, W] feature map, got shape \(TensorShape.format(shape.dims))", field: "inputs")
        }
        return (shape.dims[0], shape.dims[1], Size2D(shape.dims[2], shape.dims[3]))
    }

    /// Resolves a possibly negative axis against a rank.
    static func axis(_ axis: Int, rank: Int, field: String = "axis") throws(InputError) -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard (0..<rank).contains(resolved) else {
            throw InputError("axis \(axis) is out of range for a tensor of rank \(rank)", field: field)
        }
        return resolved
    }
}

/// Where the samples went, for the ops' `batchAxis` rules.
public enum BatchAxis {
    /// The batch axis of the first input that has one, where the output keeps that
    /// input's rank: element-wise ops, convolutions, pooling, normalizations,
    /// concatenation (a stored class token joined to the patches has none).
    public static func kept(_ inputs: [TensorShape], _ output: TensorShape) -> Int? {
        inputs.first { $0.batchAxis != nil && $0.rank == output.rank }?.batchAxis
    }

    /// Operands broadcast to the output's rank, aligned at their last axes: the first
    /// operand's batch axis that lands on an axis of the output's size.
    public static func broadcast(_ inputs: [TensorShape], _ output: TensorShape) -> Int? {
        for input in inputs {
            guard let axis = input.batchAxis else { continue }
            let aligned = axis + output.rank - input.rank
            if output.dims.indices.contains(aligned), output.dims[aligned] == input.dims[axis] { return aligned }
        }
        return nil
    }
}

/// Axes counted within one sample, as specs write them and reports show them (`"axis": 0`
/// is a feature map's channels), against axes of the whole tensor, as ops store them.
public enum SampleAxis {
    /// The whole tensor's axis for a sample's axis `axis` of `input`: past the batch axis
    /// by one; negative axes count from the end in both.
    public static func whole(_ axis: Int, of input: TensorShape?) -> Int {
        guard axis >= 0, let batch = input?.batchAxis else { return axis }
        return axis >= batch ? axis + 1 : axis
    }

    /// A whole tensor's axis as the sample's (`"batch"` for the batch axis itself).
    public static func text(_ axis: Int, of input: TensorShape?) -> String {
        guard axis >= 0, let batch = input?.batchAxis else { return "\(axis)" }
        if axis == batch { return "batch" }
        return "\(axis > batch ? axis - 1 : axis)"
    }
}
