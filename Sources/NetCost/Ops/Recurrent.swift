// MARK: LSTM

/// A long short-term memory layer over a sequence (ONNX's `LSTM`, PyTorch's `nn.LSTM` of
/// one layer): forward, reverse or bidirectional; input `[T, N, I]`, or `[N, T, I]` with
/// `batchFirst` (ONNX's `layout` 1); optional initial hidden and cell states `[D, N, H]`
/// (`[N, D, H]` batch first) as inputs 2 and 3; output every step's hidden state,
/// `[T, D, N, H]` (`[N, T, D, H]` batch first). `D` is 2 when bidirectional, else 1.
///
/// Each step of each direction computes four gates from the step's input and the last
/// hidden state, `z = W·x_t + R·h_{t−1} (+ b_W + b_R)`, then
/// `i, f, o = σ(z_i, z_f, z_o)`, `g = tanh(z_g)`, `c_t = f·c_{t−1} + i·g`, `h_t = o·tanh(c_t)`.
/// - params = `D·(4H·I + 4H·H)` (+ `D·8H` for the two biases)
/// - macs   = `D·T·N·4H·(I + H)`: the gate products, one multiply-accumulate per weight
///            per step and sample (the biases are adds)
/// - flops  = `2·macs` + per hidden value per step `18`: three sigmoids (4 each), two
///            tanh (1 each), the cell's two multiplies and add, the output's multiply;
///            `+ 8` with biases (two adds per gate)
/// - memory = the input, the initial states, the weights and biases, the output; the
///            running state stays in the kernel, as a fused LSTM kernel keeps it
public struct LSTM: OperationRules, Hashable {
    public enum Direction: String, Hashable, Sendable {
        case forward, reverse, bidirectional
    }

    public var hiddenSize: Int
    public var direction: Direction
    public var batchFirst: Bool
    public var bias: Bool

    public init(hiddenSize: Int, direction: Direction = .forward, batchFirst: Bool = false, bias: Bool = true) {
        self.hiddenSize = hiddenSize
        self.direction = direction
        self.batchFirst = batchFirst
        self.bias = bias
    }

    public var directions: Int { direction == .bidirectional ? 2 : 1 }

    public var kind: String { "lstm" }
    /// The sequence, then optionally the initial hidden and cell states.
    public var arity: Arity { Arity(minimum: 1, maximum: 3) }
    public static var family: OpFamily { .linear }
    public var storage: OutputStorage { .buffer }
    public var fusion: FusionRole { .standalone }
    public var inPlace: InPlaceRole { .never }
    /// An estimate after PyTorch's CPU cell: the sequence, and per step and direction
    /// the four gates, the previous hidden and cell states and the cell's tanh.
    public func training(_ inputs: [TensorShape], _ output: TensorShape) -> TrainingRule {
        let perStep = ["input gate", "forget gate", "cell gate", "output gate", "previous hidden", "previous cell", "tanh of cell"]
        return TrainingRule(saves: [.input(0)] + perStep.map { .own($0, elements: output.elements) })
    }
    public func isDepthwise(inputChannels: Int?) -> Bool { false }

    /// Steps, samples and input features of the sequence.
    func sizes(_ input: TensorShape) throws(InputError) -> (steps: Int, batch: Int, features: Int) {
        guard input.rank == 3 else {
            throw InputError("an LSTM needs a sequence \(batchFirst ? "[N, T, I]" : "[T, N, I]"), got shape \(TensorShape.format(input.dims))", field: "inputs")
        }
        return batchFirst ? (input.dims[1], input.dims[0], input.dims[2]) : (input.dims[0], input.dims[1], input.dims[2])
    }

    /// Per direction stacked on the first axis, PyTorch's gate order (input, forget, cell,
    /// output): the input weights `[D, 4H, I]`, the recurrent weights `[D, 4H, H]`, then
    /// with a bias the input and recurrent biases `[D, 4H]` each.
    public func parameterShapes(_ inputs: [TensorShape]) -> [ParameterShape] {
        let gates = 4 * hiddenSize, features = inputs[0].dims.last ?? 0
        let weights = [ParameterShape(.weight, [directions, gates, features]), ParameterShape(.recurrentWeight, [directions, gates, hiddenSize])]
        return bias ? weights + [ParameterShape(.bias, [directions, gates]), ParameterShape(.recurrentBias, [directions, gates])] : weights
    }

    public func outputShape(_ inputs: [TensorShape]) throws -> TensorShape {
        let (steps, batch, _) = try sizes(inputs[0])
        let state = batchFirst ? [batch, directions, hiddenSize] : [directions, batch, hiddenSize]
        for initial in inputs.dropFirst() where initial.dims != state {
            throw InputError("an initial state \(TensorShape.format(initial.dims)) is not \(TensorShape.format(state))", field: "inputs")
        }
        return try TensorShape(batchFirst ? [batch, steps, directions, hiddenSize] : [steps, directions, batch, hiddenSize])
    }

    public func cost(_ inputs: [TensorShape], _ output: TensorShape) throws -> LayerCost {
        let (steps, batch, features) = try sizes(inputs[0])
        let gates = try hiddenSize.multiplied(by: 4)
        let weights = try product(directions, gates, try features.adding(hiddenSize))
        let params = try weights.adding(bias ? try product(directions, 2, gates) : 0)
        let macs = try product(weights, steps, batch)
        let pointwise = try product(directions, steps, batch, hiddenSize, bias ? 26 : 18)
        return LayerCost(params: params,
                         macs: macs,
                         flops: try sum(try macs.multiplied(by: 2), pointwise),
                         inputReads: try inputs.reduce(0) { (total, shape) throws(SizeOverflow) in try total.adding(shape.elements) },
                         weightReads: params,
                         outputWrites: output.elements)
    }

    /// A sequence has no spatial axes.
    public func window(_ inputs: [TensorShape], _ output: TensorShape) -> SpatialWindow { .ends }

    /// The samples' axis moves from the input's (0 batch first, else 1) to the output's (0, else 2).
    public func batchAxis(_ inputs: [TensorShape], _ output: TensorShape) -> Int? {
        inputs.first?.batchAxis == (batchFirst ? 0 : 1) ? (batchFirst ? 0 : 2) : nil
    }

    /// `H 48 bidirectional`.
    public func details(_ inputs: [TensorShape]) -> String {
        "H \(hiddenSize)" + (direction == .forward ? "" : " \(direction.rawValue)") + (bias ? "" : " no bias")
    }
}

// MARK: Spec fields

extension LSTM {
    /// `hidden` (PyTorch's `hidden_size`), `bidirectional` (false), `batch_first` (false),
    /// `bias` (true). A spec's sequence `[T, I]` is `[N, T, I]` as a whole tensor: batch first.
    static func decode(_ fields: inout LayerFields, _ inputs: [TensorShape]) throws(InputError) -> Operation {
        .lstm(LSTM(hiddenSize: try fields.int("hidden"),
                   direction: try fields.bool("bidirectional", default: false) ? .bidirectional : .forward,
                   batchFirst: try fields.bool("batch_first", default: false),
                   bias: try fields.bool("bias", default: true)))
    }
}
